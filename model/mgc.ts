// runtime/mgc.go @ go1.21, the part the page heap sees: the GC phase, the
// sweep generation, and what mark termination does to the page heap.
//
// gcStart: finish sweeping (finishsweep_m), then _GCoff -> _GCmark.
// gcMarkTermination: _GCmark -> _GCmarktermination -> _GCoff with the world
// stopped, then gcSweep (h.sweepgen += 2, so every in-use span needs
// sweeping); then, in Go's order, the scavenge index's next generation, the
// work buffers made free, the stack spans kept through the cycle freed, and
// each idle P's page cache flushed. Marking itself is not modelled; nothing
// allocates during mark termination (mallocgc throws "mallocgc called with
// gcphase == _GCmarktermination").

import type { MHeap } from './mheap.js';
import { sweepAll } from './mgcsweep.js';
import { prepareFreeWorkbufs } from './mgcwork.js';
import type { P } from './proc.js';
import { freeStackSpans } from './stack.js';
import { refuse, throwGo } from './throw.js';

/** gcStart: sweep what is left, then enter the mark phase. */
export function gcStart(h: MHeap): void {
  if (h.gcphase !== '_GCoff') refuse('gcStart', `a GC is already running (gcphase ${h.gcphase})`);
  // finishsweep_m: sweep every span still unswept.
  sweepAll(h);
  h.gcphase = '_GCmark';
}

/**
 * gcMarkDone + gcMarkTermination, run on pp (the P that ends the cycle):
 * end the mark phase, start a new sweep generation, and free what the cycle
 * kept alive. Ps whose status is _Pidle have their page caches flushed.
 */
export function gcMarkTermination(h: MHeap, pp: P | null): void {
  if (h.gcphase !== '_GCmark') refuse('gcMarkTermination', `no mark phase to end (gcphase ${h.gcphase})`);
  h.gcphase = '_GCmarktermination';
  // gcMark: the mark phase's work is done (not modelled).
  h.gcphase = '_GCoff';
  gcSweep(h);
  if (h.gcphase !== '_GCoff') throwGo('gc done but gcphase != _GCoff', 'runtime/mgc.go · gcMarkTermination');
  h.pages.scav.index.nextGen();
  // The world starts again.
  prepareFreeWorkbufs(h);
  freeStackSpans(h, pp);
  // Flush the page caches of idle Ps: nobody else would for a while.
  for (const p of h.allp) {
    if (p.status === '_Pidle') p.pcache.flush(h.pages);
  }
}

/** gcSweep: with the world stopped, in _GCoff, the sweep generation moves on by 2 (a uint32). */
export function gcSweep(h: MHeap): void {
  if (h.gcphase !== '_GCoff') throwGo('gcSweep being done but phase is not GCoff', 'runtime/mgc.go · gcSweep');
  h.sweepgen = (h.sweepgen + 2) >>> 0;
}
