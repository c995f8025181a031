import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mutantHarness } from '../../testing/mutantBuild.js';
import { saveCounterexample } from './files.js';
import type { ReplayFile } from './replay.js';
import { ReplayFileError, formatReplay, readCounterexample, replayCounterexample } from './replay.js';

// A counterexample to save and replay: the named mutant findBestFit's, found and replayed in its build.
const broken = await mutantHarness('findBestFit');
const suite = broken.registry.getSuite('pagealloc')!;
const found = broken.campaign.runSuite(suite, { seed: 3, runs: 500, mutant: 'findBestFit' });
const cx = found.counterexample!;
const dir = mkdtempSync(join(tmpdir(), 'mheap-replay-'));

describe('replaying a saved counterexample', () => {
  test('the saved file replays to the same failure and the same program', () => {
    const file = saveCounterexample(dir, cx);
    const again = readCounterexample(file);
    expect(again).toEqual(cx);
    const r = broken.replay.replayCounterexample(again);
    expect(r.failure?.id).toBe(cx.failure.id);
    expect(r.failure?.why).toBe(cx.failure.why);
    expect(r.trace.map((t) => `${t.go}\t// ${t.comment}`)).toEqual(cx.program.slice(1));
    const text = formatReplay(again, r);
    expect(text).toContain(`FAIL ${cx.failure.id}`);
    expect(text).toContain('runtime/mpagealloc.go');
  });

  test('fast-check itself, from the seed and path, regenerates its shrunk case; the saved commands are that case or a cut of it', () => {
    const f = broken.campaign.replayWithFastCheck(suite, cx);
    expect(f?.info.id).toBe(cx.failure.id);
    // reduce.ts may cut fast-check's case further (here it was 1-minimal already).
    expect(isSubsequence(cx.commands, f!.executed)).toBe(true);
    expect(f?.executed).toEqual(cx.commands);
  });

  test('the same seed gives the same run, byte for byte', () => {
    const again = broken.campaign.runSuite(suite, { seed: 3, runs: 500, mutant: 'findBestFit' });
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

describe('the per-step diff', () => {
  // A large stack: stackalloc takes a manual span for it, stackfree (in _GCoff) frees it at once.
  const stack: ReplayFile = { format: 'mheap-spec/counterexample@1', suite: 'mheap', mutant: null, commands: [{ name: 'stackalloc', args: [0, 7] }, { name: 'stackfree', args: [0, 0] }] };
  const text = formatReplay(stack, replayCounterexample(stack));
  const lines = text.split('\n');

  test('shows span state changes: the span going live as mSpanManual, then mSpanManual -> mSpanDead', () => {
    const at = lines.findIndex((l) => l.startsWith('stackfree('));
    const born = /\b(s\d+) -→mSpanManual\b/.exec(lines.slice(0, at).join('\n'));
    expect(born, text).not.toBeNull();
    expect(lines[at + 1]).toMatch(new RegExp(`^ {4}// {3}.*\\b${born![1]} mSpanManual→mSpanDead\\b`));
    expect(lines[at + 1]).toMatch(/manual spans 1→0/);
  });

  test('has one unit per quantity: page counts in pages (the figure says so), addresses in hex', () => {
    const changes = [...text.matchAll(/([\w.]+(?: \w+)*(?: \(pages\))?) (\S+)→(\S+?)(?:,|$)/gm)];
    expect(changes.length).toBeGreaterThan(3);
    for (const [, key, before, after] of changes) {
      for (const v of [before!, after!].filter((x) => x !== '-')) {
        if (key!.endsWith('(pages)') && !key!.startsWith('zeroedBase')) expect(v, `${key} ${v}`).toMatch(/^\d+$/);
      }
    }
    expect(text).toMatch(/heapReleased \(pages\) \d+→\d+/);
    expect(text).toMatch(/curArena \[0x[0-9a-f]+, 0x[0-9a-f]+\)→\[0x[0-9a-f]+, 0x[0-9a-f]+\)/);
  });
});

describe('hand-written replay files', () => {
  test('need only format, suite and commands: the output fields are not required', () => {
    const p = join(dir, 'hand.json');
    writeFileSync(p, JSON.stringify({ format: 'mheap-spec/counterexample@1', suite: 'pagealloc', commands: [{ name: 'grow', args: [0, 1, 0] }, { name: 'alloc', args: [3] }, { name: 'free', args: [0, 0] }] }));
    const hand = readCounterexample(p);
    expect(hand.mutant).toBeNull();
    const r = replayCounterexample(hand);
    expect(r.failure).toBeUndefined();
    expect(r.trace.map((t) => t.go)).toEqual(['p.grow(0x3000000000, 1*pallocChunkBytes)', 'a1, _ := p.alloc(3)', 'p.free(a1, 3)']);
    expect(formatReplay(hand, r)).toMatch(/PASS: no invariant fails\n$/);
  });
});

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
    ['a negative argument', () => write('a.json', good.replace(/"name":"alloc","args":\[\d+\]/, '"name":"alloc","args":[-1]')), /command \d+ alloc\(npages\): npages must be a whole number from 1 to 8192 \(pages to allocate\), got -1$/],
    ['an argument out of range', () => write('r.json', good.replace(/"name":"alloc","args":\[\d+\]/, '"name":"alloc","args":[0]')), /alloc\(npages\): npages must be a whole number from 1 to 8192 .*got 0$/],
    ['a fractional argument', () => write('x.json', good.replace(/"name":"alloc","args":\[\d+\]/, '"name":"alloc","args":[1.5]')), /npages must be a whole number .*got 1.5$/],
    ['too few arguments', () => write('few.json', good.replace(/"name":"alloc","args":\[\d+\]/, '"name":"alloc","args":[]')), /command \d+ alloc\(npages\) takes 1 argument, got 0$/],
    ['too many arguments', () => write('many.json', good.replace(/"name":"alloc","args":\[(\d+)\]/, '"name":"alloc","args":[$1,7]')), /command \d+ alloc\(npages\) takes 1 argument, got 2$/],
    ['unknown mutant', () => write('m.json', good.replace('"mutant":"findBestFit"', '"mutant":"nosuch"')), /unknown mutant/],
  ];
  for (const [name, file, msg] of cases) {
    test(name, () => {
      expect(() => readCounterexample(file())).toThrow(ReplayFileError);
      expect(() => readCounterexample(file())).toThrow(msg);
    });
  }
});
