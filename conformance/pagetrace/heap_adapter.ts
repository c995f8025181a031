// The one place the page-trace replay meets the span layer's catalog: a
// model heap inside the mheap suite's world (properties/mheap/world.ts
// HeapSystem: the abstract span heap, the page allocator's PageStepRecorder
// and ghost history) and spec/mheap/catalog.ts, checked the way the suites'
// runner (properties/harness/runner.ts) checks it: every action property
// after every step, the state invariants after every step too (or every
// `stateEvery` steps; always after the last). Steps are the Go entry points
// a real program's span events stand for, driven as the mheap suite's
// commands drive them (properties/mheap/commands.ts):
//
// - a heap span's allocation: allocSpan as mheap.alloc calls it after its
//   page reclaimer (see allocHeap), on the event's P; the span gets one
//   object, as mallocgc puts in it, and goes where mcentral.grow and
//   mcache.allocLarge leave it for the sweeper;
// - a manual span's allocation: allocManual on the event's P;
// - a heap span's free: the sweeper sweeping it and finding it dead
//   (tryAcquire, then sweep, which frees it with h.freeSpan at the sweep's
//   sweepgen); the spec's own sweep says it dies;
// - a manual span's free: freeManual, the death declared to measure;
// - the GC: gcStart, and gcMarkTermination on P0 after the mark phase has
//   marked the object of every heap span that survives the sweep to come.

