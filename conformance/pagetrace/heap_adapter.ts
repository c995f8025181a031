// The one place the page-trace replay meets the span layer's catalog: a
// model heap inside the mheap suite's world (properties/mheap/world.ts
// HeapSystem, with the page allocator's PageStepRecorder underneath) and
// spec/mheap/catalog.ts, checked the way the suites' runner checks it:
// every action property after every step, the state invariants after every
// step too (or every `stateEvery` steps; always after the last). Steps are
// the Go entry points a real program's span events stand for: allocSpan
// (through mheap.alloc and allocManual), sweeping a span, freeSpan,
// freeManual, and the GC phase moving.

import { defaultGeometry } from '../../model/geometry.js';
import { gcMarkTermination, gcStart } from '../../model/mgc.js';
import { release, tryAcquire } from '../../model/mgcsweep.js';
import type { GCPhase, MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import type { P } from '../../model/proc.js';
import type { SpanAllocType } from '../../model/spanclass.js';
import { spanAllocHeap, spanAllocStack } from '../../model/spanclass.js';
import { HeapSystem } from '../../properties/mheap/world.js';
import type { HeapCatalog } from '../../spec/mheap/catalog.js';
import { heapCatalog } from '../../spec/mheap/catalog.js';
import { CheckScope } from '../../spec/catalog.js';
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
const MANUAL_TYPE: SpanAllocType = spanAllocStack;

export class CheckedHeap {
  readonly w: HeapSystem;
  private readonly catalog: HeapCatalog = heapCatalog();
  private sinceState = 0;

  constructor(
    nprocs: number,
    readonly tally: CatalogTally,
    /** Check the state invariants every this many steps (1: every step). */
    private readonly stateEvery = 1,
    /** false: run the steps without checking the catalog (the spec's recorder still runs underneath), for timing. */
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

  /** Runs one step and checks the catalog; a Go throw or a model error propagates after the step is recorded as failed. */
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

  /** mheap.alloc (heap spans) or allocManual, as the event's P calls it; the span, or null if the model could not grow. */
  alloc(npages: number, kind: SpanKind, pp: P | null, describe: string): MSpan | null {
    const w = this.w;
    const typ = kind.manual ? MANUAL_TYPE : spanAllocHeap;
    return this.step(kind.manual ? 'allocManual' : 'alloc', describe, () => {
      const zeroedBase = w.snapshot().zeroedBase;
      const heapSweepgen = w.h.sweepgen;
      const call = (): MSpan | null => (kind.manual ? w.h.allocManual(npages, typ, pp) : w.h.alloc(npages, kind.spanclass, pp));
      const { result: s, base } = w.measure(kind.manual ? 'allocManual' : 'alloc', call);
      if (s === null) return { result: null, step: { ...base, outOfMemory: true } };
      const recycledSweepgen = w.freedSweepgen.get(s) ?? null;
      w.freedSweepgen.delete(s);
      const allocated = {
        span: s.id,
        typ,
        base: s.base(),
        npages,
        needzero: s.needzero,
        handedOutBefore: w.handOut(s.base(), npages),
        aboveZeroedBase: w.aboveZeroedBase(zeroedBase, s.base(), npages),
        recycledSweepgen,
        sweepgen: s.sweepgen,
        heapSweepgen,
      };
      // The callers set limit: mcentral.grow after its last whole object, mcache.allocLarge at the object's end (the trace does not say where; the span's end).
      if (!kind.manual) s.limit = s.base() + s.elemsize * s.nelems;
      w.live.push({ name: `s${w.nextSpan++}`, span: s, typ });
      return { result: s, step: { ...base, allocated } };
    });
  }

  /** Sweeping a heap span that needs it (sweepLocker.tryAcquire, then the release at h.sweepgen), as before Go's sweep frees it. */
  sweep(s: MSpan, describe: string): void {
    if (s.state.get() !== 'mSpanInUse' || s.sweepgen === this.w.h.sweepgen) return;
    this.step('sweep', describe, () => {
      const { base } = this.w.measure('sweep', () => {
        if (tryAcquire(this.w.h, s)) release(this.w.h, s);
      });
      return { result: undefined, step: base };
    });
  }

  /** freeSpan (a heap span sweeping found empty) or freeManual; the span leaves the live set. */
  free(s: MSpan, pp: P | null, describe: string): void {
    const w = this.w;
    const k = w.live.findIndex((l) => l.span === s);
    const l = w.live[k]!;
    this.step(l.typ === spanAllocHeap ? 'free' : 'freeManual', describe, () => {
      const { base } = w.measure('free', () => (l.typ === spanAllocHeap ? w.h.freeSpan(s, pp) : w.h.freeManual(s, l.typ, pp)));
      w.live.splice(k, 1);
      w.freed.push({ name: l.name, span: s });
      if (w.freed.length > 8) w.freed.shift();
      w.freedSweepgen.set(s, s.sweepgen);
      return { result: undefined, step: base };
    });
  }

  /** pp's page cache, empty, refilled as allocSpan refills it: pages.allocToCache() under the heap lock. */
  refillCache(pp: P, describe: string): void {
    if (!pp.pcache.empty()) throw new Error('refillCache: the page cache is not empty');
    this.step('allocToCache', describe, () => {
      const { base } = this.w.measure('allocToCache', () => {
        pp.pcache = this.w.h.pages.allocToCache();
      });
      return { result: undefined, step: base };
    });
  }

  /** The GC's mark phase begins (gcStart) or ends (gcMarkTermination, a new sweep generation). */
  gc(phase: GCPhase, describe: string): void {
    if (phase === this.w.h.gcphase) return;
    this.step(phase === '_GCmark' ? 'gcStart' : 'gcMarkTermination', describe, () => {
      const { base } = this.w.measure('gc', () => (phase === '_GCmark' ? gcStart(this.w.h) : gcMarkTermination(this.w.h)));
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
  const noscan = (kind.spanclass & 1) === 1;
  return `spanClass(${kind.spanclass >> 1}, ${noscan ? 'noscan' : 'scan'})`;
}

