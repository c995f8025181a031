// The heap suite's world: the heap under test; the abstract span heap and
// the callers' protocol it must refine, kept here from what each command
// asked and what the page allocator underneath did (recorded against the
// abstract page heap); the suite's names for spans, stacks and buffers; and
// ghost history: pages ever handed out, zeroed high-water marks, span
// structures' sweepgen when freed, mallocinit's hints.

import { pageIndex } from '../../model/chunks.js';
import type { Geometry } from '../../model/geometry.js';
import { hex } from '../../model/geometry.js';
import { arenaIndex } from '../../model/heaparena.js';
import type { ArenaHint } from '../../model/malloc.js';
import { MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import type { Stack } from '../../model/stack.js';
import { AbstractStacks, AbstractWorkbufs } from '../../spec/mheap/callers.js';
import type { AbstractSpan, SpanKind } from '../../spec/mheap/spanHeap.js';
import { AbstractSpanHeap, NOBODY, cacheOwner } from '../../spec/mheap/spanHeap.js';
import type { Allocated, ArenaEvents, Died, HeapGhost, HeapSnapshot, HeapStep, HeapWorld, Transition } from '../../spec/mheap/world.js';
import { pageHex } from '../../spec/pagealloc/modelView.js';
import type { PageAllocStep } from '../../spec/pagealloc/world.js';
import { PageStepRecorder } from '../pagealloc/recorder.js';

export interface HeapConfig {
  readonly geometry: Geometry;
  readonly nprocs: number;
  readonly osLimitArenas: number;
}

/** A live stack the suite holds: its name, the stack, and the span it lives in (spec id). */
export interface LiveStack {
  readonly name: string;
  readonly stk: Stack;
  readonly span: number;
}

/** What one measured operation did, before the command adds its span-level findings. */
export type MeasuredStep = Pick<HeapStep, 'op' | 'transitions' | 'pageSteps'> & ArenaEvents;

export class HeapSystem implements HeapWorld {
  readonly h: MHeap;
  readonly pages: PageStepRecorder;
  readonly spec: AbstractSpanHeap;
  readonly stacks = new AbstractStacks();
  readonly workbufs = new AbstractWorkbufs();
  readonly handles = new Map<number, MSpan>();
  readonly limits = new Map<number, number>();
  private readonly idOf = new Map<MSpan, number>();
  readonly cacheOfP = new Map<number, number>();
  readonly ghostState: { everHandedOut: Map<number, Uint8Array>; zeroedHWM: Map<number, number>; initialHints: ArenaHint[] };
  /** Ghost: each freed span structure's sweepgen when it was freed, and the pages it covered then. */
  readonly freedStructures = new Map<MSpan, { sweepgen: number; base: number; npages: number }>();

  /** Suite bookkeeping: live heap spans by id (those sweeping may free), stacks, buffers, GC-program bitmaps. */
  heapSpans: number[] = [];
  liveStacks: LiveStack[] = [];
  heldBuffers: { name: string; addr: number }[] = [];
  gcProgSpans: number[] = [];
  /** Spans freed lately (double-free misuse picks from them). */
  freed: { name: string; span: MSpan }[] = [];
  nextSpan = 1;
  nextStack = 1;
  nextBuffer = 1;

  constructor(readonly config: HeapConfig) {
    const g = config.geometry;
    this.h = new MHeap({ geometry: g, nprocs: config.nprocs, osLimitBytes: config.osLimitArenas * g.heapArenaBytes });
    this.pages = new PageStepRecorder(this.h.pages, g);
    this.spec = new AbstractSpanHeap(g.pagesPerArena);
    const initialHints: ArenaHint[] = [];
    for (let x = this.h.arenaHints; x !== null; x = x.next) initialHints.push(x);
    this.ghostState = { everHandedOut: new Map(), zeroedHWM: new Map(), initialHints };
  }

  get ghost(): HeapGhost {
    return this.ghostState;
  }

  get g(): Geometry {
    return this.h.g;
  }

  snapshot(): HeapSnapshot {
    const h = this.h;
    const p = h.pages;
    return {
      gcphase: h.gcphase,
      sweepgen: h.sweepgen,
      pages: { pageSize: this.g.pageSize, arenaBaseOffset: this.g.arenaBaseOffset, searchAddr: p.searchAddr.addr(), start: p.start, end: p.end, inUseRanges: p.inUse.ranges.length },
    };
  }

  /** The spec id of a model span structure, if it is live in the spec. */
  specId(s: MSpan): number | undefined {
    return this.idOf.get(s);
  }

  /** The variable name of a live span. */
  nameOf(id: number): string {
    return `s${id}`;
  }

  /**
   * Run one heap operation on P p (null: no P) and collect what it did:
   * span state transitions, page allocator calls, which sysAlloc path ran.
   * Page caches moving (refills on p, flushes) are applied to the abstract
   * span heap here, from the page steps, as the abstract page heap saw them.
   */
  measure<T>(op: string, p: number | null, f: () => T): { result: T; base: MeasuredStep } {
    const h = this.h;
    const arenasBefore = h.allArenas.length;
    const curEnd = h.curArena.end;
    const hintAddrs = new Map<ArenaHint, number>();
    for (let x = h.arenaHints; x !== null; x = x.next) hintAddrs.set(x, x.addr);
    h.ghostTransitions.length = 0;
    h.os.calls.length = 0;
    this.pages.take();
    const result = f();
    const transitions: Transition[] = h.ghostTransitions.map((t) => {
      const id = this.idOf.get(t.span);
      const kind = id === undefined ? undefined : this.spec.span(id)?.kind;
      const tr = { span: t.span, base: t.span.base(), npages: t.span.npages, from: t.from, to: t.to, gcphase: t.gcphase };
      return kind === undefined ? tr : { ...tr, kind };
    });
    h.ghostTransitions.length = 0;
    const pageSteps = this.pages.take();
    this.applyCacheSteps(pageSteps, p);
    const events: { -readonly [K in keyof ArenaEvents]: ArenaEvents[K] } = {};
    if (arenasBefore > 0 && h.allArenas.length > arenasBefore) events.newArena = h.allArenas[arenasBefore] === arenaIndex(this.g, curEnd) ? 'contiguous' : 'discontiguous';
    const anywhere = h.os.calls.findIndex((c) => c.op === 'sysReserve' && c.v === 0 && c.got !== 0);
    if (anywhere >= 0) {
      events.hintsExhausted = true;
      if (h.os.calls.slice(anywhere + 1).some((c) => c.op === 'sysFreeOS')) events.trimmed = true;
    }
    for (const [x, addr] of hintAddrs) if (x.down && x.addr < addr) events.grewDown = true;
    return { result, base: { op, transitions, pageSteps, ...events } };
  }

  /** Page cache refills on P p and flushes of any P's cache, into the abstract span heap. */
  private applyCacheSteps(steps: readonly PageAllocStep[], p: number | null): void {
    for (const s of steps) {
      if (s.op === 'allocToCache' && p !== null && s.want.basePage >= 0) {
        this.spec.cacheRefill(p, s.want.basePage, s.want.cache);
        this.cacheOfP.set(s.id, p);
      } else if (s.op === 'cacheFlush') {
        const owner = this.cacheOfP.get(s.id);
        if (owner !== undefined) this.spec.cacheFlush(owner);
        this.cacheOfP.delete(s.id);
      }
    }
  }

  /**
   * Record a span the model published on P p for a request of npages of
   * kind: how it compares with what the spec had, the ghost needzero data;
   * then make it a live abstract span. Returns the step's Allocated record.
   */
  allocated(s: MSpan, want: { npages: number; kind: SpanKind }, p: number | null, heapSweepgen: number): Allocated {
    const g = this.g;
    const id = this.nextSpan++;
    const basePage = pageIndex(g, s.base());
    let nobody = 0;
    let ownCache = 0;
    let other: { page: number; addr: number; owner: number } | undefined;
    const mine = p === null ? undefined : cacheOwner(p);
    for (let q = basePage; q < basePage + s.npages; q++) {
      const o = this.spec.ownerOf(q);
      if (o === NOBODY) nobody++;
      else if (o === mine) ownCache++;
      else other ??= { page: q, addr: q * g.pageSize + g.arenaBaseOffset, owner: o };
    }
    const cacheHadRun = p !== null && want.npages < 16 && this.spec.cacheHasRun(p, want.npages);
    const recycled = this.freedStructures.get(s);
    this.freedStructures.delete(s);
    // The ghost's needzero first: handOut raises the marks.
    const needzeroWant = this.needzeroWant(basePage, s.npages);
    const handedOutBefore = this.handOut(basePage, s.npages);
    const rec: Allocated = {
      id,
      want: { ...want, p },
      got: { base: s.base(), basePage, npages: s.npages, spanclass: s.spanclass, state: s.state.get() },
      ownersBefore: other === undefined ? { nobody, ownCache } : { nobody, ownCache, other },
      cacheHadRun,
      needzero: s.needzero,
      needzeroWant,
      handedOutBefore,
      recycledSweepgen: recycled?.sweepgen ?? null,
      sweepgen: s.sweepgen,
      heapSweepgen,
    };
    const span: AbstractSpan = { id, basePage, npages: want.npages, kind: want.kind, state: want.kind.heap ? 'mSpanInUse' : 'mSpanManual' };
    this.spec.addSpan(span, ownCache > 0 && p !== null ? p : undefined);
    this.handles.set(id, s);
    this.idOf.set(s, id);
    return rec;
  }

  /** Whether a recycled structure's old spans[] entries still name it outside its new pages. */
  staleEntryAfter(s: MSpan, old: { base: number; npages: number } | undefined): boolean {
    if (old === undefined) return false;
    for (let n = 0; n < old.npages; n++) {
      const a = old.base + n * this.g.pageSize;
      if (a >= s.base() && a < s.base() + s.npages * this.g.pageSize) continue;
      if (this.h.spanOf(a) === s) return true;
    }
    return false;
  }

  /**
   * The spans the callers' protocol says die in this step (spec ids): the
   * model's deaths compared with them, page-level frees compared with their
   * pages; then they leave the abstract span heap.
   */
  died(base: MeasuredStep, want: readonly number[]): Died {
    const got: number[] = [];
    const unknown: string[] = [];
    for (const t of base.transitions) {
      if (t.to !== 'mSpanDead' || t.from === 'mSpanDead') continue;
      const id = this.idOf.get(t.span);
      if (id === undefined) unknown.push(`the span at ${hex(t.base)} died, but the spec never saw it live`);
      else got.push(id);
    }
    // The pages the page allocator took back, as sets of global page indices.
    const freedPages = new Set<number>();
    for (const ps of base.pageSteps) if (ps.op === 'free') for (let q = 0; q < ps.npages; q++) freedPages.add(pageIndex(this.g, ps.base) + q);
    const wantPages = new Set<number>();
    for (const id of want) {
      const s = this.spec.span(id)!;
      for (let q = s.basePage; q < s.basePage + s.npages; q++) wantPages.add(q);
    }
    let mismatch: string | undefined = unknown[0];
    if (mismatch === undefined) {
      const lost = [...wantPages].find((q) => !freedPages.has(q));
      const extra = [...freedPages].find((q) => !wantPages.has(q));
      if (lost !== undefined) mismatch = `page ${pageHex(this.g, lost)} of a span that died was not given back to the page allocator`;
      else if (extra !== undefined) mismatch = `page ${pageHex(this.g, extra)} was given back to the page allocator, but no span that died held it`;
    }
    for (const id of want) {
      const s = this.handles.get(id)!;
      const rec = this.spec.removeSpan(id);
      this.handles.delete(id);
      this.limits.delete(id);
      this.idOf.delete(s);
      this.freedStructures.set(s, { sweepgen: s.sweepgen, base: rec.basePage * this.g.pageSize + this.g.arenaBaseOffset, npages: rec.npages });
      this.freed.push({ name: this.nameOf(id), span: s });
      if (this.freed.length > 8) this.freed.shift();
    }
    const d = { got, want: [...want], pagesFreed: freedPages.size, pagesWant: wantPages.size };
    return mismatch === undefined ? d : { ...d, mismatch };
  }

  /** Whether any page of [basePage, +npages) was handed out before; then record them as handed out and raise the zeroed marks. */
  private handOut(basePage: number, npages: number): boolean {
    const g = this.g;
    let before = false;
    for (let q = basePage; q < basePage + npages; q++) {
      const ai = Math.floor(q / g.pagesPerArena);
      let bits = this.ghostState.everHandedOut.get(ai);
      if (bits === undefined) this.ghostState.everHandedOut.set(ai, (bits = new Uint8Array(g.pagesPerArena)));
      const i = q - ai * g.pagesPerArena;
      if (bits[i] === 1) before = true;
      bits[i] = 1;
      const end = (i + 1) * g.pageSize;
      if (end > (this.ghostState.zeroedHWM.get(ai) ?? 0)) this.ghostState.zeroedHWM.set(ai, end);
    }
    return before;
  }

  /** 1 iff [basePage, +npages) starts below the zeroed mark of an arena it touches (in that arena). */
  private needzeroWant(basePage: number, npages: number): number {
    const g = this.g;
    let q = basePage;
    const end = basePage + npages;
    while (q < end) {
      const ai = Math.floor(q / g.pagesPerArena);
      const off = (q - ai * g.pagesPerArena) * g.pageSize;
      if (off < (this.ghostState.zeroedHWM.get(ai) ?? 0)) return 1;
      q = (ai + 1) * g.pagesPerArena;
    }
    return 0;
  }
}
