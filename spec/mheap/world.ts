// What the span layer's catalog talks about: the heap under test, the
// abstract span heap it must refine (with the page allocator world and its
// abstract page heap underneath), ghost history the spec keeps, and what
// one step did.

import type { GCPhase, MHeap } from '../../model/mheap.js';
import type { MSpan, MSpanState } from '../../model/mspan.js';
import type { PageAllocStep, PageAllocWorld } from '../pagealloc/world.js';
import type { AbstractSpanHeap, SpanKind } from './spanHeap.js';

/** Ghost history of the heap: what the real runtime does not keep but the spec talks about. */
export interface HeapGhost {
  /** Per arena index: 1 for each page ever handed out in a span since the arena was mapped. */
  readonly everHandedOut: ReadonlyMap<number, Uint8Array>;
  /**
   * Per arena index: the end, relative to the arena base, of the highest
   * page ever handed out there, capped at heapArenaBytes. zeroedBase must be
   * exactly this.
   */
  readonly zeroedHWM: ReadonlyMap<number, number>;
  /** The hints mallocinit made, in its order (zeroedBase's neighbours: where arenas may go). */
  readonly initialHints: readonly object[];
}

export interface HeapWorld {
  readonly h: MHeap;
  /** The page allocator underneath, checked by the page allocator's own catalog. */
  readonly pages: PageAllocWorld;
  /** The abstract span heap. */
  readonly spec: AbstractSpanHeap;
  /** The structure the model returned for each live abstract span (the suite's bookkeeping, by span id). */
  readonly handles: ReadonlyMap<number, MSpan>;
  /** The live abstract span a structure stands for, if any (the inverse of handles). */
  specId(s: MSpan): number | undefined;
  /** Where the caller set each live heap span's limit, as bytes from its base (mcentral.grow, mcache.allocLarge). */
  readonly limits: ReadonlyMap<number, number>;
  /** Which P owns each live page cache, by the page world's cache id. */
  readonly cacheOfP: ReadonlyMap<number, number>;
  readonly ghost: HeapGhost;
}

/** A small projection of the heap before and after a step. */
export interface HeapSnapshot {
  readonly gcphase: GCPhase;
  readonly sweepgen: number;
  /** How many in-use heap spans stand at sg-2, sg-1, sg, sg+1, sg+3. */
  readonly relations: readonly number[];
  /** The page allocator's projection, for its action properties. */
  readonly pages: { readonly pageSize: number; readonly arenaBaseOffset: number; readonly searchAddr: number; readonly start: number; readonly end: number; readonly inUseRanges: number };
}

/** A span state transition, recorded by the state box (see MSpanStateBox). */
export interface Transition {
  readonly span: MSpan;
  /** The span's base address and size at the time, for messages. */
  readonly base: number;
  readonly npages: number;
  readonly from: MSpanState;
  readonly to: MSpanState;
  readonly gcphase: GCPhase;
  /** The abstract span's kind, if the spec knows the span (manual type for manual spans). */
  readonly kind?: SpanKind;
}

/** A span the model published in this step, against what was asked. */
export interface Allocated {
  /** The spec's id for it. */
  readonly id: number;
  readonly want: { readonly npages: number; readonly kind: SpanKind; readonly p: number | null };
  readonly got: { readonly base: number; readonly basePage: number; readonly npages: number; readonly spanclass: number; readonly state: MSpanState };
  /** Pages of the span the abstract span heap had owned, before the step, by nobody / by the caller's page cache / by anyone else (first such page). */
  readonly ownersBefore: { readonly nobody: number; readonly ownCache: number; readonly other?: { readonly page: number; readonly addr: number; readonly owner: number } };
  /** Whether the caller's page cache (after a refill, if it was empty) had npages contiguous pages, by the spec's account. */
  readonly cacheHadRun: boolean;
  readonly needzero: number;
  /** Ghost: whether any of its pages had been handed out before (since its arena was mapped). */
  readonly handedOutBefore: boolean;
  /** Ghost: the needzero the zeroed high-water marks give: 1 iff the span starts below the mark in some arena it touches. */
  readonly needzeroWant: number;
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
  /** What the kind of misuse must produce: Go's throw, or 'ModelError' for input Go leaves undefined. */
  readonly want: string;
  readonly unchanged: boolean;
}

