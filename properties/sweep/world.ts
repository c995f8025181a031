// The sweep suite's world: the heap suite's (spans, pages, their abstract
// heaps and the callers' protocol), plus the objects the program allocated
// as the spec keeps them, the ghost object graph that stands for the
// mutator, mallocs between their start and finish, and sweepers in flight.

import { pageIndex } from '../../model/chunks.js';
import type { Malloc } from '../../model/mallocgc.js';
import type { SweeponeG } from '../../model/mgcsweep.js';
import type { MSpan } from '../../model/mspan.js';
import { class_to_allocnpages } from '../../model/sizeclasses.js';
import { sizeclass as sizeclassOf, noscan as noscanOf } from '../../model/spanclass.js';
import type { SpanKind } from '../../spec/mheap/spanHeap.js';
import { AbstractReclaimer } from '../../spec/sweep/reclaim.js';
import type { GhostObject, Holder, SweepStep, SweepWorld } from '../../spec/sweep/world.js';
import type { Steps, Yield } from '../../model/steps.js';
import type { HeapConfig, MeasuredStep } from '../mheap/world.js';
import { HeapSystem } from '../mheap/world.js';

/**
 * A mallocgc call on one P: in progress (its steps, and where it stopped),
 * or reserved (its object, not yet published).
 */
export interface PendingMalloc {
  readonly size: number;
  readonly noscan: boolean;
  /** The span class and, for a large object, the pages it asked for. */
  readonly spc: number;
  readonly npages: number | undefined;
  /** h.sweepgen when it began. */
  readonly sweepgen: number;
  /** In progress: the rest of its steps, and where it stopped. */
  steps?: Steps<Malloc> | undefined;
  at?: Yield | undefined;
  /** Reserved: the object's name and the reservation. */
  name?: string;
  m?: Malloc;
}

export class SweepSystem extends HeapSystem implements SweepWorld {
  readonly objects = new Map<string, GhostObject>();
  readonly roots = new Set<string>();
  readonly edges = new Map<string, Set<string>>();
  readonly sweepers: SweeponeG[] = [];
  /** Names for the sweepers in flight (the same order). */
  readonly sweeperNames: string[] = [];
  readonly pending = new Map<number, PendingMalloc>();
  nextObject = 1;
  nextSweeper = 1;
  /**
   * Ghost: the spans that were live when this sweep generation began
   * (mark termination) and have not been swept since, by the spec's
   * judgement records. Spans born later are swept (fresh); before the
   * first cycle there is nothing to sweep.
   */
  readonly needSweep = new Set<number>();
  /** Ghost: the page reclaimer's ledger. */
  readonly reclaimer = new AbstractReclaimer();

  constructor(config: HeapConfig) {
    super(config);
  }

  *pendingMallocs(): Iterable<[number, Malloc]> {
    for (const [p, pm] of this.pending) if (pm.m !== undefined) yield [p, pm.m];
  }

  *holders(): Iterable<Holder> {
    for (let k = 0; k < this.sweepers.length; k++) {
      const g = this.sweepers[k]!;
      yield { who: `sweeper ${this.sweeperNames[k]}`, span: g.span, holds: g.holds };
    }
    for (const [p, pm] of this.pending) if (pm.at !== undefined) yield { who: `P${p}'s mallocgc (${pm.at.at})`, span: pm.at.span, holds: pm.at.holds };
  }

  reachable(): Set<string> {
    const seen = new Set<string>();
    const stack = [...this.roots];
    while (stack.length > 0) {
      const o = stack.pop()!;
      if (seen.has(o) || !this.objects.has(o)) continue;
      seen.add(o);
      for (const x of this.edges.get(o) ?? []) stack.push(x);
    }
    return seen;
  }

  /** The live objects in a span's slot. */
  objectsAt(span: number, slot: number): GhostObject[] {
    return [...this.objects.values()].filter((o) => o.span === span && o.slot === slot);
  }

