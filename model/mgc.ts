// runtime/mgc.go @ go1.21, the parts of the GC cycle the heap sees.
//
// gcStart: every P's mcache must be flushed for this sweep generation;
// page marks are cleared (gcResetMarkState); with the world stopped,
// sweeping is finished (finishsweep_m: sweep what is left, no sweeper may
// be running, the unswept sets are reset); then _GCoff -> _GCmark.
// Marking: the suites mark what the mutator still reaches (markObject);
// objects allocated meanwhile are marked as they are published.
// gcMarkTermination: _GCmark -> _GCmarktermination -> _GCoff with the world
// stopped; gcSweep (h.sweepgen += 2, so every in-use span needs sweeping);
// the pacer (heapLive restarts from the marked bytes; the next trigger; the
// proportional sweep ratio); then, in Go's order, the scavenge index's next
// generation, the work buffers made free, the stack spans kept through the
// cycle freed, and for each P its mcache flushed (prepareForSweep) and, if
// idle, its page cache. Nothing allocates during mark termination.

import type { MHeap } from './mheap.js';
import { gcResetMarkState } from './mgcmark.js';
import { gcPaceSweeper, sweepAll } from './mgcsweep.js';
import { prepareFreeWorkbufs } from './mgcwork.js';
import type { P } from './proc.js';
import { freeStackSpans } from './stack.js';
import { refuse, throwGo } from './throw.js';

const site = 'runtime/mgc.go';

/** heapMinimum: the smallest heap goal (4 MiB, GOGC=100). */
export const heapMinimum = 4 << 20;

/**
 * The heap trigger of the next cycle: the model's pacer is GOGC=100 without
 * a memory limit, triggering at twice the marked heap (at least
 * heapMinimum). Go's pacer triggers earlier, between the marked heap and the
 * goal; only the sweep ratio depends on it here.
 */
export function gcTrigger(h: MHeap): number {
  return Math.max(heapMinimum, 2 * h.gcController.heapMarked);
}

/** gcStart: finish sweeping, then enter the mark phase. */
export function gcStart(h: MHeap): void {
  if (h.gcphase !== '_GCoff') refuse('gcStart', `a GC is already running (gcphase ${h.gcphase})`);
  if (h.forEachP !== null) refuse('gcStart', 'the last mark termination is still waiting for Ps to flush their mcaches');
  // stopTheWorld waits for goroutines that cannot be preempted: a mallocgc, a sweeper between its steps.
  if (h.allp.some((p) => p.mallocing)) refuse('gcStart', 'a mallocgc is in progress: the world cannot stop until it finishes');
  if (h.sweep.active.sweepers() !== 0) refuse('gcStart', `${h.sweep.active.sweepers()} sweepers are between their steps: the world cannot stop until they return`);
  // Check that all Ps have finished deferred mcache flushes.
  for (const p of h.allp) {
    if (p.mcache.flushGen !== h.sweepgen) throwGo('p mcache not flushed', `${site} · gcStart`, `p ${p.id} flushGen ${p.mcache.flushGen} != sweepgen ${h.sweepgen}`);
  }
  gcResetMarkState(h);
  // stopTheWorld: finish sweep before we start concurrent scan.
  finishsweepM(h);
  h.gcphase = '_GCmark';
}

/** finishsweep_m: with the world stopped, sweep every span still unswept and reset the unswept sets. */
export function finishsweepM(h: MHeap): void {
  sweepAll(h);
  // Make sure there aren't any outstanding sweepers left.
  if (h.sweep.active.sweepers() !== 0) throwGo('active sweepers found at start of mark phase', 'runtime/mgcsweep.go · finishsweep_m');
  // Reset all the unswept buffers, which should be empty.
  const sg = h.sweepgen;
  for (const c of h.central) {
    c.partialUnswept(sg).reset();
    c.fullUnswept(sg).reset();
  }
}

/**
 * gcMarkDone + gcMarkTermination, run on pp (the P that ends the cycle):
 * end the mark phase, start a new sweep generation, and free what the cycle
 * kept alive. Then forEachP flushes every P's mcache (and, for an idle P,
 * its page cache): idle Ps and pp at once; a running P at its next safe
 * point, which deferFlush says may come later (flushAtSafePoint). Sweeping
 * cannot be done until every P has flushed.
 */
export function gcMarkTermination(h: MHeap, pp: P | null, deferFlush: (p: P) => boolean = () => false): void {
  if (h.gcphase !== '_GCmark') refuse('gcMarkTermination', `no mark phase to end (gcphase ${h.gcphase})`);
  if (h.allp.some((p) => p.mallocing)) refuse('gcMarkTermination', 'a mallocgc is in progress: the world cannot stop until it finishes');
  h.gcphase = '_GCmarktermination';
  // gcMark: the mark phase's work is done (the suites drain it); this cycle's marked heap.
  h.gcController.heapMarked = h.work.bytesMarked;
  h.gcphase = '_GCoff';
  gcSweep(h);
  // gcControllerCommit: heapLive restarts from what was marked; pace the sweeper for the next trigger.
  h.gcController.heapLive = h.gcController.heapMarked;
  gcPaceSweeper(h, gcTrigger(h));
  // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, as in Go: h.gcphase was set to _GCoff above and gcSweep, gcPaceSweeper and gcTrigger never change it (gcSweep throws itself unless it is _GCoff), so the guard is always false and its message never raised
  if (h.gcphase !== '_GCoff') throwGo('gc done but gcphase != _GCoff', `${site} · gcMarkTermination`);
  h.pages.scav.index.nextGen();
  // Hold the sweep open until every mcache is flushed.
  const sl = h.sweep.active.begin(h);
  // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, as in Go: gcSweep just reset sweep.active (no sweeper, not drained) and nothing ran since, so begin always returns a valid locker; the guard is always false and its message never raised
  if (!sl.valid) throwGo('failed to set sweep barrier', `${site} · gcMarkTermination`);
  // The world starts again.
  prepareFreeWorkbufs(h);
  freeStackSpans(h, pp);
  // Ensure all mcaches are flushed; flush the page caches of idle Ps too.
  h.forEachP = { sl, pending: new Set(h.allp) };
  for (const p of h.allp) {
    if (p.status === '_Pidle' || p === pp || !deferFlush(p)) flushAtSafePoint(h, p);
  }
}

/**
 * forEachP's function on P p, at p's next safe point (before it allocates
 * again): flush its mcache and, if it is idle, its page cache. The last P
 * to run it lets sweeping finish.
 */
export function flushAtSafePoint(h: MHeap, p: P): void {
  const f = h.forEachP;
  if (f === null || !f.pending.has(p)) return;
  p.mcache.prepareForSweep(h, p);
  if (p.status === '_Pidle') p.pcache.flush(h.pages);
  f.pending.delete(p);
  if (f.pending.size === 0) {
    h.forEachP = null;
    h.sweep.active.end(h, f.sl);
  }
}

/** gcSweep: with the world stopped, in _GCoff, a new sweep generation (h.sweepgen, a uint32, += 2). */
export function gcSweep(h: MHeap): void {
  if (h.gcphase !== '_GCoff') throwGo('gcSweep being done but phase is not GCoff', `${site} · gcSweep`);
  h.sweepgen = (h.sweepgen + 2) >>> 0;
  h.sweep.active.reset();
  h.pagesSwept = 0;
  h.sweepArenas = [...h.allArenas];
  h.reclaimIndex = 0;
  h.reclaimCredit = 0;
  h.sweep.centralIndex = 0;
}
