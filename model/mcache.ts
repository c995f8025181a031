// runtime/mcache.go @ go1.21 · type mcache: a P's cache of one span per span
// class to allocate small objects from without locks, its tiny block, and
// the large-object path. A cached span is at h.sweepgen+3 (swept, then
// cached); the next sweep generation sees it at sg+1 until mark termination
// flushes it (prepareForSweep).

import type { MHeap } from './mheap.js';
import { deductSweepCreditSteps } from './mgcsweep.js';
import type { Steps } from './steps.js';
import { run } from './steps.js';
import { MSpan } from './mspan.js';
import type { P } from './proc.js';
import { nextFreeIndex } from './mbitmap.js';
import { numSpanClasses, sizeclass, tinySpanClass, makeSpanClass } from './spanclass.js';
import type { SpanClass } from './spanclass.js';
import { throwGo } from './throw.js';

const site = 'runtime/mcache.go';

/**
 * emptymspan: the dummy span every mcache slot starts with, so allocation
 * needs no nil check: no objects, so the first allocation refills.
 */
export const emptymspan = new MSpan(0);

export class MCache {
  /** The span cached for each span class (emptymspan when none). */
  readonly alloc: MSpan[] = new Array<MSpan>(numSpanClasses).fill(emptymspan);
  /** The tiny block: its base (0 when none) and the bytes of it used. */
  tiny = 0;
  tinyoffset = 0;
  /** Tiny allocations not yet counted in the consistent stats. */
  tinyAllocs = 0;
  /** Bytes of scannable heap allocated (the pacer's scanAlloc). */
  scanAlloc = 0;
  /** The sweepgen this mcache was last flushed in. */
  flushGen: number;

  constructor(sweepgen: number) {
    this.flushGen = sweepgen;
  }

  /**
   * nextFree: the next free object in the cached span of spc, refilling
   * the span from mcentral if it has none left.
   */
  nextFree(h: MHeap, spc: SpanClass, pp: P | null): [v: number, s: MSpan, shouldhelpgc: boolean] {
    return run(this.nextFreeSteps(h, spc, pp));
  }

  /** nextFree, with its refill stepped. */
  *nextFreeSteps(h: MHeap, spc: SpanClass, pp: P | null): Steps<[v: number, s: MSpan, shouldhelpgc: boolean]> {
    let s = this.alloc[spc]!;
    let shouldhelpgc = false;
    let freeIndex = nextFreeIndex(s);
    if (freeIndex === s.nelems) {
      // The span is full.
      if (s.allocCount !== s.nelems) throwGo('s.allocCount != s.nelems && freeIndex == s.nelems', 'runtime/malloc.go · (*mcache).nextFree', `s.allocCount=${s.allocCount} s.nelems=${s.nelems}`);
      yield* this.refillSteps(h, spc, pp);
      shouldhelpgc = true;
      s = this.alloc[spc]!;
      freeIndex = nextFreeIndex(s);
    }
    if (freeIndex >= s.nelems) throwGo('freeIndex is not valid', 'runtime/malloc.go · (*mcache).nextFree');
    const v = freeIndex * s.elemsize + s.base();
    s.allocCount++;
    if (s.allocCount > s.nelems) throwGo('s.allocCount > s.nelems', 'runtime/malloc.go · (*mcache).nextFree', `s.allocCount=${s.allocCount} s.nelems=${s.nelems}`);
    return [v, s, shouldhelpgc];
  }

  /** refill: give back the full cached span of spc and cache one with a free object. */
  refill(h: MHeap, spc: SpanClass, pp: P | null): void {
    run(this.refillSteps(h, spc, pp));
  }

