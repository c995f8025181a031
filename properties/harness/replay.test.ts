import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { withMutant } from '../../model/mutants.js';
import { getSuite } from '../registry.js';
import { replayWithFastCheck, runSuite } from './campaign.js';
import { saveCounterexample } from './files.js';
import { ReplayFileError, formatReplay, readCounterexample, replayCounterexample } from './replay.js';

const suite = getSuite('pagealloc')!;
const found = withMutant('findBestFit', () => runSuite(suite, { seed: 3, runs: 500, mutant: 'findBestFit' }));
const cx = found.counterexample!;
const dir = mkdtempSync(join(tmpdir(), 'mheap-replay-'));

describe('replaying a saved counterexample', () => {
  test('the saved file replays to the same failure and the same program', () => {
    const file = saveCounterexample(dir, cx);
    const again = readCounterexample(file);
    expect(again).toEqual(cx);
    const r = replayCounterexample(again);
    expect(r.failure?.id).toBe(cx.failure.id);
    expect(r.failure?.why).toBe(cx.failure.why);
    expect(r.trace.map((t) => `${t.go}\t// ${t.comment}`)).toEqual(cx.program.slice(1));
    const text = formatReplay(again, r);
    expect(text).toContain(`FAIL ${cx.failure.id}`);
    expect(text).toContain('runtime/mpagealloc.go');
  });

  test('fast-check itself, from the seed and path, regenerates its shrunk case; the saved commands are that case or a cut of it', () => {
    const f = withMutant('findBestFit', () => replayWithFastCheck(suite, cx));
    expect(f?.info.id).toBe(cx.failure.id);
    // reduce.ts may cut fast-check's case further (here it was 1-minimal already).
    expect(isSubsequence(cx.commands, f!.executed)).toBe(true);
    expect(f?.executed).toEqual(cx.commands);
  });

  test('the same seed gives the same run, byte for byte', () => {
    const again = withMutant('findBestFit', () => runSuite(suite, { seed: 3, runs: 500, mutant: 'findBestFit' }));
    expect(JSON.stringify(again.counterexample)).toBe(JSON.stringify(cx));
  });
});

/** Whether xs is ys with some elements left out (same order). */
function isSubsequence<T>(xs: readonly T[], ys: readonly T[]): boolean {
  let j = 0;
  for (const x of xs) {
    while (j < ys.length && JSON.stringify(ys[j]) !== JSON.stringify(x)) j++;
    if (j === ys.length) return false;
    j++;
  }
  return true;
}

describe('bad replay files get one clear error', () => {
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const good = JSON.stringify(cx);
  const cases: [string, () => string, RegExp][] = [
    ['missing', () => join(dir, 'nope.json'), /no such file/],
    ['a directory', () => dir, /cannot read it/],
    ['truncated', () => write('t.json', good.slice(0, good.length / 2)), /not valid JSON, truncated or damaged/],
    ['foreign JSON', () => write('f.json', '{"name":"some-package","version":"1.0.0"}'), /not an mheap-spec counterexample/],
    ['unknown suite', () => write('s.json', good.replace('"suite":"pagealloc"', '"suite":"nosuch"')), /unknown suite "nosuch"/],
    ['unknown command', () => write('c.json', good.replace(/"name":"alloc"/, '"name":"frobnicate"')), /is not a command of suite pagealloc/],
    ['bad arguments', () => write('a.json', good.replace(/"args":\[\d+\]/, '"args":[-1]')), /not non-negative integers/],
    ['unknown mutant', () => write('m.json', good.replace('"mutant":"findBestFit"', '"mutant":"nosuch"')), /unknown mutant/],
  ];
  for (const [name, file, msg] of cases) {
    test(name, () => {
      expect(() => readCounterexample(file())).toThrow(ReplayFileError);
      expect(() => readCounterexample(file())).toThrow(msg);
    });
  }
});
