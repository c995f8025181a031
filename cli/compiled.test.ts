// The compiled CLI (dist/, built by `npm test`'s pretest), as users run it:
// worker threads need the compiled worker script, and Ctrl-C is a real signal.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const bin = 'dist/cli/main.js';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'mheap-bin-'));

function stable(dir: string): string {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  delete s.timings;
  return JSON.stringify(s, null, 1);
}

function check(out: string, ...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'check', '--out', out, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('the compiled CLI', () => {
  test('is built', () => expect(existsSync(bin), `${bin} is missing: run npm run build (npm test does)`).toBe(true));

  test('--workers 2 gives the same report as --workers 1', () => {
    const cases = [
      ['--suite', 'pagealloc-small', '--suite', 'mheap', '--runs', '150', '--seed', '3'],
      // Batch 0 passes, batches 1-3 fail: the report must name batch 1's failure, as one worker finds it.
      ['--suite', 'pagealloc-small', '--runs', '200', '--seed', '8', '--mutant', 'go63385SysGrowSeedMin'],
    ];
    for (const args of cases) {
      const [one, two] = [tmp(), tmp()];
      const a = check(one, '--workers', '1', ...args);
      const b = check(two, '--workers', '2', ...args);
      expect(b.status).toBe(a.status);
      expect(JSON.parse(readFileSync(join(two, 'summary.json'), 'utf8')).timings.workers).toBe(2);
      expect(stable(two)).toBe(stable(one));
      expect(readFileSync(join(two, 'coverage.md'), 'utf8')).toBe(readFileSync(join(one, 'coverage.md'), 'utf8'));
    }
    // Four campaigns, two of them in a named mutant's build (built first if need be).
  }, 240_000);

  test.each(['1', '2'])('Ctrl-C with --workers %s: exit 130, the report so far and the counterexample are written', async (workers) => {
    const out = tmp();
    const child = spawn(process.execPath, [bin, 'check', '--suite', 'pagealloc', '--suite', 'mheap', '--mutant', 'go63385SysGrowSeedMin', '--runs', '5000', '--workers', workers, '--out', out]);
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // pagealloc has failed (and its counterexample is saved): stop during mheap.
      if (!sent && /^pagealloc: .*FAIL/m.test(stderr)) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\): finishing the batches in flight/);
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ interrupted: true, ok: false });
    expect(s.suites[0]).toMatchObject({ suite: 'pagealloc', failures: 1 });
    expect(existsSync(join(out, s.suites[0].counterexample))).toBe(true);
    expect(s.suites[1]?.suite).toBe('mheap');
    expect(s.suites[1].runs).toBeLessThan(5000);
    for (const f of ['summary.md', 'coverage.md', 'invariants.md']) expect(existsSync(join(out, f))).toBe(true);
  });
});
