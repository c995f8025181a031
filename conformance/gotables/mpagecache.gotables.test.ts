// Go's runtime/mpagecache_test.go cases, run against model/mpagecache.ts.
// Titles are Go's test name + "/" + Go's case name.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { baseChunkIdx, pageBase } from '../../model/export.js';
import { defaultGeometry as g, hex } from '../../model/geometry.js';
import { PageCache } from '../../model/mpagecache.js';
import { hexWord } from '../../model/sys.js';
import type { BR } from './helpers.js';
import { checkPageAlloc, newPageAllocFromMaps, ones64 } from './helpers.js';
import type { PageCacheInit } from './mpagecache_cases.js';
import { pageAllocAllocToCacheCases, pageCacheAllocCases } from './mpagecache_cases.js';

/** checkPageCache: base, cache bits and scav bits, printed the way Go prints them. */
function show(c: PageCache | PageCacheInit): string {
  return `base ${hex(c.base)} cache ${hexWord(c.cache)} scav ${hexWord(c.scav)}`;
}

test.each(pageCacheAllocCases(g).map((c) => [c.name, c] as const))('TestPageCacheAlloc/%s', (_, c) => {
  const cache = new PageCache(g, c.cache.base, c.cache.cache, c.cache.scav);
  c.hits.forEach((h, i) => {
    const [b, s] = cache.alloc(h.npages);
    expect(hex(b), `bad alloc base #${i}`).toBe(hex(h.base));
    expect(s, `bad alloc scav #${i}`).toBe(h.scav);
  });
});

/** bits64ToBitRanges (TestPageCacheFlush): the runs of 1 bits of a uint64, offset by base. */
function bits64ToBitRanges(bits: bigint, base: number): BR[] {
  const ranges: BR[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < 64; i++) {
    if ((bits >> BigInt(i)) & 1n) {
      if (size === 0) start = i + base;
      size++;
    } else if (size !== 0) {
      ranges.push([start, size]);
      size = 0;
    }
  }
  if (size !== 0) ranges.push([start, size]);
  return ranges;
}

const C = baseChunkIdx(g);

/** runTest: a chunk with [base, base+64) allocated; flush a cache over it; the cache's free pages and scav bits land in the bitmaps. */
const runTest = (base: number, cache: bigint, scav: bigint): void => {
  const b = newPageAllocFromMaps(g, { [C]: [[base, 64]] }, { [C]: [] });
  const c = new PageCache(g, pageBase(g, C, base), cache, scav);
  c.flush(b);
  expect(c.empty(), 'pageCache flush did not clear cache').toBe(true);
  const want = newPageAllocFromMaps(g, { [C]: bits64ToBitRanges(~cache & ones64, base) }, { [C]: bits64ToBitRanges(scav, base) });
  expect(checkPageAlloc(want, b)).toEqual([]);
};
// Go runs these in one test without subtests; the three parts get names here.
test('TestPageCacheFlush/Empty', () => runTest(0, 0n, 0n));
test('TestPageCacheFlush/Full', () => runTest(0, ones64, ones64));
// Go: 100 random (base, cache, scav = rand & cache) with base a random
// multiple of 64 within the chunk. Here: 100 fast-check draws, fixed seed.
test('TestPageCacheFlush/Random', () => {
  const arb = fc.record({
    block: fc.nat(g.pallocChunkPages / 64 - 1),
    cache: fc.bigInt(0n, ones64),
    scavRaw: fc.bigInt(0n, ones64),
  });
  fc.assert(
    fc.property(arb, ({ block, cache, scavRaw }) => runTest(block * 64, cache, scavRaw & cache)),
    { seed: 0x19_21, numRuns: 100 },
  );
});

test.each(pageAllocAllocToCacheCases(g).map((c) => [c.name, c] as const))('TestPageAllocAllocToCache/%s', (_, c) => {
  const b = newPageAllocFromMaps(g, c.beforeAlloc, c.beforeScav);
  c.hits.forEach((want, i) => {
    expect(show(b.allocToCache()), `AllocToCache #${i + 1}`).toBe(show(want));
  });
  const want = newPageAllocFromMaps(g, c.afterAlloc, c.afterScav);
  expect(checkPageAlloc(want, b)).toEqual([]);
});
