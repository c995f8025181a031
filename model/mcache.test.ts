// runtime/mcache.go @ go1.21 (refill, allocLarge, releaseAll,
// prepareForSweep) and malloc.go's (*mcache).nextFree.
//
// "span has no free space" (refill, after cacheSpan) cannot be provoked by
// any input, in the model as in Go: cacheSpan hands out a span only after
// throwing "span has no free objects" for one with allocCount == nelems,
// the very condition refill checks again.

import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { image, catchThrow } from '../testing/heap.js';
import { emptymspan } from './mcache.js';
import { mallocgcFinish, mallocgcStart } from './mallocgc.js';
import type { Malloc } from './mallocgc.js';
import { flushAtSafePoint, gcMarkTermination, gcStart } from './mgc.js';
import { MHeap } from './mheap.js';
import type { P } from './proc.js';
import { sizeToClass } from './sizeclasses.js';
import { makeSpanClass } from './spanclass.js';

/** 1024-byte objects: size class 32, eight to a one-page span. */
const spc = makeSpanClass(sizeToClass(1024), true);
const sc = sizeToClass(1024);
/** 8192-byte objects: class 51, one to a one-page span. */
const spc1 = makeSpanClass(sizeToClass(8192), true);

function malloc(h: MHeap, size: number, p: P = h.p(0)): Malloc {
  const m = mallocgcStart(h, size, true, true, p);
  mallocgcFinish(h, m, p);
  return m;
}

/** A GC cycle marking nothing, ending on P0; deferFlush says which Ps flush later. */
function gc(h: MHeap, deferFlush?: (p: P) => boolean): void {
  gcStart(h);
  gcMarkTermination(h, h.p(0), deferFlush);
}

describe('nextFree', () => {
  test('hands out the cached span\'s objects in order; on a full span it refills (shouldhelpgc) and takes the new span\'s first', () => {
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    const c = p.mcache;
    expect(c.alloc[spc]).toBe(emptymspan);
    const got: [number, boolean][] = [];
    let first = 0;
    for (let i = 0; i < 9; i++) {
      const [v, s, help] = c.nextFree(h, spc, p);
      if (i === 0) first = s.base();
      got.push([v - first, help]);
    }
    const s2 = c.alloc[spc]!;
    expect(got.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i * 1024, i === 0]));
    expect(got[8]).toEqual([s2.base() - first, true]);
    expect([s2.allocCount, s2.freeindex]).toEqual([1, 1]);
  });

  test('a span that looks full (freeindex == nelems) but counts free objects throws, changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = malloc(h, 1024).span;
    s.freeindex = s.nelems; // corrupt: allocCount is 1
    const before = image(h);
    const e = catchThrow(() => h.p(0).mcache.nextFree(h, spc, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['s.allocCount != s.nelems && freeIndex == s.nelems', 'runtime/malloc.go · (*mcache).nextFree']);
    expect(image(h)).toBe(before);
  });

  // The next two detect a span whose allocBits and allocCount disagree only after refill or nextFreeIndex has moved it, as Go's do.
  test('a refilled span with no free slot its allocBits show throws "freeIndex is not valid"', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = Array.from({ length: 3 }, () => malloc(h, 1024))[0]!.span;
    h.p(0).mcache.releaseAll(h, h.p(0)); // s to the partial swept set
    for (let i = 0; i < 8; i++) s.allocBits!.set(i); // corrupt: allocBits say full, allocCount is 3
    const e = catchThrow(() => h.p(0).mcache.nextFree(h, spc, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['freeIndex is not valid', 'runtime/malloc.go · (*mcache).nextFree']);
  });

  test('one more object than the span holds throws "s.allocCount > s.nelems"', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = malloc(h, 1024).span;
    s.allocCount = s.nelems; // corrupt: only object 0 is taken
    const e = catchThrow(() => h.p(0).mcache.nextFree(h, spc, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['s.allocCount > s.nelems', 'runtime/malloc.go · (*mcache).nextFree']);
  });
});

describe('refill', () => {
  test('caches a span with room at sg+3, remembering its allocCount; gives it back full at sg, counting the slots used while cached', () => {
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    const a = Array.from({ length: 3 }, () => malloc(h, 1024))[0]!.span;
    p.mcache.releaseAll(h, p); // a: 3 objects, on the partial swept set
    p.mcache.refill(h, spc, p); // from emptymspan
    expect(p.mcache.alloc[spc]).toBe(a);
    expect([a.sweepgen, a.allocCountBeforeCache]).toEqual([h.sweepgen + 3, 3]);
    for (let i = 0; i < 5; i++) malloc(h, 1024);
    const counted = h.heapStats.smallAllocCount[sc]!;
    p.mcache.refill(h, spc, p);
    const next = p.mcache.alloc[spc]!;
    expect(next).not.toBe(a);
    expect([a.sweepgen, next.sweepgen]).toEqual([h.sweepgen, h.sweepgen + 3]);
    expect(h.central[spc]!.fullSwept(h.sweepgen).contents()).toContain(a);
    expect(h.heapStats.smallAllocCount[sc]! - counted).toBe(5);
  });

  test('a span with free objects throws "refill of span with free space remaining", changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    malloc(h, 1024);
    const before = image(h);
    const e = catchThrow(() => h.p(0).mcache.refill(h, spc, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['refill of span with free space remaining', 'runtime/mcache.go · (*mcache).refill']);
    expect(image(h)).toBe(before);
  });

  test('a full span cached before the sweep began (sg+1, its P has not flushed) throws "bad sweepgen in refill", changing nothing', () => {
    const h = new MHeap({ nprocs: 2 });
    const p1 = h.p(1);
    const s = malloc(h, 8192, p1).span; // one object: full
    gc(h, (p) => p === p1);
    expect(s.sweepgen).toBe(h.sweepgen + 1);
    const before = image(h);
    const e = catchThrow(() => p1.mcache.refill(h, spc1, p1));
    expect([e.goMessage, e.site]).toEqual(['bad sweepgen in refill', 'runtime/mcache.go · (*mcache).refill']);
    expect(image(h)).toBe(before);
  });
});