import { defaultGeometry, hex } from '../../model/geometry.js';
import { gcMarkTermination, gcStart } from '../../model/mgc.js';
import { markObject } from '../../model/mgcmark.js';
import { sweep } from '../../model/mgcsweep.js';
import type { GCPhase, MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import type { P } from '../../model/proc.js';
import type { SpanAllocType } from '../../model/spanclass.js';
import { noscan, numSpanClasses, sizeclass, spanAllocHeap, spanAllocStack } from '../../model/spanclass.js';
import { refuse } from '../../model/throw.js';
import { HeapSystem } from '../../properties/mheap/world.js';
import { CheckScope } from '../../spec/catalog.js';
import type { HeapCatalog } from '../../spec/mheap/catalog.js';
import { heapCatalog } from '../../spec/mheap/catalog.js';
import type { ManualType, SpanKind as SpecSpanKind } from '../../spec/mheap/spanHeap.js';
import type { HeapStep } from '../../spec/mheap/world.js';

/** A catalog entry that failed along the trace. */
export interface Violation {
  readonly id: string;
  readonly kind: 'state' | 'action';
  readonly why: string;
  /** What the step was. */
  readonly step: string;
}

/** Per catalog entry: times checked; and the violations, the witnesses reached. */
export class CatalogTally {
  readonly checked = new Map<string, number>();
  readonly violations: Violation[] = [];
  readonly witnesses = new Map<string, number>();
  steps = 0;

  add(m: Map<string, number>, id: string): void {
    m.set(id, (m.get(id) ?? 0) + 1);
  }
}

/** The OS the replay's model heap runs on: 256 GiB of arenas, far more than the programs map. */
const OS_LIMIT_ARENAS = 4096;

/** The kind of span a page trace's kindclass names: heap (with its spanclass) or manual. */
export interface SpanKind {
  readonly manual: boolean;
  /** spanclass for heap spans. */
  readonly spanclass: number;
}

/** runtime/traceallocfree.go · traceSpanTypeAndClass, read back: spanclass<<1 for mSpanInUse, 1 for anything else. */
export function spanKind(kindclass: number): SpanKind {
  return kindclass & 1 ? { manual: true, spanclass: 0 } : { manual: false, spanclass: kindclass >> 1 };
}

/**
 * The trace does not say which manual span is a stack and which a work
 * buffer: the model allocates every manual span as spanAllocStack (only
 * its statistics tell the two apart).
 */
const MANUAL_TYPE: SpanAllocType & ManualType = spanAllocStack;

/** The abstract span heap's kind for a trace's kind. */
function specKind(kind: SpanKind): SpecSpanKind {
  return kind.manual ? { heap: false, typ: MANUAL_TYPE } : { heap: true, sizeclass: sizeclass(kind.spanclass), noscan: noscan(kind.spanclass) };
}

export class CheckedHeap {
  readonly w: HeapSystem;
  private readonly catalog: HeapCatalog = heapCatalog();
  private sinceState = 0;

  constructor(
    nprocs: number,
    readonly tally: CatalogTally,
    /** Check the state invariants every this many steps (1: every step). */
    private readonly stateEvery = 1,
    /** false: run the steps without checking the catalog (the world's recorders still run underneath), for timing. */
    private readonly checks = true,
  ) {
    this.w = new HeapSystem({ geometry: defaultGeometry, nprocs, osLimitArenas: OS_LIMIT_ARENAS });
  }

  get h(): MHeap {
    return this.w.h;
  }

  /** The P with this id, or null for -1 (an allocation without a P takes the locked path). */
  p(id: number): P | null {
    return id < 0 ? null : this.w.h.p(id);
  }

  /** Runs one step and checks the catalog; a Go throw or a model error propagates. */
  private step<T>(op: string, describe: string, f: () => { result: T; step: HeapStep }): T {
    if (!this.checks) {
      this.tally.steps++;
      return f().result;
    }
    const before = this.w.snapshot();
    const { result, step } = f();
    const after = this.w.snapshot();
    const t = this.tally;
    t.steps++;
    for (const a of this.catalog.action) {
      t.add(t.checked, a.id);
      let ok: boolean;
      try {
        ok = a.holds(before, after, step);
      } catch {
        ok = false;
      }
      if (!ok) t.violations.push({ id: a.id, kind: 'action', why: safeWhy(() => a.why?.(before, after, step) ?? ''), step: `${op}: ${describe}` });
    }
    for (const x of this.catalog.witness) {
      try {
        if (x.reached(before, after, step)) t.add(t.witnesses, x.id);
      } catch {
        // a witness that throws is not reached
      }
    }
    if (++this.sinceState >= this.stateEvery) this.checkState(`after ${op}: ${describe}`);
    return result;
  }

  /** Checks every state invariant now. */
  checkState(where: string): void {
    this.sinceState = 0;
    if (!this.checks) return;
    const scope = new CheckScope();
    const t = this.tally;
    for (const inv of this.catalog.state) {
      t.add(t.checked, inv.id);
      let ok: boolean;
      try {
        ok = inv.holds(this.w, scope);
      } catch {
        ok = false;
      }
      if (!ok) t.violations.push({ id: inv.id, kind: 'state', why: safeWhy(() => inv.why?.(this.w) ?? ''), step: where });
    }
  }

  /** A heap span (mheap.alloc) or a manual one (allocManual), as the event's P calls it; the span, or null if the model could not grow. */
  alloc(npages: number, kind: SpanKind, pp: P | null, describe: string): MSpan | null {
    return kind.manual ? this.allocManual(npages, pp, describe) : this.allocHeap(npages, kind.spanclass, pp, describe);
  }

  /**
   * mheap.alloc(npages, spanclass) on pp, as mcentral.grow (small size
   * classes) and mcache.allocLarge (size class 0) call it. The replay calls
   * what mheap.alloc calls once its page reclaimer is done, allocSpan: the
   * reclaimer's sweeps already are in the trace. Go traces a span's free in
   * freeSpan, so the spans reclaim freed before this allocation are the
   * trace's free events before it, replayed as sweeps; reclaiming again
   * would free spans the program freed only later.
   */
  private allocHeap(npages: number, spanclass: number, pp: P | null, describe: string): MSpan | null {
    const w = this.w;
    const h = w.h;
    return this.step('alloc', describe, () => {
      const p = pp?.id ?? null;
      const kind = specKind({ manual: false, spanclass }) as Extract<SpecSpanKind, { heap: true }>;
      const sweepgen = h.sweepgen;
      // mheap.alloc's own refusal, before anything changes.
      if (spanclass >= numSpanClasses) refuse('mheap.alloc', `spanclass ${spanclass} is not in [0, ${numSpanClasses})`);
      const { result: s, base } = w.measure('alloc', p, () => h.allocSpan(npages, spanAllocHeap, spanclass, pp));
      if (s === null) return { result: null, step: { ...base, outOfMemory: true } };
      const old = w.freedStructures.get(s);
      const allocated = w.allocated(s, { npages, kind }, p, sweepgen);
      // The callers set limit: mcentral.grow after its last whole object, mcache.allocLarge at the
      // object's end (the trace does not say where that is: the span's end).
      const limitBytes = s.elemsize * s.nelems;
      s.limit = s.base() + limitBytes;
      w.limits.set(allocated.id, limitBytes);
      w.heapSpans.push(allocated.id);
      // mallocgc's first object in it, slot 0 (what the GC marks while the span is to live on).
      s.freeindex = 1;
      s.allocCount = 1;
      s.freeIndexForScan = 1;
      w.spec.addObject(allocated.id, 0);
      // Where Go's callers leave it for the sweeper, as the mheap suite does: a large span on its
      // mcentral's full swept set (mcache.allocLarge), a small one on the partial swept set.
      const c = h.central[s.spanclass]!;
      (kind.sizeclass === 0 ? c.fullSwept(h.sweepgen) : c.partialSwept(h.sweepgen)).push(s);
      return { result: s, step: { ...base, allocated, staleSpansEntry: w.staleEntryAfter(s, old) } };
    });
  }

  /** allocManual(npages, spanAllocStack) on pp. */
  private allocManual(npages: number, pp: P | null, describe: string): MSpan | null {
    const w = this.w;
    return this.step('allocManual', describe, () => {
      const p = pp?.id ?? null;
      const sweepgen = w.h.sweepgen;
      const { result: s, base } = w.measure('allocManual', p, () => w.h.allocManual(npages, MANUAL_TYPE, pp));
      if (s === null) return { result: null, step: { ...base, outOfMemory: true } };
      const old = w.freedStructures.get(s);
      const allocated = w.allocated(s, { npages, kind: specKind({ manual: true, spanclass: 0 }) }, p, sweepgen);
      return { result: s, step: { ...base, allocated, staleSpansEntry: w.staleEntryAfter(s, old) } };
    });
  }

  /**
   * The span s leaves: a heap span is swept and found dead (its object was
   * not marked: see gc), a manual span goes back with freeManual. pp is the
   * event's P.
   */
  free(s: MSpan, pp: P | null, describe: string): void {
    const w = this.w;
    const id = w.specId(s);
    if (id === undefined) throw new Error('free: the span is not live in the spec');
    const p = pp?.id ?? null;
    if (w.spec.span(id)!.kind.heap) {
      const h = w.h;
      // Only a span that needs sweeping can be swept to death: one live since before the last mark termination.
      if (h.sweep.active.isDone() || s.state.get() !== 'mSpanInUse' || s.sweepgen !== ((h.sweepgen - 2) >>> 0)) {
        throw new Error(`the trace frees a heap span that does not need sweeping (sweepgen ${s.sweepgen}, h.sweepgen ${h.sweepgen}): a heap span dies only in the sweep after a GC cycle it was live through`);
      }
      this.step('sweep', describe, () => {
        // A sweeper, as sweepone does with the span nextSpanForSweep gave it: register, acquire the span
        // (sg-2 -> sg-1), sweep it (sweep ends at sg and frees a span whose objects all died).
        const { result: freed, base } = w.measure('sweep', p, () => {
          const sl = h.sweep.active.begin(h);
          const took = sl.valid && sl.tryAcquire(s);
          const f = took && sweep(h, s, false, pp);
          if (sl.valid) h.sweep.active.end(h, sl);
          return f;
        });
        if (!freed) throw new Error(`the trace frees the span at ${hex(s.base())}, but the sweeper kept it`);
        return { result: undefined, step: base };
      });
      return;
    }
    this.step('freeManual', describe, () => {
      const { base } = w.measure('freeManual', p, () => w.h.freeManual(s, MANUAL_TYPE, pp), [id]);
      return { result: undefined, step: base };
    });
  }

  /** pp's page cache, empty, refilled as allocSpan refills it: pages.allocToCache() under the heap lock. */
  refillCache(pp: P, describe: string): void {
    if (!pp.pcache.empty()) throw new Error('refillCache: the page cache is not empty');
    this.step('allocToCache', describe, () => {
      const { base } = this.w.measure('allocToCache', pp.id, () => {
        pp.pcache = this.w.h.pages.allocToCache();
      });
      return { result: undefined, step: base };
    });
  }

  /**
   * The GC's mark phase begins (gcStart: finishsweep_m sweeps what is
   * left, which keeps every span whose object was marked) or ends. Before
   * gcMarkTermination, the mark phase marks the object of every live heap
   * span except those in dying: the spans the trace frees in the sweep
   * that follows. gcMarkTermination runs on P0 (the trace's GC events name
   * no P); the stacks and work buffers the spec's callers keep die with it
   * (none: the replay allocates manual spans directly).
   */
  gc(phase: GCPhase, describe: string, dying: ReadonlySet<MSpan> = new Set()): void {
    const w = this.w;
    const h = w.h;
    if (phase === h.gcphase) return;
    if (phase === '_GCmark') {
      this.step('gcStart', describe, () => {
        const { base } = w.measure('gcStart', null, () => gcStart(h));
        return { result: undefined, step: base };
      });
      return;
    }
    this.step('gcMarkTermination', describe, () => {
      // gcMark: the mark phase's work, as its workers would have done it.
      for (const id of w.heapSpans) {
        const s = w.handles.get(id)!;
        if (dying.has(s) || w.spec.marks(id).has(0)) continue;
        markObject(h, s.base());
        w.spec.mark(id, 0);
      }
      const pp = h.p(0);
      const dies = w.stacks.freeStackSpans();
      w.workbufs.prepareFreeWorkbufs();
      const { base } = w.measure('gcMarkTermination', pp.id, () => gcMarkTermination(h, pp), dies);
      return { result: undefined, step: base };
    });
  }
}

function safeWhy(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `(why threw: ${String(e)})`;
  }
}

/** A heap span class as the mheap suite names it (for messages). */
export function className(kind: SpanKind): string {
  if (kind.manual) return 'manual';
  return `spanClass(${kind.spanclass >> 1}, ${(kind.spanclass & 1) === 1 ? 'noscan' : 'scan'})`;
}
