// runtime/mcentral.go @ go1.21 · type mcentral: the central free lists of
// one span class, as two pairs of span sets indexed by sweep generation:
// partial (spans with a free object) and full (none), each swept and
// unswept. h.sweepgen += 2 turns this cycle's swept sets into the next
// cycle's unswept ones without moving a span.

import { refillAllocCache, nextFreeIndex } from './mbitmap.js';
import type { MHeap } from './mheap.js';
import type { SweepLocker } from './mgcsweep.js';
import { deductSweepCreditSteps, sweep } from './mgcsweep.js';
import type { Steps } from './steps.js';
import { run } from './steps.js';
import type { MSpan } from './mspan.js';
import { SpanSet } from './mspanset.js';
import type { P } from './proc.js';
import { class_to_allocnpages, class_to_size } from './sizeclasses.js';
import type { SpanClass } from './spanclass.js';
import { sizeclass } from './spanclass.js';
import { throwGo } from './throw.js';

const site = 'runtime/mcentral.go';

/**
 * tryAcquire as cacheSpan calls it on a span it popped from one of its
 * unswept sets, stepped: the span in hand after the pop, after the check
 * (the CAS may still lose to another sweeper), and held after the CAS.
 */
function* tryAcquireSteps(sl: SweepLocker, s: MSpan, set: string): Steps<boolean> {
  yield { at: `cacheSpan: popped from ${set}`, span: s, holds: false };
  if (!sl.check(s)) return false;
  yield { at: 'cacheSpan: tryAcquire checked', span: s, holds: false };
  if (!sl.cas(s)) return false;
  yield { at: 'cacheSpan: tryAcquire won', span: s, holds: true };
  return true;
}

/** Which way cacheSpan found its span (ghost: the suites count and witness the paths). */
export type CacheSpanPath = 'partialSwept' | 'partialUnswept' | 'fullUnswept' | 'grow';

export class MCentral {
  readonly partial: [SpanSet, SpanSet] = [new SpanSet(), new SpanSet()];
  readonly full: [SpanSet, SpanSet] = [new SpanSet(), new SpanSet()];
  /** Ghost: the path the last cacheSpan took. */
  lastPath: CacheSpanPath | null = null;

  constructor(readonly spanclass: SpanClass) {}

  partialUnswept(sweepgen: number): SpanSet {
    return this.partial[1 - ((sweepgen >>> 1) % 2)]!;
  }

  partialSwept(sweepgen: number): SpanSet {
    return this.partial[(sweepgen >>> 1) % 2]!;
  }

  fullUnswept(sweepgen: number): SpanSet {
    return this.full[1 - ((sweepgen >>> 1) % 2)]!;
  }

  fullSwept(sweepgen: number): SpanSet {
    return this.full[(sweepgen >>> 1) % 2]!;
  }

  /**
   * cacheSpan: a span with a free object for an mcache: a partial swept
   * span; else a partial unswept one it sweeps (keeping it); else a full
   * unswept one it sweeps, if that freed an object; else a new span.
   * Returns null when the heap is out of memory.
   */
  cacheSpan(h: MHeap, pp: P | null): MSpan | null {
    return run(this.cacheSpanSteps(h, pp));
  }

