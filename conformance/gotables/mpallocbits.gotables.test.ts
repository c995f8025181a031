// Go's runtime/mpallocbits_test.go cases, run against model/mpallocbits.ts.
// Titles are Go's test name + "/" + Go's case name.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { defaultGeometry as g } from '../../model/geometry.js';
import type { PallocBits } from '../../model/mpallocbits.js';
import { findBitRange64 } from '../../model/mpallocbits.js';
import { SumCodec } from '../../model/mpallocsum.js';
import { hexWord, u64Hi, u64Lo } from '../../model/sys.js';
import { checkPallocBits, invertPallocBits, makePallocBits, ones64, pallocBitsFromWords } from './helpers.js';
import {
  findBitRange64Cases,
  mallocBitsPopcntRangeCases,
  notFound,
  pallocBitsAllocCases,
  pallocBitsAllocRangeCases,
  pallocBitsFreeCases,
  pallocBitsSummarizeCases,
} from './mpallocbits_cases.js';

const sums = new SumCodec(g);

/** checkPallocSum: Go compares Start(), Max() and End() of the packed summaries. */
function packed(s: readonly [number, number, number]): readonly [number, number, number] {
  return sums.unpackU64(sums.pack(s[0], s[1], s[2]));
}

/** SummarizeSlow, written the obvious way: walk the bits once. */
function summarizeSlow(b: PallocBits): [start: number, max: number, end: number] {
  const P = g.pallocChunkPages;
  let start = -1;
  let max = 0;
  let run = 0;
  for (let i = 0; i < P; i++) {
    if (b.get(i) === 0) {
      run++;
      if (run > max) max = run;
    } else {
      if (start === -1) start = run;
      run = 0;
    }
  }
  // No allocated page: start is the whole chunk (then max = end = P too).
  return [start === -1 ? P : start, max, run];
}

test.each(pallocBitsAllocRangeCases(g).map((c) => [c.name, c] as const))('TestPallocBitsAllocRange/%s', (_, c) => {
  expect(checkPallocBits(makePallocBits(g, [[c.i, c.n]]), pallocBitsFromWords(g, c.want))).toEqual([]);
});

test.each(mallocBitsPopcntRangeCases(g).map((c) => [c.name, c] as const))('TestMallocBitsPopcntRange/%s', (_, c) => {
  const b = makePallocBits(g, c.init);
  const got = c.tests.map(([i, n]) => `popcnt (i=${i}, n=${n}) = ${b.popcntRange(i, n)}`);
  const want = c.tests.map(([i, n, w]) => `popcnt (i=${i}, n=${n}) = ${w}`);
  expect(got).toEqual(want);
});

// Go: 1000 bitmaps of rand.Uint64() words, Summarize vs SummarizeSlow.
// Here: 1000 fast-check bitmaps (fixed seed), against summarizeSlow above.
test('TestPallocBitsSummarizeRandom', () => {
  const words = fc.array(fc.bigInt(0n, ones64), { minLength: g.pallocChunkWords, maxLength: g.pallocChunkWords });
  fc.assert(
    fc.property(words, (ws) => {
      const b = makePallocBits(g);
      b.setWords(ws);
      expect(packed(b.summarize()), ws.map(hexWord).join(' ')).toEqual(packed(summarizeSlow(b)));
    }),
    { seed: 0x19_21, numRuns: 1000 },
  );
});

test.each(pallocBitsSummarizeCases(g).map((c) => [c.name, c] as const))('TestPallocBitsSummarize/%s', (_, c) => {
  // The cases list free (0) bits: build with 1s, then invert.
  const b = makePallocBits(g, c.free);
  invertPallocBits(b);
  expect(packed(b.summarize())).toEqual(packed(c.hit));
  // The slow reference must agree with Go's expectation too (checks summarizeSlow itself).
  expect(summarizeSlow(b)).toEqual(c.hit);
});

test.each(pallocBitsAllocCases(g).map((c) => [c.name, c] as const))('TestPallocBitsAlloc/%s', (_, c) => {
  const b = makePallocBits(g, c.before);
  c.hits.forEach((want, iter) => {
    const [a] = b.find(c.npages, 0);
    expect(a, `find #${iter + 1} picked wrong index`).toBe(want);
    if (want !== notFound) b.allocRange(a, c.npages);
  });
  expect(checkPallocBits(b, makePallocBits(g, c.after))).toEqual([]);
});

test.each(pallocBitsFreeCases.map((c) => [c.name, c] as const))('TestPallocBitsFree/%s', (_, c) => {
  const b = makePallocBits(g, c.beforeInv);
  invertPallocBits(b);
  for (const i of c.frees) b.free(i, c.npages);
  const want = makePallocBits(g, c.afterInv);
  invertPallocBits(want);
  expect(checkPallocBits(b, want)).toEqual([]);
});

const name = ([x, n]: readonly [bigint, number, number]): string => `case (${x.toString(16).padStart(16, '0')}, ${n})`;
test.each(findBitRange64Cases().map((c) => [name(c), c] as const))('TestFindBitRange64/%s', (_, [x, n, result]) => {
  const i = findBitRange64(u64Lo(x), u64Hi(x), n);
  if (result === notFound) expect(i, 'want failure (any i >= 64)').toBeGreaterThanOrEqual(64);
  else expect(i).toBe(result);
});
