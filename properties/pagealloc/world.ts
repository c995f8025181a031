// The pagealloc suite's world: the model under test (h), the abstract page
// heap (shadow), and the ghost bookkeeping the commands need to pick
// arguments: live allocations and live page caches, by name.

import { pageIndex } from '../../model/chunks.js';
import { baseChunkIdx } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';
import { PageAlloc } from '../../model/mpagealloc.js';
import type { PageCache } from '../../model/mpagecache.js';
import { AbstractPageHeap } from '../../spec/pagealloc/pageHeap.js';
import { uncoveredScavengeablePages } from '../../spec/pagealloc/invariants.js';
import type { PageAllocWorld } from '../../spec/pagealloc/world.js';

/** A live allocation: what alloc or a cache handed out, not yet freed. */
export interface LiveAlloc {
  /** Go-like variable name, e.g. "a3". */
  readonly name: string;
  readonly base: number;
  readonly npages: number;
  /** Offset in pages from the variable's address (after partial frees). */
  readonly offset: number;
}

export class PageAllocSystem implements PageAllocWorld {
  readonly h: PageAlloc;
  readonly shadow: AbstractPageHeap;
  readonly caches = new Map<number, PageCache>();
  readonly cacheNames = new Map<number, string>();
  allocs: LiveAlloc[] = [];
  /** Ghost: see PageAllocWorld.orphaned. */
  readonly orphaned = new Set<number>();
  /** Grown chunk indices, ascending. */
  grown: number[] = [];
  nextAlloc = 1;
  nextCache = 1;
  readonly baseChunk: number;

  constructor(
    readonly g: Geometry,
    /** At most this many chunks are grown in one run (keeps checks cheap). */
    readonly maxChunks: number,
  ) {
    this.h = new PageAlloc(g, true);
    this.shadow = new AbstractPageHeap(g.pallocChunkPages);
    this.baseChunk = baseChunkIdx(g);
  }

  /** Global page index of an address. */
  page(addr: number): number {
    return pageIndex(this.g, addr);
  }

  /** Free, unscavenged pages the scavenge index does not lead a forced scavenger to. */
  uncovered(): number[] {
    const { flagClear, aboveCursor } = uncoveredScavengeablePages(this.h);
    return [...flagClear, ...aboveCursor];
  }

  /**
   * After every step: pages the index covers again (or that are no longer
   * free and unscavenged) stop being orphans; after a background scavenge,
   * every uncovered page becomes one. Returns the newly orphaned pages.
   */
  settleGhosts(backgroundScavenge: boolean): number[] {
    if (!backgroundScavenge && this.orphaned.size === 0) return [];
    const now = this.uncovered();
    const still = new Set(now);
    for (const p of this.orphaned) if (!still.has(p)) this.orphaned.delete(p);
    if (!backgroundScavenge) return [];
    const added = now.filter((p) => !this.orphaned.has(p));
    for (const p of added) this.orphaned.add(p);
    return added;
  }

  /** How many pages of [first, first+n) the spec does not have free (or mapped). */
  heldIn(first: number, n: number): number {
    let held = 0;
    for (let p = first; p < first + n; p++) if (this.shadow.pageState(p) !== 0) held++;
    return held;
  }
}