  /**
   * After a measured step: register the spans mallocgc published (their
   * request is the size class's pages, or the large object's), and drop the
   * objects the spec's sweeps freed (never one the mutator reaches: the
   * suite marks everything reachable before mark termination).
   */
  settle(base: MeasuredStep, want?: { spc: number; npages: number }, p: number | null = null, sweepgen = this.h.sweepgen): number[] {
    const born: number[] = [];
    for (const t of base.transitions) {
      if (t.from !== 'mSpanDead' || t.to !== 'mSpanInUse' || this.specId(t.span) !== undefined) continue;
      const s = t.span;
      const sc = sizeclassOf(s.spanclass);
      const kind: SpanKind = { heap: true, sizeclass: want?.spc !== undefined ? sizeclassOf(want.spc) : sc, noscan: want?.spc !== undefined ? noscanOf(want.spc) : noscanOf(s.spanclass) };
      const npages = want?.npages ?? class_to_allocnpages[sc]!;
      // Its sweepgen as published (a refill caches it at sg+3 within the same step).
      const pub = base.sweepgenWrites.find((x) => x.span === s && x.published);
      const a = this.allocated(s, { npages, kind }, p, sweepgen, pub === undefined ? s.sweepgen : (sweepgen + pub.to) >>> 0);
      this.limits.set(a.id, s.limit - s.base());
      this.heapSpans.push(a.id);
      born.push(a.id);
      this.lastAllocated = a;
    }
    if (base.heapSweepgenStep !== 0) {
      this.reclaimer.newGeneration();
      this.needSweep.clear();
      for (const id of this.heapSpans) if (!born.includes(id)) this.needSweep.add(id);
    }
    for (const x of base.swept) {
      if (x.known) this.needSweep.delete(x.id);
      if (x.by === 'sweepone' && x.dies) this.reclaimer.sweeponeFreed(x.npages);
    }
    for (const id of this.needSweep) if (this.spec.span(id) === undefined) this.needSweep.delete(id);
    const reach = this.reachable();
    for (const x of base.swept) {
      if (!x.known) continue;
      for (const slot of x.freed) {
        for (const o of this.objectsAt(x.id, slot)) {
          if (reach.has(o.name)) throw new Error(`suite: the spec's sweep freed ${o.name}, which the mutator reaches: the suite failed to mark it`);
          this.dropObject(o.name);
        }
      }
    }
    // A span that died takes whatever objects the spec still had in it (none, when it was right to die).
    for (const o of [...this.objects.values()]) if (this.spec.span(o.span) === undefined) this.dropObject(o.name);
    return born;
  }

  /** Whether the ghost has live spans this sweep generation has not swept (mheap.alloc must reclaim first). */
  sweepUnfinished(): boolean {
    for (const id of this.needSweep) if (this.spec.span(id) !== undefined) return true;
    return false;
  }

  /**
   * After a step that allocated a span of npages from the heap while the
   * sweep was unfinished: the reclaimer's account of it.
   */
  reclaimFor(base: MeasuredStep, npages: number): NonNullable<SweepStep['reclaim']> {
    const found = base.swept.filter((x) => x.by === 'reclaim' && x.dies).reduce((n, x) => n + x.npages, 0);
    const { took, owed } = this.reclaimer.reclaim(npages, found);
    if (owed === 0) return { npages, took, found, owed };
    const sg = this.h.sweepgen;
    for (const id of this.needSweep) {
      const a = this.spec.span(id);
      if (a === undefined || !a.kind.heap || this.spec.marks(id).size > 0) continue;
      const s = this.handles.get(id)!;
      // A goroutine that took it from its unswept set will sweep it (once drained, reclaim's own sweepLocker is invalid).
      if ([...this.holders()].some((g) => g.span === s)) continue;
      if (((s.sweepgen - sg) | 0) === -2) return { npages, took, found, owed, deadLeft: id };
    }
    return { npages, took, found, owed };
  }

  /** The Allocated record of the last span settle registered. */
  lastAllocated: ReturnType<HeapSystem['allocated']> | undefined;

  private dropObject(name: string): void {
    this.objects.delete(name);
    this.roots.delete(name);
    this.edges.delete(name);
    for (const e of this.edges.values()) e.delete(name);
  }

  /** The spec id and slot of an address in a live heap span. */
  slotOf(addr: number): { span: number; slot: number; s: MSpan } | undefined {
    const id = this.spec.ownerOf(pageIndex(this.g, addr));
    if (id <= 0) return undefined;
    const s = this.handles.get(id)!;
    return { span: id, slot: Math.floor((addr - s.base()) / s.elemsize), s };
  }
}
