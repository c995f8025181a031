// runtime/mgc.go @ go1.21, the part the page heap sees: the GC phase and
// the sweep generation, moved the simplest legal way.
//
// gcStart: finish sweeping (finishsweep_m), then _GCoff -> _GCmark.
// gcMarkTermination: _GCmark -> _GCmarktermination -> _GCoff with the world
// stopped, then gcSweep: h.sweepgen += 2, so every in-use span needs sweeping.
// Marking itself is not modelled; nothing allocates during mark termination
// (mallocgc throws "mallocgc called with gcphase == _GCmarktermination").

import type { MHeap } from './mheap.js';
import { sweepAll } from './mgcsweep.js';
import { refuse } from './throw.js';

/** gcStart: sweep what is left, then enter the mark phase. */
export function gcStart(h: MHeap): void {
  if (h.gcphase !== '_GCoff') refuse('gcStart', `a GC is already running (gcphase ${h.gcphase})`);
  // finishsweep_m: sweep every span still unswept.
  sweepAll(h);
  h.gcphase = '_GCmark';
}

/** gcMarkDone + gcMarkTermination: end the mark phase and start a new sweep generation. */
export function gcMarkTermination(h: MHeap): void {
  if (h.gcphase !== '_GCmark') refuse('gcMarkTermination', `no mark phase to end (gcphase ${h.gcphase})`);
  h.gcphase = '_GCmarktermination';
  h.gcphase = '_GCoff';
  gcSweep(h);
}

/** gcSweep: with the world stopped, in _GCoff, the sweep generation moves on by 2 (a uint32). */
export function gcSweep(h: MHeap): void {
  h.sweepgen = (h.sweepgen + 2) >>> 0;
}
