// runtime/malloc.go @ go1.21 · mallocgc: allocate an object of size bytes.
//
// Three paths: tiny (noscan, under 16 bytes: bump-allocated inside a 16-byte
// tiny block), small (a size class: the P's cached span, nextFreeFast then
// nextFree), large (a span of its own, mcache.allocLarge). The model splits
// mallocgc where Go puts its publication barrier: mallocgcStart reserves
// the object's slot (freeindex and allocCount move); mallocgcFinish, after
// the object is initialized, publishes it to the GC (freeIndexForScan, Go
// issue 54596) and marks it if the GC is running (gcmarknewobject). In
// between, other Ps and the GC may run; this P may not allocate (it has
// mp.mallocing set). mallocgcSteps is mallocgcStart as atomic steps
// (steps.ts): the sweeping it does on the way (proportional sweep,
// cacheSpan's pops, CASes and sweeps) interleaves with other goroutines;
// mheap.alloc, its reclaim included, is one step (it holds the heap lock).

import type { MHeap } from './mheap.js';
import { flushAtSafePoint } from './mgc.js';
import { gcmarknewobject } from './mgcmark.js';
import { nextFreeFast } from './mbitmap.js';
import type { MSpan } from './mspan.js';
import type { P } from './proc.js';
import { class_to_size, maxSmallSize, maxTinySize, sizeToClass } from './sizeclasses.js';
import { makeSpanClass, tinySpanClass } from './spanclass.js';
import type { Steps } from './steps.js';
import { run } from './steps.js';
import { refuse, throwGo } from './throw.js';

const site = 'runtime/malloc.go · mallocgc';

/** An allocation between mallocgcStart and mallocgcFinish. */
export interface Malloc {
  readonly x: number;
  readonly span: MSpan;
  /** The bytes the object occupies (its size class's size, 16 for tiny, the span for large). */
  readonly size: number;
  readonly path: 'tiny' | 'tinyBlock' | 'small' | 'large';
  /** Whether mallocgc cleared the memory (needzero and the span's needzero set). */
  readonly cleared: boolean;
  /** nextFree had to refill the cached span. */
  readonly refilled: boolean;
  /** Done: a tiny allocation from the current block publishes nothing. */
  finished: boolean;
}

/** mallocgcStart: reserve an object of size bytes on pp (noscan: it holds no pointers). */
export function mallocgcStart(h: MHeap, size: number, noscan: boolean, needzero: boolean, pp: P): Malloc {
  return run(mallocgcSteps(h, size, noscan, needzero, pp));
}

/** mallocgcStart, with the sweeping it does on the way (proportional sweep, cacheSpan's sweeps) stepped. */
export function* mallocgcSteps(h: MHeap, size: number, noscan: boolean, needzero: boolean, pp: P): Steps<Malloc> {
  if (h.gcphase === '_GCmarktermination') throwGo('mallocgc called with gcphase == _GCmarktermination', site);
  if (!Number.isSafeInteger(size) || size < 1) refuse('mallocgc', `size must be a positive integer, got ${String(size)}`);
  if (pp.mallocing) throwGo('malloc deadlock', site);
  // The P passes a safe point first: a deferred mcache flush runs before it allocates from a stale mcache.
  flushAtSafePoint(h, pp);
  // Set mp.mallocing to keep from being preempted by GC.
  pp.mallocing = true;
  const c = pp.mcache;
  let span: MSpan;
  let x: number;
  let cleared = false;
  let refilled = false;
  let path: Malloc['path'];
  let objSize = size;
  if (size <= maxSmallSize) {
    if (noscan && size < maxTinySize) {
      // Tiny allocator: combine several tiny allocations into a single memory block.
      let off = c.tinyoffset;
      // Align tiny pointer for required (conservative) alignment.
      if ((size & 7) === 0) off = Math.ceil(off / 8) * 8;
      else if ((size & 3) === 0) off = Math.ceil(off / 4) * 4;
      else if ((size & 1) === 0) off = Math.ceil(off / 2) * 2;
      if (off + size <= maxTinySize && c.tiny !== 0) {
        // The object fits into existing tiny block.
        const xs = c.tiny + off;
        c.tinyoffset = off + size;
        c.tinyAllocs++;
        pp.mallocing = false;
        return { x: xs, span: h.spanOf(c.tiny)!, size, path: 'tinyBlock', cleared: false, refilled: false, finished: true };
      }
      // Allocate a new maxTinySize block.
      span = c.alloc[tinySpanClass]!;
      let v = nextFreeFast(span);
      if (v === 0) [v, span, refilled] = yield* c.nextFreeSteps(h, tinySpanClass, pp);
      x = v;
      // The block is zeroed (its 16 bytes written).
      cleared = true;
      // See if we need to replace the existing tiny block with the new one based on amount of remaining free space.
      if (size < c.tinyoffset || c.tiny === 0) {
        c.tiny = x;
        c.tinyoffset = size;
      }
      objSize = maxTinySize;
      path = 'tiny';
    } else {
      const sizeclass = sizeToClass(size);
      objSize = class_to_size[sizeclass]!;
      const spc = makeSpanClass(sizeclass, noscan);
      span = c.alloc[spc]!;
      let v = nextFreeFast(span);
      if (v === 0) [v, span, refilled] = yield* c.nextFreeSteps(h, spc, pp);
      x = v;
      if (needzero && span.needzero !== 0) cleared = true; // memclrNoHeapPointers(x, size)
      path = 'small';
    }
  } else {
    span = yield* c.allocLargeSteps(h, size, noscan, pp);
    span.freeindex = 1;
    span.allocCount = 1;
    objSize = span.elemsize;
    x = span.base();
    if (needzero && span.needzero !== 0) cleared = true;
    path = 'large';
  }
  return { x, span, size: objSize, path, cleared, refilled, finished: false };
}

/** mallocgcFinish: the object is initialized; publish it to the GC, and mark it if the GC runs. */
export function mallocgcFinish(h: MHeap, m: Malloc, pp: P): void {
  if (m.finished) return;
  // Ensure that the stores above that initialize x to type-safe memory and set the heap bits occur before the caller can make x observable to the garbage collector.
  // publicationBarrier()
  // As x and the heap bits are initialized, update freeIndexForScan now so x is seen by the GC (including conservative scan) as an allocated object.
  m.span.freeIndexForScan = m.span.freeindex;
  // Allocate black during GC.
  if (h.gcphase !== '_GCoff') gcmarknewobject(h, m.span, m.x, m.size);
  pp.mallocing = false;
  m.finished = true;
}
