// The sweep suites' catalog: the span layer's (with the page allocator's
// underneath), sweeping's own entries, and the witnesses a campaign of
// objects, marking and concurrent sweepers must reach.

import type { ActionProperty, Catalog, StateInvariant, Witness } from '../catalog.js';
import { heapCatalog } from '../mheap/catalog.js';
import { heapWitnesses } from '../mheap/witnesses.js';
import type { HeapWorld } from '../mheap/world.js';
import { sweepActionProperties } from './actions.js';
import { sweepStateInvariants } from './invariants.js';
import { sweepWitnesses } from './witnesses.js';
import type { SweepSnapshot, SweepStep, SweepWorld } from './world.js';

export type SweepCatalog = Catalog<SweepWorld, SweepSnapshot, SweepStep>;

/** The span layer's witnesses a sweep suite reaches too (it has no stacks, work buffers, GC programs or misuse). */
const sharedWitnesses = new Set(['reachesNeedzeroZero', 'reachesNeedzeroOne', 'reachesPageCachePath', 'reachesLockedPath', 'reachesRecycledSpanStructure', 'reachesFreeAfterSweep', 'reachesIdlePCacheFlushed']);

export function sweepCatalog(): SweepCatalog {
  const heap = heapCatalog();
  return {
    state: [...(heap.state as readonly StateInvariant<HeapWorld>[]), ...sweepStateInvariants] as StateInvariant<SweepWorld>[],
    action: [...heap.action, ...(sweepActionProperties as readonly ActionProperty<SweepSnapshot, SweepStep>[])] as ActionProperty<SweepSnapshot, SweepStep>[],
    witness: [...(heapWitnesses.filter((x) => sharedWitnesses.has(x.id)) as Witness<SweepSnapshot, SweepStep>[]), ...sweepWitnesses],
  };
}
