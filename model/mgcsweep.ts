// runtime/mgcsweep.go @ go1.21, the span-level protocol only: a sweeper
// takes a span by moving its sweepgen from h.sweepgen-2 to h.sweepgen-1
// (sweepLocker.tryAcquire, a CAS), and releases it swept at h.sweepgen.
//
// What sweeping does to objects (mark bits become alloc bits, freed
// objects, freeing a span left empty) comes with the sweep issue; until
// then a span survives its sweep as if every object in it were marked.

import type { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';

/** sweepLocker.tryAcquire: take s for sweeping if it needs it (sweepgen == sg-2). */
export function tryAcquire(h: MHeap, s: MSpan): boolean {
  if (s.state.get() !== 'mSpanInUse' || s.sweepgen !== ((h.sweepgen - 2) >>> 0)) return false;
  s.sweepgen = (h.sweepgen - 1) >>> 0;
  return true;
}

/** sweep's release: the span is swept for this generation. */
export function release(h: MHeap, s: MSpan): void {
  s.sweepgen = h.sweepgen;
}

/** sweepone: sweep the first span (in allspans order) that needs it; whether there was one. */
export function sweepone(h: MHeap): MSpan | null {
  for (const s of h.allspans) {
    if (tryAcquire(h, s)) {
      release(h, s);
      return s;
    }
  }
  return null;
}

/** finishsweep_m's loop: sweep until nothing needs it. */
export function sweepAll(h: MHeap): void {
  while (sweepone(h) !== null);
}

/** isSweepDone: no in-use span needs sweeping. */
export function isSweepDone(h: MHeap): boolean {
  const sg = h.sweepgen;
  return !h.allspans.some((s) => s.state.get() === 'mSpanInUse' && (s.sweepgen === ((sg - 2) >>> 0) || s.sweepgen === ((sg - 1) >>> 0)));
}