  /** refill, with cacheSpan stepped. */
  *refillSteps(h: MHeap, spc: SpanClass, pp: P | null): Steps<void> {
    // Return the current cached span to the central lists.
    let s = this.alloc[spc]!;
    if (s.allocCount !== s.nelems) throwGo('refill of span with free space remaining', `${site} · (*mcache).refill`);
    if (s !== emptymspan) {
      // Mark this span as no longer cached.
      if (s.sweepgen !== ((h.sweepgen + 3) >>> 0)) throwGo('bad sweepgen in refill', `${site} · (*mcache).refill`);
      h.central[spc]!.uncacheSpan(h, s, pp);
      // Count up how many slots were used and record it.
      const slotsUsed = s.allocCount - s.allocCountBeforeCache;
      h.heapStats.smallAllocCount[sizeclass(spc)]! += slotsUsed;
      // Flush tinyAllocs.
      if (spc === tinySpanClass) {
        h.heapStats.tinyAllocCount += this.tinyAllocs;
        this.tinyAllocs = 0;
      }
      h.gcController.totalAlloc += slotsUsed * s.elemsize;
      s.allocCountBeforeCache = 0;
    }
    // Get a new cached span from the central lists.
    s = (yield* h.central[spc]!.cacheSpanSteps(h, pp))!;
    if (s === null) throwGo('out of memory', `${site} · (*mcache).refill`);
    // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, as in Go: cacheSpan hands out a span only through haveSpan, which throws "span has no free objects" when s.allocCount == s.nelems, so this guard is always false and its message never raised (mcache.test.ts's header)
    if (s.allocCount === s.nelems) throwGo('span has no free space', `${site} · (*mcache).refill`);
    // Indicate that this span is cached and prevent asynchronous sweeping in the next sweep phase.
    s.sweepgen = (h.sweepgen + 3) >>> 0;
    // Store the current alloc count for accurate stats.
    s.allocCountBeforeCache = s.allocCount;
    // Assume all objects from this span will be allocated in the mcache.
    h.gcController.heapLive += s.npages * h.g.pageSize - s.allocCount * s.elemsize;
    this.scanAlloc = 0;
    this.alloc[spc] = s;
  }

  /** allocLarge allocates a span for a large object of size bytes. */
  allocLarge(h: MHeap, size: number, noscan: boolean, pp: P | null): MSpan {
    return run(this.allocLargeSteps(h, size, noscan, pp));
  }

  /** allocLarge, with its proportional sweep stepped (mheap.alloc, reclaim included, is one step: it runs under the heap lock). */
  *allocLargeSteps(h: MHeap, size: number, noscan: boolean, pp: P | null): Steps<MSpan> {
    const ps = h.g.pageSize;
    const npages = Math.ceil(size / ps);
    // Deduct credit for this span allocation and sweep if necessary: the caller will sweep npages itself.
    yield* deductSweepCreditSteps(h, npages * ps, npages, pp);
    const spc = makeSpanClass(0, noscan);
    const s = h.alloc(npages, spc, pp);
    if (s === null) throwGo('out of memory', `${site} · (*mcache).allocLarge`);
    // Count the alloc in consistent, external stats.
    h.heapStats.largeAlloc += npages * ps;
    h.heapStats.largeAllocCount += 1;
    h.gcController.totalAlloc += npages * ps;
    // Update heapLive.
    h.gcController.heapLive += s.npages * ps;
    // Put the large span in the mcentral swept list so that it's visible to the background sweeper.
    h.central[spc]!.fullSwept(h.sweepgen).push(s);
    s.limit = s.base() + size;
    return s;
  }

  /** releaseAll gives every cached span back to mcentral and drops the tiny block. */
  releaseAll(h: MHeap, pp: P | null): void {
    const sg = h.sweepgen;
    let dHeapLive = 0;
    for (let i = 0; i < this.alloc.length; i++) {
      const s = this.alloc[i]!;
      if (s === emptymspan) continue;
      const slotsUsed = s.allocCount - s.allocCountBeforeCache;
      s.allocCountBeforeCache = 0;
      h.heapStats.smallAllocCount[sizeclass(i)]! += slotsUsed;
      h.gcController.totalAlloc += slotsUsed * s.elemsize;
      if (s.sweepgen !== ((sg + 1) >>> 0)) {
        // refill conservatively counted unallocated slots in heapLive; undo this.
        dHeapLive -= (s.nelems - s.allocCount) * s.elemsize;
      }
      // Release the span to the mcentral.
      h.central[i]!.uncacheSpan(h, s, pp);
      this.alloc[i] = emptymspan;
    }
    // Clear tinyalloc pool.
    this.tiny = 0;
    this.tinyoffset = 0;
    h.heapStats.tinyAllocCount += this.tinyAllocs;
    this.tinyAllocs = 0;
    h.gcController.heapLive += dHeapLive;
    this.scanAlloc = 0;
  }

  /**
   * prepareForSweep flushes the mcache if it has not been since the sweep
   * generation began (mark termination calls it for every P).
   */
  prepareForSweep(h: MHeap, pp: P | null): void {
    const sg = h.sweepgen;
    if (this.flushGen === sg) return;
    if (this.flushGen !== ((sg - 2) >>> 0)) throwGo('bad flushGen', `${site} · (*mcache).prepareForSweep`, `bad flushGen ${this.flushGen} in prepareForSweep; sweepgen ${sg}`);
    this.releaseAll(h, pp);
    this.flushGen = sg;
  }
}
