// The canonical campaign: which options make it, and what becomes of its
// report (reports/ only once it has run to its end).

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Summary } from '../properties/harness/report.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import { publish } from './check.js';
import { CANONICAL_RUNS, CANONICAL_SEED, CANONICAL_TIME_LIMIT_MS, isCanonical } from './canonical.js';
import { memoryIo } from './io.js';
import { cli } from './main.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mheap-canon-'));
const canonical = { suites: [...suiteNames], runs: CANONICAL_RUNS, seed: CANONICAL_SEED, timeLimitMs: CANONICAL_TIME_LIMIT_MS, mutant: null };

describe('the canonical campaign', () => {
  test("is npm start's defaults, in any suite order; anything else is not", () => {
    expect(CANONICAL_RUNS).toBe(10_000);
    expect(isCanonical(canonical)).toBe(true);
    expect(isCanonical({ ...canonical, suites: [...suiteNames].reverse() })).toBe(true);
    for (const other of [
      { runs: 10 },
      { seed: 2 },
      { timeLimitMs: 60_000 },
      { suites: suiteNames.slice(1) },
      { mutant: 'findBestFit' },
      { maxCommands: 20 },
      { shard: { k: 1, n: 2 } },
    ]) expect(isCanonical({ ...canonical, ...other }), JSON.stringify(other)).toBe(false);
  });

  async function stage(...args: string[]): Promise<{ dir: string; summary: Summary }> {
    const dir = tmp();
    await cli(['check', '--suite', 'pagealloc', '--runs', '50', '--workers', '1', '--out', dir, ...args], memoryIo());
    return { dir, summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) };
  }

  test('run to its end, it becomes reports/: the reports and counterexamples, replay lines pointing at the copies', async () => {
    const { dir, summary } = await stage('--mutant', 'updateSkipsParents');
    const reports = join(tmp(), 'reports');
    const suites = summary.suites.map((r) => getSuite(r.suite)!);
    expect(publish(dir, reports, summary, suites, memoryIo())).toBe(reports);
    expect(existsSync(dir)).toBe(false);
    for (const f of ['summary.json', 'summary.md', 'coverage.md', 'invariants.md']) expect(existsSync(join(reports, f))).toBe(true);
    const txt = readFileSync(join(reports, summary.suites[0]!.counterexample!.replace(/json$/, 'txt')), 'utf8');
    expect(txt).toContain(`replay: npx mheap-spec replay ${join(reports, summary.suites[0]!.counterexample!)}`);
  });

  test('interrupted or cut short, it stays where it ran and reports/ is not written', async () => {
    const { dir, summary } = await stage();
    for (const s of [{ ...summary, interrupted: true }, { ...summary, cutShort: true }]) {
      const reports = join(tmp(), 'reports');
      const io = memoryIo();
      expect(publish(dir, reports, s, [], io)).toBe(dir);
      expect(existsSync(reports)).toBe(false);
      expect(io.stderr).toMatch(/reports\/ is left as it was: this canonical campaign was (interrupted|cut short by its time limit)/);
    }
  });
});
