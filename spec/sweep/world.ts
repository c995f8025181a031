// What the sweep catalog talks about: the heap world (spans, pages, their
// abstract heaps), the objects the program allocated as the spec keeps them
// (which span slot each lies in), the ghost object graph standing for the
// mutator (roots and pointers), the sweepers in flight, and what a step did.

import type { Malloc } from '../../model/mallocgc.js';
import type { MSpan } from '../../model/mspan.js';
import type { HeapSnapshot, HeapStep, HeapWorld } from '../mheap/world.js';

/** An object mallocgc returned (or is returning), as the spec keeps it. */
export interface GhostObject {
  /** The suite's name: o<n>. */
  readonly name: string;
  readonly addr: number;
  /** The abstract span and slot it lies in (tiny objects share their block's slot). */
  readonly span: number;
  readonly slot: number;
  /** The bytes asked for, and the bytes its slot holds. */
  readonly size: number;
  readonly slotSize: number;
  readonly tiny: boolean;
}

/** A goroutine between two of its atomic steps, and the span it took from an unswept set or holds for sweeping. */
export interface Holder {
  /** Who, for messages: "sweeper g2", "P1's mallocgc (cacheSpan)". */
  readonly who: string;
  readonly span: MSpan | null;
  /** Whether it holds the span for sweeping (its CAS won: sg-1). */
  readonly holds: boolean;
}

export interface SweepWorld extends HeapWorld {
  /** Live objects by name: allocated, and not freed by a sweep of the spec's. */
  readonly objects: ReadonlyMap<string, GhostObject>;
  /** The objects the mutator holds (its stacks and globals). */
  readonly roots: ReadonlySet<string>;
  /** Pointers between objects. */
  readonly edges: ReadonlyMap<string, ReadonlySet<string>>;
  /** The objects reachable from the roots. */
  reachable(): Set<string>;
  /** Goroutines in flight between their atomic steps (sweepone calls, mallocgc calls sweeping on the way), with the span each has in hand. */
  holders(): Iterable<Holder>;
  /** Ghost: spans live when this sweep generation began and not swept since (the spec's sweep records). */
  readonly needSweep: ReadonlySet<number>;
  /** mallocgc calls that reserved their object and have not yet published it, by P. */
  pendingMallocs(): Iterable<[number, Malloc]>;
}

/** What the sweep suite adds to a heap step. */
export interface SweepStep extends HeapStep {
  /**
   * An allocation from the heap while the ghost had spans unswept: its
   * pages, the reclaimer's credit it took, the pages its reclaim freed, the
   * pages still owed, and (when owed) a span the reclaimer should have freed.
   */
  readonly reclaim?: { readonly npages: number; readonly took: number; readonly found: number; readonly owed: number; readonly deadLeft?: number };
  /**
   * Mark termination: the spans each P's mcache held before it (spec id to
   * P), the running Ps that flush at a later safe point, and each live heap
   * span's sweepgen after it, relative to the new h.sweepgen.
   */
  readonly bump?: { readonly cachedBefore: ReadonlyMap<number, number>; readonly deferred: readonly number[]; readonly after: ReadonlyMap<number, number> };
  /** A malloc that reserved an object: the slot it got, whether a live object of the spec's lay there, and, for a tiny object put into the current tiny block, why that block is no longer a live tiny object. */
  readonly reserved?: { readonly name: string; readonly span: number; readonly slot: number; readonly occupiedBy?: string; readonly staleTinyBlock?: string };
  /** A CAS that lost to another sweeper (tryAcquire's check passed, the CAS did not): whose. */
  readonly lostRace?: 'sweepone' | 'cacheSpan';
  /** A tiny allocation into the current tiny block. */
  readonly tinyReuse?: boolean;
  /** The path cacheSpan took, if a refill ran. */
  readonly cacheSpanPath?: string;
  /** ensureSwept swept the span itself. */
  readonly ensureSweptSwept?: boolean;
  /** An ensureSwept call: the span, whether it returned (Go would spin otherwise), and whether the ghost still has the span unswept after it. */
  readonly ensureSwept?: { readonly span: number; readonly returned: boolean; readonly unswept: boolean };
  /** An uncached span was stale (cached before the sweep began) and was swept on the way back. */
  readonly staleUncached?: boolean;
}

export type SweepSnapshot = HeapSnapshot;
