// The page allocator's invariant catalog: everything the pagealloc suite
// checks after every step.

import type { Catalog } from '../catalog.js';
import { pageAllocActionProperties } from './actions.js';
import { pageAllocStateInvariants } from './invariants.js';
import type { ChunkGeometry } from './witnesses.js';
import { pageAllocWitnesses } from './witnesses.js';
import type { PageAllocSnapshot, PageAllocStep, PageAllocWorld } from './world.js';

export type PageAllocCatalog = Catalog<PageAllocWorld, PageAllocSnapshot, PageAllocStep>;

export function pageAllocCatalog(geo: ChunkGeometry): PageAllocCatalog {
  return {
    state: pageAllocStateInvariants,
    action: pageAllocActionProperties,
    witness: pageAllocWitnesses(geo),
  };
}