  /** cacheSpan, stepped where other sweepers can interleave: after each pop, between tryAcquire's check and its CAS, after each sweep. */
  *cacheSpanSteps(h: MHeap, pp: P | null): Steps<MSpan | null> {
    // Deduct credit for this span allocation and sweep if necessary.
    const spanBytes = class_to_allocnpages[sizeclass(this.spanclass)]! * h.g.pageSize;
    yield* deductSweepCreditSteps(h, spanBytes, 0, pp);
    // If we sweep spanBudget spans without finding any free space, just allocate a fresh span.
    let spanBudget = 100;
    const sg = h.sweepgen;
    // First try partial swept spans, then partial unswept, then full unswept.
    let s = this.partialSwept(sg).pop();
    if (s !== null) return this.haveSpan(s, 'partialSwept');
    const sl = h.sweep.active.begin(h);
    if (sl.valid) {
      for (; spanBudget >= 0; spanBudget--) {
        s = this.partialUnswept(sg).pop();
        if (s === null) break;
        if (yield* tryAcquireSteps(sl, s, 'partialUnswept')) {
          // We got ownership of the span, so let's sweep it and use it.
          sweep(h, s, true, pp);
          h.sweep.active.end(h, sl);
          return this.haveSpan(s, 'partialUnswept');
        }
        // We failed to get ownership of the span: someone else is sweeping it or swept it.
      }
      // Now try full unswept spans, sweeping them and putting them into the right list.
      for (; spanBudget >= 0; spanBudget--) {
        s = this.fullUnswept(sg).pop();
        if (s === null) break;
        if (yield* tryAcquireSteps(sl, s, 'fullUnswept')) {
          sweep(h, s, true, pp);
          // Check if there's any free space.
          const freeIndex = nextFreeIndex(s);
          if (freeIndex !== s.nelems) {
            s.freeindex = freeIndex;
            h.sweep.active.end(h, sl);
            return this.haveSpan(s, 'fullUnswept');
          }
          // Add it to the swept list, because sweeping didn't give us any free space.
          this.fullSwept(sg).push(s);
          yield { at: 'cacheSpan: swept a full span, still full', span: null, holds: false };
        }
      }
      h.sweep.active.end(h, sl);
    }
    // We failed to get a span from the mcentral so get one from mheap.
    s = this.grow(h, pp);
    if (s === null) return null;
    return this.haveSpan(s, 'grow');
  }

  private haveSpan(s: MSpan, path: CacheSpanPath): MSpan {
    this.lastPath = path;
    // Stryker disable next-line ArithmeticOperator: n is only tested for n == 0, which (nelems - allocCount) shares with the third condition allocCount == nelems, as in Go's haveSpan; with nelems + allocCount, n == 0 only when both are 0, which allocCount == nelems catches too: the throw happens for exactly the same spans
    const n = s.nelems - s.allocCount;
    // Stryker disable next-line ConditionalExpression: n === 0 and s.allocCount === s.nelems are the same condition (n = nelems - allocCount; Go's haveSpan tests both), so either one replaced by false throws for exactly the same spans; the line's other ConditionalExpression mutants (freeindex === nelems, and the first two terms, as false) are killed by mcentral.test.ts's "freeindex is at nelems" test
    if (n === 0 || s.freeindex === s.nelems || s.allocCount === s.nelems) throwGo('span has no free objects', `${site} · (*mcentral).cacheSpan`);
    const freeByteBase = s.freeindex & ~63;
    const whichByte = freeByteBase / 8;
    // Init alloc bits cache.
    refillAllocCache(s, whichByte);
    // Adjust the allocCache so that s.freeindex corresponds to the low bit in s.allocCache.
    s.allocCache = s.allocCache >> BigInt(s.freeindex % 64);
    return s;
  }

  /**
   * uncacheSpan: an mcache gives s back. A span cached before the sweep
   * began (sg+1) was not swept: it is swept now; otherwise (sg+3) it is
   * swept already and goes to a swept set.
   */
  uncacheSpan(h: MHeap, s: MSpan, pp: P | null): void {
    if (s.allocCount === 0) throwGo('uncaching span but s.allocCount == 0', `${site} · (*mcentral).uncacheSpan`);
    const sg = h.sweepgen;
    const stale = s.sweepgen === ((sg + 1) >>> 0);
    // Fix up sweepgen: sg-1 for a stale span (we hold it for sweeping now), sg otherwise.
    s.sweepgen = stale ? (sg - 1) >>> 0 : sg;
    if (stale) {
      // Sweep it: it was cached before sweep began, so it is on no unswept list.
      sweep(h, s, false, pp);
    } else if (s.nelems - s.allocCount > 0) this.partialSwept(sg).push(s);
    else this.fullSwept(sg).push(s);
  }

  /** grow allocates a new empty span from the heap and initializes it for this class. */
  grow(h: MHeap, pp: P | null): MSpan | null {
    const sc = sizeclass(this.spanclass);
    const npages = class_to_allocnpages[sc]!;
    const size = class_to_size[sc]!;
    const s = h.alloc(npages, this.spanclass, pp);
    if (s === null) return null;
    // Use division by multiplication and shifts to quickly compute npages*pageSize / size.
    const n = Math.floor((npages * h.g.pageSize) / size);
    s.limit = s.base() + size * n;
    return s;
  }
}
