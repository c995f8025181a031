// The pagealloc suite's world: the model under test (h), the abstract page
// heap (shadow) kept by the step recorder, and the bookkeeping commands need
// to pick arguments: live allocations and grown chunks.

import { pageIndex } from '../../model/chunks.js';
import { baseChunkIdx } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';
import { PageAlloc } from '../../model/mpagealloc.js';
import type { PageCache } from '../../model/mpagecache.js';
import type { AbstractPageHeap } from '../../spec/pagealloc/pageHeap.js';
import type { PageAllocStep, PageAllocWorld } from '../../spec/pagealloc/world.js';
import { PageStepRecorder } from './recorder.js';

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
  readonly recorder: PageStepRecorder;
  allocs: LiveAlloc[] = [];
  /** Grown chunk indices, ascending. */
  grown: number[] = [];
  nextAlloc = 1;
  readonly baseChunk: number;

  constructor(
    readonly g: Geometry,
    /** At most this many chunks are grown in one run (keeps checks cheap). */
    readonly maxChunks: number,
  ) {
    this.h = new PageAlloc(g, true);
    this.recorder = new PageStepRecorder(this.h, g);
    this.baseChunk = baseChunkIdx(g);
  }

  get shadow(): AbstractPageHeap {
    return this.recorder.shadow;
  }

  get caches(): ReadonlyMap<number, PageCache> {
    return this.recorder.caches;
  }


  /** Global page index of an address. */
  page(addr: number): number {
    return pageIndex(this.g, addr);
  }

  /** The one step the last call recorded. */
  step(): PageAllocStep {
    const steps = this.recorder.take();
    if (steps.length !== 1) throw new Error(`expected one page allocator step, recorded ${steps.length}`);
    return steps[0]!;
  }
}
