// The span layer's catalog: its own entries, and the page allocator's,
// applied to the page allocator underneath the heap (state invariants to
// the page world, action properties to every page-level call a heap step
// made).

import type { ActionProperty, Catalog, StateInvariant } from '../catalog.js';
import { pageAllocActionProperties } from '../pagealloc/actions.js';
import { pageAllocStateInvariants } from '../pagealloc/invariants.js';
import type { PageAllocSnapshot, PageAllocStep, PageAllocWorld } from '../pagealloc/world.js';
import { heapActionProperties } from './actions.js';
import { arenaInvariants } from './arenas.js';
import { spanStateInvariants } from './invariants.js';
import { statsInvariants } from './stats.js';
import { arenaFallbackWitnesses, heapWitnesses } from './witnesses.js';
import { sweepgenMovesLegally } from '../sweep/actions.js';
import { inUseSpansHaveOnePlace } from '../sweep/invariants.js';
import type { HeapSnapshot, HeapStep, HeapWorld } from './world.js';

export type HeapCatalog = Catalog<HeapWorld, HeapSnapshot, HeapStep>;

function underneathState(inv: StateInvariant<PageAllocWorld>): StateInvariant<HeapWorld> {
  return { ...inv, holds: (w, scope) => inv.holds(w.pages, scope), why: (w) => inv.why?.(w.pages) ?? '' };
}

function underneathAction(act: ActionProperty<PageAllocSnapshot, PageAllocStep>): ActionProperty<HeapSnapshot, HeapStep> {
  const failing = (b: HeapSnapshot, a: HeapSnapshot, s: HeapStep): PageAllocStep | undefined => s.pageSteps.find((p) => !act.holds(b.pages, a.pages, p));
  return {
    ...act,
    holds: (b, a, s) => failing(b, a, s) === undefined,
    why: (b, a, s) => {
      const p = failing(b, a, s);
      return p === undefined ? '' : `in page allocator call ${p.op}: ${act.why?.(b.pages, a.pages, p) ?? ''}`;
    },
  };
}

/** The span layer's state invariants, in catalog order. */
export const heapStateInvariants: readonly StateInvariant<HeapWorld>[] = [...spanStateInvariants, ...statsInvariants, ...arenaInvariants];

export interface HeapCatalogOptions {
  /** Whether the suite must reach sysAlloc's fallback paths (hints exhausted, trim, growing down). */
  readonly arenaFallback: boolean;
}

export function heapCatalog(opts: HeapCatalogOptions = { arenaFallback: false }): HeapCatalog {
  return {
    state: [...heapStateInvariants, inUseSpansHaveOnePlace, ...pageAllocStateInvariants.map(underneathState)],
    action: [...heapActionProperties, sweepgenMovesLegally, ...pageAllocActionProperties.map(underneathAction)],
    witness: opts.arenaFallback ? [...heapWitnesses, ...arenaFallbackWitnesses] : heapWitnesses,
  };
}
