// runtime/mheap.go @ go1.21 · (*mheap).reclaim, reclaimChunk: before
// mheap.alloc takes npages while sweeping is not done, count the credit
// other sweepers left, then sweep the in-use spans with no marked object
// (pageInUse &^ pageMarks), one 512-page chunk at a time, until npages are
// free; spare pages become credit; past the last arena reclaim is done.

import { describe, expect, test } from 'vitest';
import { Geometry, linuxAmd64 } from './geometry.js';
import { mallocgcFinish, mallocgcStart } from './mallocgc.js';
import { gcMarkTermination, gcStart } from './mgc.js';
import { markObject } from './mgcmark.js';
import { MHeap } from './mheap.js';
import { pagesPerReclaimerChunk, reclaim, reclaimChunk, reclaimDone } from './mheap_reclaim.js';
import type { MSpan } from './mspan.js';
import { sizeToClass } from './sizeclasses.js';
import { makeSpanClass } from './spanclass.js';

/** Spans of one object each (n 8192-byte objects, one page each, or the sizes given), back in mcentral, then a GC marking the objects keep picks: all need sweeping. */
function unswept(n: number | readonly number[], keep: (i: number) => boolean): { h: MHeap; spans: MSpan[] } {
  const h = new MHeap({ nprocs: 1 });
  const p = h.p(0);
  const spans: MSpan[] = [];
  for (const size of typeof n === 'number' ? new Array<number>(n).fill(8192) : n) {
    const m = mallocgcStart(h, size, true, true, p);
    mallocgcFinish(h, m, p);
    spans.push(m.span);
  }
  p.mcache.releaseAll(h, p);
  gcStart(h);
  spans.forEach((s, i) => keep(i) && markObject(h, s.base()));
  gcMarkTermination(h, p);
  for (const s of spans) expect(s.sweepgen).toBe(h.sweepgen - 2);
  return { h, spans };
}

const even = (i: number): boolean => i % 2 === 0;
const states = (spans: readonly MSpan[]): string[] => spans.map((s) => s.state.get());

describe('reclaim', () => {
  test('takes the credit other sweepers left first, sweeping nothing while it lasts', () => {
    const { h, spans } = unswept(4, even);
    h.reclaimCredit = 3;
    reclaim(h, 2, h.p(0));
    expect([h.reclaimCredit, h.reclaimIndex]).toEqual([1, 0]);
    expect(spans.map((s) => s.sweepgen - h.sweepgen)).toEqual([-2, -2, -2, -2]);
  });

  test('then sweeps a whole chunk: frees every span with nothing marked, leaves marked ones unswept, and puts the spare pages toward credit', () => {
    const { h, spans } = unswept(6, even);
    h.reclaimCredit = 1;
    reclaim(h, 2, h.p(0));
    expect(states(spans)).toEqual(['mSpanInUse', 'mSpanDead', 'mSpanInUse', 'mSpanDead', 'mSpanInUse', 'mSpanDead']);
    expect(spans.filter((_, i) => even(i)).map((s) => s.sweepgen - h.sweepgen)).toEqual([-2, -2, -2]); // the pageMarks hint skips them
    // Needed 2: 1 from credit, 1 of the 3 pages freed; 2 spare.
    expect([h.reclaimCredit, h.reclaimIndex]).toEqual([2, pagesPerReclaimerChunk]);
  });

  test('counts pages, not spans: a five-page large span and a one-page span freed make six pages', () => {
    const { h, spans } = unswept([40000, 8192], () => false);
    expect(spans.map((s) => s.npages)).toEqual([5, 1]);
    reclaim(h, 1, h.p(0));
    expect(states(spans)).toEqual(['mSpanDead', 'mSpanDead']);
    expect(h.reclaimCredit).toBe(5);
  });

  test('a span another sweeper holds (sg-1) is not taken, and its pages do not count', () => {
    const { h, spans } = unswept(3, () => false);
    const sl = h.sweep.active.begin(h);
    expect(sl.tryAcquire(spans[1]!)).toBe(true);
    reclaim(h, 1, h.p(0));
    expect(states(spans)).toEqual(['mSpanDead', 'mSpanInUse', 'mSpanDead']);
    expect(spans[1]!.sweepgen).toBe(h.sweepgen - 1);
    expect(h.reclaimCredit).toBe(1); // 2 freed, 1 needed
  });

  test('stops when the arenas of this sweep generation are exhausted: reclaimIndex is done, and later calls return at once', () => {
    const { h } = unswept(2, () => true);
    reclaim(h, 1, h.p(0));
    expect(h.reclaimIndex).toBe(reclaimDone);
    expect(h.reclaimIndex).toBe(2 ** 63);
    h.reclaimCredit = 5;
    reclaim(h, 2, h.p(0));
    expect(h.reclaimCredit).toBe(5);
  });

  test('mheap.alloc reclaims before it allocates while sweeping is not done: the pages of an unmarked span are reused, the heap does not grow', () => {
    const { h, spans } = unswept(3, (i) => i !== 1);
    const garbage = spans[1]!.base();
    const inUse = h.heapStats.inHeap;
    const s = h.alloc(1, makeSpanClass(sizeToClass(8192), true), null)!;
    expect(h.reclaimIndex).toBe(pagesPerReclaimerChunk);
    expect(s.base()).toBe(garbage); // first fit: the lowest free page is the one reclaim freed
    expect([s.sweepgen, s.allocCount]).toEqual([h.sweepgen, 0]);
    expect(h.heapStats.inHeap).toBe(inUse);
  });
});

