// The heap suite's world: the heap under test, the page allocator world
// underneath (recorded against the abstract page heap), the spans handed
// out, and ghost history: pages ever handed out, span structures' sweepgen
// when freed.

import type { Geometry } from '../../model/geometry.js';
import { arenaIndex } from '../../model/heaparena.js';
import { MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import type { HeapSnapshot, HeapStep, HeapWorld, LiveSpan } from '../../spec/mheap/world.js';
import { PageStepRecorder } from '../pagealloc/recorder.js';

export interface HeapConfig {
  readonly geometry: Geometry;
  readonly nprocs: number;
  readonly osLimitArenas: number;
}

export class HeapSystem implements HeapWorld {
  readonly h: MHeap;
  readonly pages: PageStepRecorder;
  live: LiveSpan[] = [];
  /** Spans freed (structures that may since have been reused), most recent last. */
  freed: { name: string; span: MSpan }[] = [];
  readonly everHandedOut = new Map<number, Uint8Array>();
  /** Ghost: each freed span structure's sweepgen at the time it was freed. */
  readonly freedSweepgen = new Map<MSpan, number>();
  nextSpan = 1;

  constructor(readonly config: HeapConfig) {
    const g = config.geometry;
    this.h = new MHeap({ geometry: g, nprocs: config.nprocs, osLimitBytes: config.osLimitArenas * g.heapArenaBytes });
    this.pages = new PageStepRecorder(this.h.pages, g);
  }

  get g(): Geometry {
    return this.h.g;
  }

  snapshot(): HeapSnapshot {
    const h = this.h;
    const zeroedBase = new Map<number, number>();
    for (const [ai, ha] of h.arenas) zeroedBase.set(ai, ha.zeroedBase);
    const p = h.pages;
    return {
      gcphase: h.gcphase,
      sweepgen: h.sweepgen,
      zeroedBase,
      pages: { pageSize: this.g.pageSize, arenaBaseOffset: this.g.arenaBaseOffset, searchAddr: p.searchAddr.addr(), start: p.start, end: p.end, inUseRanges: p.inUse.ranges.length },
    };
  }

  /**
   * Run one heap operation and collect what every step records: span state
   * transitions, page allocator calls, and whether the heap took a new arena.
   */
  measure<T>(op: string, f: () => T): { result: T; base: Omit<HeapStep, 'allocated' | 'refused' | 'outOfMemory'> } {
    const h = this.h;
    const arenasBefore = h.allArenas.length;
    const curEnd = h.curArena.end;
    h.ghostTransitions.length = 0;
    this.pages.take();
    const result = f();
    const transitions = h.ghostTransitions.map((t) => ({ span: t.span.id, base: t.span.base(), npages: t.span.npages, from: t.from, to: t.to, gcphase: t.gcphase }));
    h.ghostTransitions.length = 0;
    let newArena: 'contiguous' | 'discontiguous' | undefined;
    if (arenasBefore > 0 && h.allArenas.length > arenasBefore) {
      const first = h.allArenas[arenasBefore]!;
      newArena = first === arenaIndex(this.g, curEnd) ? 'contiguous' : 'discontiguous';
    }
    const base = newArena === undefined ? { op, transitions, pageSteps: this.pages.take() } : { op, transitions, pageSteps: this.pages.take(), newArena };
    return { result, base };
  }

  /** Whether any page of [base, +npages) was handed out before; then record them as handed out. */
  handOut(base: number, npages: number): boolean {
    const g = this.g;
    let before = false;
    for (let n = 0; n < npages; n++) {
      const a = base + n * g.pageSize;
      const ai = arenaIndex(g, a);
      let bits = this.everHandedOut.get(ai);
      if (bits === undefined) this.everHandedOut.set(ai, (bits = new Uint8Array(g.pagesPerArena)));
      const i = Math.floor((a - g.arenaBaseOffset) / g.pageSize) % g.pagesPerArena;
      if (bits[i] === 1) before = true;
      bits[i] = 1;
    }
    return before;
  }

  /** Whether [base, +npages) lies at or above zeroedBase in every arena it touches, per the snapshot. */
  aboveZeroedBase(zeroedBase: ReadonlyMap<number, number>, base: number, npages: number): boolean {
    const g = this.g;
    let a = base;
    const end = base + npages * g.pageSize;
    while (a < end) {
      const ai = arenaIndex(g, a);
      const off = (a - g.arenaBaseOffset) % g.heapArenaBytes;
      if (off < (zeroedBase.get(ai) ?? 0)) return false;
      a += g.heapArenaBytes - off;
    }
    return true;
  }
}
