// What the page allocator's catalog talks about: the model under test (h),
// the abstract page heap it must refine (shadow), the live page caches, and
// what one step did.

import type { PageAlloc } from '../../model/mpagealloc.js';
import type { PageCache } from '../../model/mpagecache.js';
import type { AbstractCache, AbstractPageHeap } from './pageHeap.js';
import type { ReadonlyPageSet } from './pageSet.js';
import type { ScavengeOneOutcome } from './scavengeIndex.js';

export interface PageAllocWorld {
  /** The model under test. */
  readonly h: PageAlloc;
  /** The abstract page heap h must refine, with the scavenger's policy and its index (shadow.index). */
  readonly shadow: AbstractPageHeap;
  /** Live page caches by id: each stands for one P's pcache. */
  readonly caches: ReadonlyMap<number, PageCache>;
}

/** A small projection of the world before and after a step. */
export interface PageAllocSnapshot {
  /** The geometry's page size and arenaBaseOffset, to print global page indices as addresses. */
  readonly pageSize: number;
  readonly arenaBaseOffset: number;
  readonly searchAddr: number;
  readonly start: number;
  readonly end: number;
  readonly inUseRanges: number;
}

/** A page range handed out, in global page indices. */
export interface HandedOut {
  readonly firstPage: number;
  readonly npages: number;
  /** Pages of the range the spec saw not free before the step (must be 0). */
  readonly heldBefore: number;
}

export type PageAllocStep =
  | { readonly op: 'grow'; readonly base: number; readonly size: number }
  | {
      readonly op: 'alloc';
      readonly npages: number;
      readonly addr: number;
      readonly scav: number;
      /** The spec's answer: first page (-1 for none) and the scavenged bytes in the run. */
      readonly want: { readonly page: number; readonly scavBytes: number };
      readonly handedOut?: HandedOut;
    }
  | { readonly op: 'free'; readonly base: number; readonly npages: number }
  | {
      readonly op: 'allocToCache';
      readonly id: number;
      readonly got: AbstractCache;
      readonly want: AbstractCache;
      readonly heldBefore: number;
    }
  | {
      readonly op: 'cacheAlloc';
      readonly id: number;
      readonly npages: number;
      readonly addr: number;
      readonly scav: number;
      readonly want: { readonly page: number; readonly scavBytes: number };
      readonly handedOut?: HandedOut;
    }
  | { readonly op: 'cacheFlush'; readonly id: number }
  | {
      readonly op: 'scavenge';
      readonly nbytes: number;
      readonly force: boolean;
      readonly released: number;
      readonly pageSize: number;
      /** Pages whose scavenged bit went 0 -> 1. */
      readonly newlyScavenged: ReadonlyPageSet;
      /** Pages whose bits changed in any other way (must be none). */
      readonly otherChanges: ReadonlyPageSet;
      /** Free, unscavenged pages per the spec (what a scavenger may release) before and after. */
      readonly scavengeableBefore: ReadonlyPageSet;
      readonly scavengeableAfter: ReadonlyPageSet;
      /** The spec's scavengeOne calls: chunk, search page, the run it must release (none: the chunk is marked empty). */
      readonly want: readonly ScavengeOneOutcome[];
      /** The runs the model's scavengeOne calls released, in order (global page index, pages). */
      readonly got: readonly { readonly firstPage: number; readonly npages: number }[];
      /** Free, unscavenged pages no scavenger can reach after the step, per the spec's index (orphans of background scavenges). */
      readonly unreachableAfter: ReadonlyPageSet;
      /** How many of them this scavenge left unreachable that were reachable before. */
      readonly newlyUnreachable: number;
    }
  | { readonly op: 'nextGen' };
