// A real program's page trace replayed on the model's span layer
// (model/mheap.ts through heap_adapter.ts), with the page allocator and the
// per-P page caches underneath, every catalog rule checked along the way.
//
// - The heap when tracing began is rebuilt from the snapshot of live spans:
//   the model allocates, in address order from the heap's first page, a
//   filler for each gap and each span, then frees the fillers. So the model
//   grows the heap from go1.21's arena hints, as the program did (its first
//   page must be minPageHeapAddr).
// - Each allocation event is one mheap.alloc or allocManual on the event's P
//   (none: the locked path). The model's own allocSpan picks the base; it is
//   predicted exactly when that is the base the program got.
// - A heap span's free is the sweeper sweeping it and finding it dead; a
//   manual span's is freeManual. The GC's mark phase moves the model's
//   gcphase (gcStart, gcMarkTermination). Heap spans die only in a sweep,
//   so the model must know at mark termination which spans the sweep that
//   follows frees: the trace says (its frees before the next mark phase).
//   The mark phase marks every other live heap span's object, so
//   gcStart's finishsweep_m keeps them as the program kept them.
// - The fillers of a rebuilt heap are manual spans (allocManual, then
//   freeManual): the replay's own device, which no sweep needs to free.
//   A heap rebuilt in the middle of a sweep then runs one GC cycle, so the
//   live spans the trace frees later in this sweep need sweeping again.
// - After a misprediction the model heap is rebuilt the same way from the
//   real live spans (its ghost state fresh), and for a page-cache
//   allocation the P's cache is refilled on the block the program's P
//   served it from; so one miss does not cascade, and the model's own cache
//   logic picks the next pages. The catalog's counts carry on.
//
// A misprediction is explained when its cause is known:
// preTraceCache: a page-cache allocation served from the block the P's page
//   cache held when tracing began. The trace records no page caches, so the
//   model starts with empty ones; until the real P refills (its first
//   one-page page-cache allocation outside that block: a one-page
//   allocation fails only on an empty cache), it may hand out pages the
//   model's own refill does not.

import { pageCachePages } from '../../model/geometry.js';
import { arenaHintAddrs } from '../../model/malloc.js';
import type { MSpan } from '../../model/mspan.js';
import { GoThrow, ModelError } from '../../model/throw.js';
import { defaultGeometry as g } from '../../model/geometry.js';
import type { PageEvent, PageTrace } from './format.js';
import type { SpanKind } from './heap_adapter.js';
import { CatalogTally, CheckedHeap, className, spanKind } from './heap_adapter.js';

export type Cause = 'preTraceCache' | 'unexplained';

export interface Misprediction {
  /** Index of the event among the trace's events. */
  readonly event: number;
  /** Index among the allocation events (1-based, as the report counts them). */
  readonly allocation: number;
  readonly npages: number;
  readonly kind: string;
  readonly p: number;
  readonly path: 'page cache' | 'locked';
  /** Page ids (from minPageHeapAddr) the program and the model chose; null: the model could not allocate. */
  readonly realPage: number;
  readonly modelPage: number | null;
  readonly cause: Cause;
  readonly explanation: string;
}

export interface ReplayResult {
  readonly name: string;
  readonly program: string;
  readonly goVersion: string;
  readonly events: number;
  readonly snapshotSpans: number;
  readonly allocations: number;
  readonly heapAllocations: number;
  readonly manualAllocations: number;
  /** Allocations on the page-cache path (a P, fewer than pageCachePages/4 pages). */
  readonly cacheAllocations: number;
  readonly frees: number;
  readonly gcCycles: number;
  readonly predicted: number;
  /** Page-cache allocations the program served from the block its P's cache held when tracing began (while it may still have). */
  readonly preTraceAllocations: number;
  readonly mispredictions: readonly Misprediction[];
  /** Model heaps built: one at the start, one after each misprediction. */
  readonly rebuilds: number;
  /** Highest page id any span reached, and the model heap's mapped pages at the end. */
  readonly highestPage: number;
  readonly modelHeapPages: number;
  readonly modelArenas: number;
  readonly tally: CatalogTally;
  /** Set when the replay could not go on (a model throw or refusal, a free of an unknown span). */
  readonly stopped: string | undefined;
}

