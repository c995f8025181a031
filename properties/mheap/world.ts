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
export type MeasuredStep = Pick<HeapStep, 'op' | 'transitions' | 'pageSteps' | 'sweepgenWrites' | 'heapSweepgenStep' | 'reclaimed'> & ArenaEvents & { readonly died: Died; readonly swept: NonNullable<HeapStep['swept']> };

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
  /** measure's scratch: the arena hints and their addresses before a call. */
  private readonly hintsBefore: (ArenaHint | null)[] = [];
  private readonly hintAddrsBefore: number[] = [];

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
    // In-use heap spans by sweepgen relation: sg-2, sg-1, sg, sg+1, sg+3.
    const relations = [0, 0, 0, 0, 0];
    for (const a of this.spec.spans()) {
      if (!a.kind.heap) continue;
      const d = (this.handles.get(a.id)!.sweepgen - h.sweepgen) | 0;
      const k = d === -2 ? 0 : d === -1 ? 1 : d === 0 ? 2 : d === 1 ? 3 : d === 3 ? 4 : -1;
      if (k >= 0) relations[k]!++;
    }
    return {
      gcphase: h.gcphase,
      sweepgen: h.sweepgen,
      relations,
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
  measure<T>(op: string, p: number | null, f: () => T, wantDeaths: readonly number[] = []): { result: T; base: MeasuredStep } {
    const h = this.h;
    const arenasBefore = h.allArenas.length;
    const curEnd = h.curArena.end;
    // Each hint and its address before the call (reused arrays: a step would otherwise build a map of every hint).
    const hints = this.hintsBefore;
    const hintAddrs = this.hintAddrsBefore;
    let nhints = 0;
    for (let x = h.arenaHints; x !== null; x = x.next, nhints++) {
      hints[nhints] = x;
      hintAddrs[nhints] = x.addr;
    }
    h.ghostTransitions.length = 0;
    h.ghostSwept.length = 0;
    h.ghostSweepgenWrites.length = 0;
    h.ghostReclaimSwept.length = 0;
    h.ghostSweeponeSwept.length = 0;
    const heapSweepgenBefore = h.sweepgen;
    h.os.calls.length = 0;
    this.pages.take();
    const result = f();
    // Every sweepgen write, relative to h.sweepgen at the time.
    const sweepgenWrites = h.ghostSweepgenWrites.map((x) => ({ span: x.span, from: (x.from - x.heapSweepgen) | 0, to: (x.to - x.heapSweepgen) | 0, published: x.dead }));
    h.ghostSweepgenWrites.length = 0;
    // Each span the model swept, judged by the spec: which objects die, and whether the span does.
    const bySweepone = new Set(h.ghostSweeponeSwept);
    const byReclaim = new Set(h.ghostReclaimSwept);
    const by = (sp: MSpan): 'sweepone' | 'reclaim' | 'other' => (bySweepone.has(sp) ? 'sweepone' : byReclaim.has(sp) ? 'reclaim' : 'other');
    const swept = h.ghostSwept.map(({ span: sp, preserve }) => {
      const id = this.idOf.get(sp);
      if (id === undefined) return { id: 0, npages: sp.npages, freed: [] as number[], dies: false, known: false, large: false, by: by(sp) };
      const rec = this.spec.span(id)!;
      return { id, npages: rec.npages, ...this.spec.sweep(id, preserve), known: true, large: rec.kind.heap && rec.kind.sizeclass === 0, by: by(sp) };
    });
    h.ghostSweeponeSwept.length = 0;
    h.ghostSwept.length = 0;
    const transitions: Transition[] = h.ghostTransitions.map((t) => {
      const id = this.idOf.get(t.span);
      const kind = id === undefined ? undefined : this.spec.span(id)?.kind;
      const tr = { span: t.span, base: t.span.base(), npages: t.span.npages, from: t.from, to: t.to, gcphase: t.gcphase };
      return kind === undefined ? tr : { ...tr, kind };
    });
    h.ghostTransitions.length = 0;
    const pageSteps = this.pages.take();
    const events: { -readonly [K in keyof ArenaEvents]: ArenaEvents[K] } = {};
    if (arenasBefore > 0 && h.allArenas.length > arenasBefore) events.newArena = h.allArenas[arenasBefore] === arenaIndex(this.g, curEnd) ? 'contiguous' : 'discontiguous';
    const anywhere = h.os.calls.findIndex((c) => c.op === 'sysReserve' && c.v === 0 && c.got !== 0);
    if (anywhere >= 0) {
      events.hintsExhausted = true;
      if (h.os.calls.slice(anywhere + 1).some((c) => c.op === 'sysFreeOS')) events.trimmed = true;
    }
    for (let k = 0; k < nhints; k++) if (hints[k]!.down && hints[k]!.addr < hintAddrs[k]!) events.grewDown = true;
    hints.fill(null, 0, nhints);
    const reclaimed = h.ghostReclaimSwept.length;
    h.ghostReclaimSwept.length = 0;
    const base: Omit<MeasuredStep, 'died'> & { died?: Died } = { op, transitions, pageSteps, swept, sweepgenWrites, reclaimed, heapSweepgenStep: ((h.sweepgen - heapSweepgenBefore) >>> 0) as number, ...events };
    // Spans die before page caches refill: a refill can only take pages already freed.
    base.died = this.died(base, [...wantDeaths, ...swept.filter((x) => x.dies).map((x) => x.id)]);
    this.applyCacheSteps(pageSteps, p);
    return { result, base: base as MeasuredStep };
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
  allocated(s: MSpan, want: { npages: number; kind: SpanKind }, p: number | null, heapSweepgen: number, sweepgenAtPublication = s.sweepgen): Allocated {
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
      sweepgen: sweepgenAtPublication,
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
  private died(base: Omit<MeasuredStep, 'died'>, want: readonly number[]): Died {
    const got: number[] = [];
    const unknown: string[] = base.swept.some((x) => !x.known) ? ['the model swept a span the spec never saw live'] : [];
    for (const t of base.transitions) {
      if (t.to !== 'mSpanDead' || t.from === 'mSpanDead') continue;
      const id = this.idOf.get(t.span);
      if (id === undefined) unknown.push(`the span at ${hex(t.base)} died, but the spec never saw it live`);
      else got.push(id);
    }
    // The pages the page allocator took back, and those of the spans that had to die, as page ranges.
    const freed: [number, number][] = [];
    for (const ps of base.pageSteps) if (ps.op === 'free') freed.push([pageIndex(this.g, ps.base), ps.npages]);
    const wanted: [number, number][] = want.map((id) => {
      const s = this.spec.span(id)!;
      return [s.basePage, s.npages];
    });
    let mismatch: string | undefined = unknown[0];
    if (mismatch === undefined) {
      const diff = firstDifference(freed, wanted);
      if (diff !== undefined) {
        mismatch = diff.inA
          ? `page ${pageHex(this.g, diff.page)} was given back to the page allocator, but no span that died held it`
          : `page ${pageHex(this.g, diff.page)} of a span that died was not given back to the page allocator`;
      }
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
      const hi = this.heapSpans.indexOf(id);
      if (hi >= 0) this.heapSpans.splice(hi, 1);
      const gi = this.gcProgSpans.indexOf(id);
      if (gi >= 0) this.gcProgSpans.splice(gi, 1);
    }
    const d = { got, want: [...want], pagesFreed: freed.reduce((n, r) => n + r[1], 0), pagesWant: wanted.reduce((n, r) => n + r[1], 0) };
    return mismatch === undefined ? d : { ...d, mismatch };
  }

  /** Whether any page of [basePage, +npages) was handed out before; then record them as handed out and raise the zeroed marks. */
  private handOut(basePage: number, npages: number): boolean {
    const g = this.g;
    const ppa = g.pagesPerArena;
    let before = false;
    for (let q = basePage; q < basePage + npages; ) {
      const ai = Math.floor(q / ppa);
      let bits = this.ghostState.everHandedOut.get(ai);
      if (bits === undefined) this.ghostState.everHandedOut.set(ai, (bits = new Uint8Array(ppa)));
      const from = q - ai * ppa;
      const to = Math.min(basePage + npages - ai * ppa, ppa);
      for (let i = from; i < to; i++) {
        if (bits[i] === 1) before = true;
        bits[i] = 1;
      }
      const end = to * g.pageSize;
      if (end > (this.ghostState.zeroedHWM.get(ai) ?? 0)) this.ghostState.zeroedHWM.set(ai, end);
      q = (ai + 1) * ppa;
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

/** Merge page ranges [first, +n) into sorted, disjoint, coalesced ones (overlaps count once). */
function normalize(rs: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...rs].filter((r) => r[1] > 0).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [p, n] of sorted) {
    const last = out.at(-1);
    if (last !== undefined && p <= last[0] + last[1]) last[1] = Math.max(last[1], p + n - last[0]);
    else out.push([p, n]);
  }
  return out;
}

/** The lowest page in exactly one of the two sets of page ranges, and whether it is in the first. */
function firstDifference(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): { page: number; inA: boolean } | undefined {
  const x = normalize(a);
  const y = normalize(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const r = x[i];
    const s = y[i];
    if (r !== undefined && s !== undefined && r[0] === s[0] && r[1] === s[1]) continue;
    if (r === undefined) return { page: s![0], inA: false };
    if (s === undefined) return { page: r[0], inA: true };
    if (r[0] !== s[0]) return r[0] < s[0] ? { page: r[0], inA: true } : { page: s[0], inA: false };
    // Same start, different ends: the shorter one stops first.
    return r[1] < s[1] ? { page: r[0] + r[1], inA: false } : { page: s[0] + s[1], inA: true };
  }
  return undefined;
}