describe('releaseAll and prepareForSweep', () => {
  test('releaseAll gives every span back, drops the tiny block, and undoes refill\'s count of unallocated slots in heapLive', () => {
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    const live0 = h.gcController.heapLive;
    const a = [malloc(h, 1024), malloc(h, 1024), malloc(h, 1024)][0]!.span;
    malloc(h, 3); // tiny
    malloc(h, 5); // tiny, same block
    const tiny = h.heapStats.tinyAllocCount;
    p.mcache.releaseAll(h, p);
    expect(p.mcache.alloc.every((s) => s === emptymspan)).toBe(true);
    expect([p.mcache.tiny, p.mcache.tinyoffset, p.mcache.tinyAllocs]).toEqual([0, 0, 0]);
    expect(h.heapStats.tinyAllocCount - tiny).toBe(1); // the second tiny object; the first took a block
    expect(h.central[spc]!.partialSwept(h.sweepgen).contents()).toContain(a);
    // heapLive now counts what was allocated: three 1024-byte objects and one 16-byte tiny block.
    expect(h.gcController.heapLive - live0).toBe(3 * 1024 + 16);
  });

  test('prepareForSweep flushes once per sweep generation: at flushGen sg-2 it releases everything, at sg it does nothing', () => {
    const h = new MHeap({ nprocs: 2 });
    const p1 = h.p(1);
    const m = malloc(h, 1024, p1);
    gc(h, (p) => p === p1);
    expect(p1.mcache.flushGen).toBe(h.sweepgen - 2);
    p1.mcache.prepareForSweep(h, p1);
    expect([p1.mcache.flushGen, p1.mcache.alloc[spc] === emptymspan, m.span.sweepgen]).toEqual([h.sweepgen, true, h.sweepgen]);
    const before = image(h);
    p1.mcache.prepareForSweep(h, p1);
    expect(image(h)).toBe(before);
  });

  test('an mcache that missed a sweep generation throws "bad flushGen", printing both, changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    gc(h);
    gc(h);
    const c = h.p(0).mcache;
    c.flushGen = h.sweepgen - 4;
    const before = image(h);
    const e = catchThrow(() => c.prepareForSweep(h, h.p(0)));
    expect([e.goMessage, e.site, e.detail]).toEqual(['bad flushGen', 'runtime/mcache.go · (*mcache).prepareForSweep', 'bad flushGen 0 in prepareForSweep; sweepgen 4']);
    expect(image(h)).toBe(before);
  });
});

describe('allocLarge', () => {
  prop.prop([fc.integer({ min: 32769, max: 4 << 20 }), fc.boolean()])(
    'a span of its own: ceil(size/8192) pages, size class 0, on the full swept set, limit at the end of the object',
    (size, noscan) => {
      const h = new MHeap({ nprocs: 1 });
      const s = h.p(0).mcache.allocLarge(h, size, noscan, h.p(0));
      const npages = Math.ceil(size / 8192);
      expect([s.npages, s.spanclass, s.nelems, s.elemsize, s.limit - s.base(), s.sweepgen]).toEqual([npages, makeSpanClass(0, noscan), 1, npages * 8192, size, h.sweepgen]);
      expect(h.central[makeSpanClass(0, noscan)]!.fullSwept(h.sweepgen).contents()).toEqual([s]);
      expect([h.heapStats.largeAlloc, h.heapStats.largeAllocCount]).toEqual([npages * 8192, 1]);
    },
  );
});

/** Everything the heap holds, as a string: equal before and after means the call changed nothing. */


describe('nextFree prints the counts with its throws (runtime/malloc.go · (*mcache).nextFree @ go1.21: println("runtime: s.allocCount=", s.allocCount, "s.nelems=", s.nelems))', () => {
  test('"s.allocCount != s.nelems && freeIndex == s.nelems": one object taken of eight', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = malloc(h, 1024).span;
    s.freeindex = s.nelems; // corrupt: allocCount is 1
    expect(catchThrow(() => h.p(0).mcache.nextFree(h, spc, h.p(0))).detail).toBe('s.allocCount=1 s.nelems=8');
  });

  test('"s.allocCount > s.nelems": the ninth object of eight', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = malloc(h, 1024).span;
    s.allocCount = s.nelems; // corrupt
    expect(catchThrow(() => h.p(0).mcache.nextFree(h, spc, h.p(0))).detail).toBe('s.allocCount=9 s.nelems=8');
  });
});