/** Spec ids of the spans the model freed in a step, and of those the callers' protocol says must die; the pages given back. */
export interface Died {
  readonly got: readonly number[];
  readonly want: readonly number[];
  /** Pages the page allocator took back, and pages of the spans that had to die. */
  readonly pagesFreed: number;
  readonly pagesWant: number;
  /** The first page that was given back without a dying span holding it, or held by a dying span and not given back. */
  readonly mismatch?: string;
}

/** What the heap's arenas did in the step. */
export interface ArenaEvents {
  /** The heap grew into a new arena: contiguous with the current one, or not. */
  readonly newArena?: 'contiguous' | 'discontiguous';
  /** sysAlloc ran out of hints and took any aligned space (sysReserveAligned). */
  readonly hintsExhausted?: boolean;
  /** That reservation came back unaligned and was trimmed. */
  readonly trimmed?: boolean;
  /** An arena came from a hint that grows down. */
  readonly grewDown?: boolean;
}

/** Where a manual-span caller's allocation landed, against the callers' protocol (spec/mheap/callers.ts). */
export interface Placed {
  /** The Go call, e.g. stackalloc(65536). */
  readonly call: string;
  /** The span the protocol says the stack or buffer comes from (a live span's id), or 'new' for a span the call must allocate. */
  readonly wantSpan: number | 'new';
  /** The span holding what the call returned: a live span's id, 'new' for the span published in this step, 'none'. */
  readonly gotSpan: number | 'new' | 'none';
  /** Spans the model published in the step. */
  readonly births: number;
  /** Whether what it returned lies wholly inside that span. */
  readonly inside: boolean;
}

export interface HeapStep extends ArenaEvents {
  readonly op: string;
  /** Every span state transition during the step. */
  readonly transitions: readonly Transition[];
  /** Page allocator calls made during the step, as the page allocator suite records them. */
  readonly pageSteps: readonly PageAllocStep[];
  readonly allocated?: Allocated;
  readonly died?: Died;
  /** Every write of a span's sweepgen in the step, as relations to h.sweepgen at the time (sg-2 is -2). */
  /** published: written while the structure was dead, as initSpan does before it publishes a span. */
  readonly sweepgenWrites: readonly { readonly span: MSpan; readonly from: number; readonly to: number; readonly published: boolean }[];
  /** How much h.sweepgen moved in the step (uint32 difference). */
  readonly heapSweepgenStep: number;
  /** Spans mheap.alloc's page reclaimer took for sweeping in the step. */
  readonly reclaimed: number;
  /** The spans the model swept in the step, in order, with what the spec says the sweep does: the objects that die, and whether the span does. */
  readonly swept?: readonly { readonly id: number; readonly npages: number; readonly freed: readonly number[]; readonly dies: boolean; readonly known: boolean; readonly large: boolean; readonly by: 'sweepone' | 'reclaim' | 'other' }[];
  /** An allocation that failed (the heap could not grow). */
  readonly outOfMemory?: boolean;
  readonly refused?: Refusal;
  /** Idle Ps whose page caches mark termination flushed (with pages in them). */
  readonly flushedIdle?: number;
  /** A stale spans[] entry was seen naming a live span that does not hold the page. */
  readonly staleSpansEntry?: boolean;
  /** A manual-span caller's allocation (stackalloc, getempty). */
  readonly placed?: Placed;
  /** stackalloc's stack size, asked and got. */
  readonly stackBytes?: { readonly want: number; readonly got: number };
  /** getempty from work.empty: the buffer on top, and the one returned. */
  readonly buffer?: { readonly want: number; readonly got: number };
}