export interface ReplayOptions {
  /** Check the state invariants every this many steps (default 1). */
  readonly stateEvery?: number;
  /** false: do not check the catalog at all (for timing the model alone; default true). */
  readonly check?: boolean;
}

interface Live {
  readonly page: number;
  readonly npages: number;
  readonly kind: SpanKind;
  span: MSpan;
}

const blockOf = (page: number): number => Math.floor(page / pageCachePages);

/** [from, to) cut at the given pages. */
function segments(from: number, to: number, cuts: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let a = from;
  for (const c of [...cuts].sort((x, y) => x - y)) {
    if (c > a && c < to) {
      out.push([a, c]);
      a = c;
    }
  }
  out.push([a, to]);
  return out;
}

export function replayPageTrace(t: PageTrace, opts: ReplayOptions = {}): ReplayResult {
  const h0 = t.header;
  if (h0.pageSize !== g.pageSize) throw new ReplayError(`the trace's pageSize is ${h0.pageSize}; the model's linux/amd64 heap has ${g.pageSize}-byte pages`);
  const minAddr = Number(BigInt(h0.minPageHeapAddr));
  const firstHint = arenaHintAddrs(g)[0]!;
  if (minAddr !== firstHint) {
    throw new ReplayError(
      `the trace's heap starts at ${h0.minPageHeapAddr}, not where go1.21's first arena hint puts it (0x${firstHint.toString(16)}): build the program with GOEXPERIMENT=norandomizedheapbase64 (version catalog: randomizedHeapBase)`,
    );
  }
  const pageOf = (a: number): number => (a - minAddr) / g.pageSize;
  const tally = new CatalogTally();
  const stateEvery = opts.stateEvery ?? 1;
  const live = new Map<number, Live>();
  let heap: CheckedHeap | undefined;
  let rebuilds = 0;

  /**
   * A model heap holding exactly the live spans, built by allocating
   * fillers and spans in address order and freeing the fillers. With
   * `cache`, P cache.p's page cache is then refilled with the free pages of
   * [cache.from, the end of its 64-page block), as the program's P was using
   * it: pageCache.alloc hands out a cache's lowest pages first, so the
   * program's cache held none below the page it just handed out. The
   * fillers there go first, so those are the lowest free pages (allocToCache
   * takes the block of the first free page), then allocToCache, then the
   * other fillers.
   */
  const build = (gcphase: 'mark' | 'off', dying: ReadonlySet<number>, cache?: { from: number; p: number }): CheckedHeap => {
    rebuilds++;
    const ch = new CheckedHeap(h0.gomaxprocs, tally, stateEvery, opts.check ?? true);
    const spans = [...live.values()].sort((a, b) => a.page - b.page);
    const fillers: { page: number; s: MSpan }[] = [];
    let next = 0;
    const place = (page: number, npages: number, kind: SpanKind, what: string): MSpan => {
      const s = ch.alloc(npages, kind, null, `rebuilding the heap: ${what} at page ${page}`);
      if (s === null || pageOf(s.base()) !== page) {
        throw new ReplayError(`cannot rebuild the heap from the live spans: ${what} of ${npages} pages wanted at page ${page}, the model gave ${s === null ? 'nothing' : `page ${pageOf(s.base())}`}`);
      }
      return s;
    };
    // Fillers are cut at the cache block's edges, so the block's can go on their own.
    const blockEnd = cache === undefined ? 0 : (blockOf(cache.from) + 1) * pageCachePages;
    const cuts = cache === undefined ? [] : [cache.from, blockEnd];
    const fill = (from: number, to: number): void => {
      for (const [a, b] of segments(from, to, cuts)) fillers.push({ page: a, s: place(a, b - a, { manual: true, spanclass: 0 }, 'a filler') });
    };
    for (const l of spans) {
      if (l.page < next) throw new ReplayError(`spans overlap at page ${l.page}`);
      if (l.page > next) fill(next, l.page);
      l.span = place(l.page, l.npages, l.kind, 'a live span');
      next = l.page + l.npages;
    }
    if (cache !== undefined && next < blockEnd) fill(next, blockEnd);
    const inBlock = (f: { page: number }): boolean => cache !== undefined && f.page >= cache.from && f.page < blockEnd;
    for (const f of fillers.filter(inBlock)) ch.free(f.s, null, 'rebuilding the heap: the filler in the page cache\'s block goes');
    if (cache !== undefined && fillers.some(inBlock)) ch.refillCache(ch.p(cache.p)!, `rebuilding the heap: P${cache.p}'s page cache takes the free pages of [${cache.from}, ${blockEnd})`);
    for (const f of fillers.filter((x) => !inBlock(x))) ch.free(f.s, null, 'rebuilding the heap: the filler goes');
    if (gcphase === 'mark') ch.gc('_GCmark', 'the trace starts inside a mark phase');
    else {
      const sweepLater = new Set(spans.filter((l) => !l.kind.manual && dying.has(l.page)).map((l) => l.span));
      if (sweepLater.size > 0) {
        ch.gc('_GCmark', 'rebuilding the heap in the middle of a sweep: a GC cycle, so the spans the trace frees in it need sweeping');
        ch.gc('_GCoff', `rebuilding the heap: the cycle ends, ${sweepLater.size} spans left unmarked`, sweepLater);
      }
    }
    return ch;
  };

  let snapshotSpans = 0;
  let allocations = 0;
  let heapAllocations = 0;
  let cacheAllocations = 0;
  let frees = 0;
  let gcCycles = 0;
  let predicted = 0;
  let preTraceAllocations = 0;
  let highestPage = 0;
  let phase: 'mark' | 'off' = 'off';
  const mispredictions: Misprediction[] = [];
  /** The block of the trace's first page-cache allocation, while the real P may still be serving from its pre-trace cache. */
  let preTraceBlock: number | null | undefined;
  let stopped: string | undefined;

  const events = t.events;
  /** The spans the trace frees from event `from` until the next mark phase begins (by page): the sweep's deaths. */
  const freedThisSweep = (from: number): Set<number> => {
    const ids = new Set<number>();
    for (let j = from; j < events.length; j++) {
      const x = events[j]!;
      if (x.t === 'gc' && x.phase === 'mark') break;
      if (x.t === 'free') ids.add(x.id);
    }
    return ids;
  };
  const dyingSpans = (ids: ReadonlySet<number>): Set<MSpan> => new Set([...ids].map((id) => live.get(id)).filter((l) => l !== undefined && !l.kind.manual).map((l) => l!.span));
  for (let i = 0; i < events.length && stopped === undefined; i++) {
    const e: PageEvent = events[i]!;
    if (e.t === 'span') {
      snapshotSpans++;
      live.set(e.id, { page: e.id, npages: e.npages, kind: spanKind(e.kc), span: undefined as unknown as MSpan });
      highestPage = Math.max(highestPage, e.id + e.npages);
      continue;
    }
    heap ??= build(phase, phase === 'off' ? freedThisSweep(i) : new Set());
    const where = `event ${i + 1}`;
    try {
      if (e.t === 'gc') {
        phase = e.phase;
        if (e.phase === 'mark') heap.gc('_GCmark', `${where}: the mark phase begins`);
        else heap.gc('_GCoff', `${where}: the mark phase ends`, dyingSpans(freedThisSweep(i + 1)));
        if (e.phase === 'off') gcCycles++;
        continue;
      }
      if (e.t === 'free') {
        const l = live.get(e.id);
        if (l === undefined) {
          stopped = `${where}: a free of the span at page ${e.id}, which no earlier event allocated`;
          break;
        }
        frees++;
        const pp = heap.p(e.p);
        heap.free(l.span, pp, `${where}: the span at page ${e.id}`);
        live.delete(e.id);
        continue;
      }
      // An allocation.
      allocations++;
      const kind = spanKind(e.kc);
      if (!kind.manual) heapAllocations++;
      const pp = heap.p(e.p);
      const cachePath = pp !== null && e.npages < pageCachePages / 4;
      if (cachePath) cacheAllocations++;
      highestPage = Math.max(highestPage, e.id + e.npages);
      if (cachePath) {
        if (preTraceBlock === undefined) preTraceBlock = blockOf(e.id);
        // One page outside the block: the cache it held had no page left, so the real P refilled (a larger
        // allocation outside it may only mean no run of that size was left, and allocSpan took the locked path).
        else if (preTraceBlock !== null && blockOf(e.id) !== preTraceBlock && e.npages === 1) preTraceBlock = null;
        if (preTraceBlock !== null && blockOf(e.id) === preTraceBlock) preTraceAllocations++;
      }
      const s = heap.alloc(e.npages, kind, pp, `${where}: ${e.npages} pages, ${className(kind)}, P${e.p}`);
      const modelPage = s === null ? null : pageOf(s.base());
      if (modelPage === e.id) {
        predicted++;
        live.set(e.id, { page: e.id, npages: e.npages, kind, span: s! });
        continue;
      }
      const fromPreTrace = cachePath && preTraceBlock !== null && preTraceBlock !== undefined && blockOf(e.id) === preTraceBlock && blockOf(e.id + e.npages - 1) === preTraceBlock;
      mispredictions.push({
        event: i + 1,
        allocation: allocations,
        npages: e.npages,
        kind: className(kind),
        p: e.p,
        path: cachePath ? 'page cache' : 'locked',
        realPage: e.id,
        modelPage,
        cause: fromPreTrace ? 'preTraceCache' : 'unexplained',
        explanation: fromPreTrace
          ? `P${e.p}'s page cache held block [${preTraceBlock! * pageCachePages}, ${(preTraceBlock! + 1) * pageCachePages}) when tracing began (the trace records no page caches; the model's caches start empty and its own refill took ${modelPage === null ? 'nothing' : `block [${blockOf(modelPage) * pageCachePages}, +${pageCachePages})`})`
          : modelPage === null
            ? 'the model could not allocate'
            : `no known cause: the model's ${cachePath ? 'page cache' : 'page allocator'} chose page ${modelPage}`,
      });
      live.set(e.id, { page: e.id, npages: e.npages, kind, span: undefined as unknown as MSpan });
      // Resynchronized: the live spans, and for a page-cache miss the P's cache on the block the program's P was using.
      heap = build(phase, phase === 'off' ? freedThisSweep(i + 1) : new Set(), cachePath ? { from: e.id + e.npages, p: e.p } : undefined);
    } catch (err) {
      if (err instanceof GoThrow || err instanceof ModelError) {
        stopped = `${where}: the model ${err instanceof GoThrow ? `threw "${err.goMessage}"` : `refused: ${err.message}`}`;
        break;
      }
      // A ReplayError (the heap cannot be rebuilt), or the spec's own shadow refusing what a broken model did.
      stopped = `${where}: ${err instanceof ReplayError ? '' : 'the replay failed: '}${(err as Error).message}`;
      break;
    }
  }
  heap ??= build(phase, new Set());
  heap.checkState('at the end of the trace');
  const h = heap.h;
  return {
    name: h0.name,
    program: h0.program,
    goVersion: h0.goVersion,
    events: events.length,
    snapshotSpans,
    allocations,
    heapAllocations,
    manualAllocations: allocations - heapAllocations,
    cacheAllocations,
    frees,
    gcCycles,
    predicted,
    preTraceAllocations,
    mispredictions,
    rebuilds,
    highestPage,
    modelHeapPages: h.pages.inUse.totalBytes / g.pageSize,
    modelArenas: h.allArenas.length,
    tally,
    stopped,
  };
}

/** The replay cannot go on: the trace contradicts itself or the model's heap. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** Every misprediction has a known cause, nothing stopped the replay, and no catalog entry failed. */
export function replayOk(r: ReplayResult): boolean {
  return r.stopped === undefined && r.tally.violations.length === 0 && r.mispredictions.every((m) => m.cause !== 'unexplained');
}