describe('refill and allocLarge: the stats and heapLive (runtime/mcache.go · (*mcache).refill, allocLarge, releaseAll @ go1.21)', () => {
  test('refill flushes tinyAllocs into tinyAllocCount only when it refills the tiny span class (if spc == tinySpanClass)', () => {
    const h = new MHeap({ nprocs: 1 });
    const c = h.p(0).mcache;
    malloc(h, 1); // a tiny block (its span refilled from emptymspan: nothing to flush)
    malloc(h, 1); // in the block: tinyAllocs 1
    for (let i = 0; i < 9; i++) malloc(h, 1024); // the 1024-byte class refills twice
    expect([c.tinyAllocs, h.heapStats.tinyAllocCount]).toEqual([1, 0]);
    for (let i = 0; i < 511; i++) malloc(h, 15); // a new block each (15 bytes never fit after 2): the tiny span's 512 blocks taken
    expect([c.tinyAllocs, h.heapStats.tinyAllocCount]).toEqual([1, 0]);
    malloc(h, 15); // refills the tiny span class
    expect([c.tinyAllocs, h.heapStats.tinyAllocCount]).toEqual([0, 1]);
  });

  test('refill counts the span\'s free bytes in heapLive (npages*pageSize - allocCount*elemsize); releaseAll counts the slots used since (allocCount - allocCountBeforeCache) and gives back the unused bytes', () => {
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    const a = Array.from({ length: 3 }, () => malloc(h, 1024))[0]!.span;
    p.mcache.releaseAll(h, p); // a: 3 objects, partial swept
    const live = h.gcController.heapLive;
    p.mcache.refill(h, spc, p);
    expect(p.mcache.alloc[spc]).toBe(a);
    expect(h.gcController.heapLive - live).toBe(8192 - 3 * 1024);
    malloc(h, 1024);
    malloc(h, 1024); // 5 objects now
    const [count, total, live2] = [h.heapStats.smallAllocCount[sc]!, h.gcController.totalAlloc, h.gcController.heapLive];
    p.mcache.releaseAll(h, p);
    expect([h.heapStats.smallAllocCount[sc]! - count, h.gcController.totalAlloc - total, h.gcController.heapLive - live2]).toEqual([2, 2 * 1024, -3 * 1024]);
  });

  test('releaseAll leaves heapLive alone for a span cached before the sweep (sg+1): heapLive was recomputed at mark termination since refill counted it', () => {
    const h = new MHeap({ nprocs: 2 });
    const p1 = h.p(1);
    malloc(h, 1024, p1); // P1 caches a span with 7 free slots
    gc(h, (p) => p === p1);
    const live = h.gcController.heapLive;
    flushAtSafePoint(h, p1); // P1's releaseAll of its stale span
    expect([p1.mcache.alloc[spc], h.gcController.heapLive]).toEqual([emptymspan, live]);
  });

  test('allocLarge adds the span\'s bytes to heapLive', () => {
    const h = new MHeap({ nprocs: 1 });
    const live = h.gcController.heapLive;
    const s = h.p(0).mcache.allocLarge(h, 40000, true, h.p(0));
    expect([s.npages, h.gcController.heapLive - live]).toEqual([5, 5 * 8192]);
  });

  test('out of memory: refill and allocLarge throw "out of memory" when the heap cannot grow', () => {
    const h = new MHeap({ nprocs: 1, osLimitBytes: 0 });
    const c = h.p(0).mcache;
    const e = catchThrow(() => c.refill(h, spc, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['out of memory', 'runtime/mcache.go · (*mcache).refill']);
    const e2 = catchThrow(() => c.allocLarge(h, 40000, true, h.p(0)));
    expect([e2.goMessage, e2.site]).toEqual(['out of memory', 'runtime/mcache.go · (*mcache).allocLarge']);
  });

  test('allocLarge sweeps proportionally first, for npages*pageSize bytes less the npages it will sweep itself (deductSweepCredit(npages*pageSize, npages))', () => {
    const h = new MHeap({ nprocs: 1 });
    for (let i = 0; i < 100; i++) malloc(h, 10 * 8192); // 1000 pages in use
    gc(h); // nothing marked: every span to sweep
    // Go's deductSweepCredit: pagesTarget = int64(sweepPagesPerByte*float64(newHeapLive)) - int64(callerSweepPages).
    const target = Math.floor(h.sweepPagesPerByte * (5 * 8192 + Math.max(0, h.gcController.heapLive - h.sweepHeapLiveBasis))) - 5;
    expect(target).toBeGreaterThan(0);
    const steps = h.p(0).mcache.allocLargeSteps(h, 40000, true, h.p(0));
    const first = steps.next();
    expect([first.done, first.value && 'at' in first.value ? first.value.at.startsWith('sweepone: ') : null]).toEqual([false, true]);
  });
});
