// What the span layer's catalog talks about: the heap under test, the page
// allocator world underneath it (with its abstract page heap), the spans
// handed out and not yet freed, ghost history, and what one step did.

import type { GCPhase, MHeap } from '../../model/mheap.js';
import type { MSpan, MSpanState } from '../../model/mspan.js';
import type { SpanAllocType } from '../../model/spanclass.js';
import type { PageAllocStep, PageAllocWorld } from '../pagealloc/world.js';

/** A span the suite allocated and has not freed. */
export interface LiveSpan {
  /** Go-like variable name, e.g. "s3". */
  readonly name: string;
  readonly span: MSpan;
  readonly typ: SpanAllocType;
}

export interface HeapWorld {
  readonly h: MHeap;
  /** The page allocator underneath, checked by the page allocator's own catalog. */
  readonly pages: PageAllocWorld;
  readonly live: readonly LiveSpan[];
  /**
   * Ghost: for each arena, the pages ever handed out in a span since the
   * arena was mapped (1 per page). needzero must be 1 for any allocation
   * touching one.
   */
  readonly everHandedOut: ReadonlyMap<number, Uint8Array>;
}

/** A small projection of the heap before and after a step. */
export interface HeapSnapshot {
  readonly gcphase: GCPhase;
  readonly sweepgen: number;
  /** zeroedBase per arena index. */
  readonly zeroedBase: ReadonlyMap<number, number>;
  /** The page allocator's projection, for its action properties. */
  readonly pages: { readonly pageSize: number; readonly arenaBaseOffset: number; readonly searchAddr: number; readonly start: number; readonly end: number; readonly inUseRanges: number };
}

/** A span state transition, recorded by the state box (see MSpanStateBox). */
export interface Transition {
  readonly span: number;
  /** The span's base address and size at the time, for messages. */
  readonly base: number;
  readonly npages: number;
  readonly from: MSpanState;
  readonly to: MSpanState;
  readonly gcphase: GCPhase;
}

/** What an allocation produced. */
export interface Allocated {
  readonly span: number;
  readonly typ: SpanAllocType;
  readonly base: number;
  readonly npages: number;
  readonly needzero: number;
  /** Ghost: whether any of its pages had been handed out before (since its arena was mapped). */
  readonly handedOutBefore: boolean;
  /** Whether the whole span lay at or above its arenas' zeroedBase just before. */
  readonly aboveZeroedBase: boolean;
  /** The span structure's sweepgen when it was last freed, if it is a recycled one. */
  readonly recycledSweepgen: number | null;
  readonly sweepgen: number;
  /** h.sweepgen at the allocation. */
  readonly heapSweepgen: number;
}

/** A refused call: Go's throw or a model error, and whether the heap stayed as it was. */
export interface Refusal {
  readonly kind: string;
  /** `throw("...")`, `ModelError`, or `none` if the call went through. */
  readonly got: string;
  /** What the kind of misuse must produce. */
  readonly want: readonly string[];
  readonly unchanged: boolean;
}

export interface HeapStep {
  readonly op: string;
  /** Every span state transition during the step. */
  readonly transitions: readonly Transition[];
  /** Page allocator calls made during the step, as the page allocator suite records them. */
  readonly pageSteps: readonly PageAllocStep[];
  readonly allocated?: Allocated;
  /** An allocation that failed (the heap could not grow). */
  readonly outOfMemory?: boolean;
  /** The heap grew into a new arena, contiguous or not. */
  readonly newArena?: 'contiguous' | 'discontiguous';
  readonly refused?: Refusal;
}