/** Like unswept, on heap h. */
function unsweptOn(h: MHeap, sizes: readonly number[], keep: (i: number) => boolean): MSpan[] {
  const p = h.p(0);
  const spans = sizes.map((size) => {
    const m = mallocgcStart(h, size, true, true, p);
    mallocgcFinish(h, m, p);
    return m.span;
  });
  p.mcache.releaseAll(h, p);
  gcStart(h);
  spans.forEach((s, i) => keep(i) && markObject(h, s.base()));
  gcMarkTermination(h, p);
  for (const s of spans) expect(s.sweepgen).toBe(h.sweepgen - 2);
  return spans;
}

describe('runtime/mheap.go · (*mheap).reclaim and reclaimChunk: chunk bounds @ go1.21', () => {
  test('a chunk covers its 512 pages only: an unmarked span starting at page 512 waits for the next chunk', () => {
    // Pages 0..19 (one 20-page object, garbage), 20..511 (kept), 512..531 (garbage).
    const h = new MHeap({ nprocs: 1 });
    const [a, b, c] = unsweptOn(h, [20 * 8192, 492 * 8192, 20 * 8192], (i) => i === 1) as [MSpan, MSpan, MSpan];
    expect([a.base(), b.base(), c.base()].map((x) => (x - a.base()) / 8192)).toEqual([0, 20, 512]);
    reclaim(h, 1, h.p(0));
    expect(states([a, b, c])).toEqual(['mSpanDead', 'mSpanInUse', 'mSpanInUse']);
    expect(c.sweepgen).toBe(h.sweepgen - 2);
    expect([h.reclaimIndex, h.reclaimCredit]).toEqual([pagesPerReclaimerChunk, 19]);
  });

  test('the second chunk reads the arena\'s bitmap from page 512 (byte 64): nothing unmarked in the first, the span at 512 is swept in the second', () => {
    const h = new MHeap({ nprocs: 1 });
    const [b, c] = unsweptOn(h, [512 * 8192, 20 * 8192], (i) => i === 0) as [MSpan, MSpan];
    expect((c.base() - b.base()) / 8192).toBe(512);
    reclaim(h, 1, h.p(0));
    expect(states([b, c])).toEqual(['mSpanInUse', 'mSpanDead']);
    expect([h.reclaimIndex, h.reclaimCredit]).toEqual([2 * pagesPerReclaimerChunk, 19]);
  });

  test('a drained sweep gives reclaimChunk an invalid sweepLocker: it sweeps nothing and returns 0, and reclaim runs out of arenas', () => {
    const { h, spans } = unswept(2, () => false);
    h.sweep.active.markDrained();
    const before = spans.map((s) => s.sweepgen);
    expect(reclaimChunk(h, h.sweepArenas, 0, pagesPerReclaimerChunk, h.p(0))).toBe(0);
    reclaim(h, 1, h.p(0));
    expect(spans.map((s) => s.sweepgen)).toEqual(before);
    expect(h.reclaimIndex).toBe(reclaimDone);
  });

  test('reclaimChunk walks n pages across an arena boundary: the rest of one arena, then the start of the next (4 MiB arenas)', () => {
    // "pageIdx += uintptr(len(inUse) * 8); n -= uintptr(len(inUse) * 8)": 512 pages from page 256 are arena 0's 256..511 and arena 1's 0..255.
    const g = new Geometry({ ...linuxAmd64, logHeapArenaBytes: 22 });
    const h = new MHeap({ nprocs: 1, geometry: g });
    // Pages 0..499 (kept), 500..519 (garbage, starts in arena 0), 520..539 (garbage, starts at arena 1's page 8).
    const [a, b, c] = unsweptOn(h, [500 * 8192, 20 * 8192, 20 * 8192], (i) => i === 0) as [MSpan, MSpan, MSpan];
    expect([b.base(), c.base()].map((x) => (x - a.base()) / 8192)).toEqual([500, 520]);
    expect(h.sweepArenas).toHaveLength(2);
    expect(reclaimChunk(h, h.sweepArenas, 256, 512, h.p(0))).toBe(40);
    expect(states([a, b, c])).toEqual(['mSpanInUse', 'mSpanDead', 'mSpanDead']);
  });
});
