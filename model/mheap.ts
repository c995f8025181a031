// runtime/mheap.go @ go1.21 · type mheap, (*mheap).init: the page heap.
//
// What Go keeps in globals (gcphase, the Ps, gcController and memstats
// statistics, the operating system) the model keeps on the heap object too,
// so one MHeap is one whole runtime as far as the page heap can tell.
// Operations that Go runs on the current P take that P as an argument.

import { allocManual, allocNeedsZero, allocSpan, alloc as heapAlloc, initSpan, setSpans } from './mheap_alloc.js';
import { freeManual, freeSpan, freeSpanLocked } from './mheap_free.js';
import { grow } from './mheap_grow.js';
import { inHeapOrStack, inheap, spanOf, spanOfHeap, spanOfUnchecked } from './mheap_lookup.js';
import { allocMSpanLocked, freeMSpanLocked, tryAllocMSpan } from './mheap_mspan.js';
import type { Geometry } from './geometry.js';
import { defaultGeometry } from './geometry.js';
import type { HeapArena } from './heaparena.js';
import { arenaIndex } from './heaparena.js';
import { arenaHintAddrs } from './malloc.js';
import type { ArenaHint } from './malloc.js';
import { FixAlloc } from './mfixalloc.js';
import { PageAlloc } from './mpagealloc.js';
import { MSpan } from './mspan.js';
import type { MSpanState } from './mspan.js';
import { GCControllerStats, HeapStats } from './mstats.js';
import { sysUnused } from './mem.js';
import { GCWork } from './mgcwork.js';
import { MCentral } from './mcentral.js';
import { SweepData, sweepDrainedMask } from './mgcsweep.js';
import type { SweepLocker } from './mgcsweep.js';
import { OSMemory } from './os.js';
import { StackAllocator } from './stack.js';
import { P } from './proc.js';
import type { SpanAllocType, SpanClass } from './spanclass.js';
import { numSpanClasses } from './spanclass.js';
import { refuse } from './throw.js';

/** mgc.go · gcphase: _GCoff, _GCmark, _GCmarktermination. */
export type GCPhase = '_GCoff' | '_GCmark' | '_GCmarktermination';

/** Ghost: one span state transition. */
export interface SpanTransition {
  readonly span: MSpan;
  readonly from: MSpanState;
  readonly to: MSpanState;
  readonly gcphase: GCPhase;
}

export interface HeapOptions {
  readonly geometry?: Geometry;
  /** Number of Ps (GOMAXPROCS). */
  readonly nprocs?: number;
  /** Bytes the OS lets the heap reserve (Infinity: unlimited). */
  readonly osLimitBytes?: number;
  /** Where the OS places mappings asked for no address, top-down (default: one arena below the top of the address space). */
  readonly mmapTop?: number;
  /** malloc.go physPageAlignedStacks (true on openbsd only). */
  readonly physPageAlignedStacks?: boolean;
}

export class MHeap {
  readonly g: Geometry;
  /** Page allocation data structure. */
  readonly pages: PageAlloc;
  /** Sweep generation, see mspan.sweepgen; written only with the world stopped. */
  sweepgen = 0;
  /** Every mspan ever created, each exactly once. */
  readonly allspans: MSpan[] = [];
  /** Pages of spans in state mSpanInUse. */
  pagesInUse = 0;
  /** The heap arena map: arenaIdx -> metadata, for arenas the heap reserved (Go's arenas[l1][l2], sparse). */
  readonly arenas = new Map<number, HeapArena>();
  /** Addresses at which to try to add more heap arenas. */
  arenaHints: ArenaHint | null;
  /** The arenaIdx of every mapped arena, in the order they were added. */
  readonly allArenas: number[] = [];
  /** The arena space the heap is currently growing into; base is physPageSize-aligned. */
  readonly curArena = { base: 0, end: 0 };
  /** Allocator for mspan structures; recordspan runs on each one's first allocation. */
  readonly spanalloc: FixAlloc<MSpan>;

  // What Go keeps in globals.
  /** mgc.go · gcphase. */
  gcphase: GCPhase = '_GCoff';
  /** proc.go · allp. */
  readonly allp: P[];
  readonly gcController = new GCControllerStats();
  /** memstats.heapStats. */
  readonly heapStats = new HeapStats();
  readonly os: OSMemory;
  readonly physPageAlignedStacks: boolean;
  /** The central free lists, one per span class. */
  readonly central: MCentral[] = Array.from({ length: numSpanClasses }, (_, i) => new MCentral(i));
  /** mgcsweep.go · sweep: the active sweepers and where the unswept sets may still hold spans. */
  readonly sweep = new SweepData();
  /** Pages swept this cycle, and the pagesSwept proportional sweep counts from. */
  pagesSwept = 0;
  pagesSweptBasis = 0;
  /** Proportional sweep ratio (pages per byte allocated), 0 when off; the heapLive it counts from. */
  sweepPagesPerByte = 0;
  sweepHeapLiveBasis = 0;
  /** reclaimIndex: the page index in sweepArenas of the next page to reclaim (2^63 when done). */
  reclaimIndex = 0;
  /** reclaimCredit: spare pages freed by sweepers, for reclaim to count. */
  reclaimCredit = 0;
  /** sweepArenas: allArenas as the sweep generation began. */
  sweepArenas: readonly number[] = [];
  /** The forEachP of the last mark termination, while some Ps have not run it yet: the sweep it holds open and those Ps. */
  forEachP: { readonly sl: SweepLocker; readonly pending: Set<P> } | null = null;

  /** stack.go · stackpool and stackLarge. */
  readonly stacks: StackAllocator;
  /** mgcwork.go · work.empty and work.wbufSpans. */
  readonly work = new GCWork();

  /** Ghost: the allocation type each live span was allocated with (Go's callers remember it). */
  readonly ghostAllocType = new Map<MSpan, SpanAllocType>();
  /** Ghost: every span state transition, with the GC phase it happened in (suites drain it). */
  readonly ghostTransitions: SpanTransition[] = [];
  /** Ghost: every span sweep swept, in order (suites drain it and judge each outcome). */
  readonly ghostSwept: { readonly span: MSpan; readonly preserve: boolean }[] = [];
  /** Ghost: every span the page reclaimer took for sweeping (suites drain it). */
  readonly ghostReclaimSwept: MSpan[] = [];
  /** Ghost: every span sweepone took for sweeping (suites drain it). */
  readonly ghostSweeponeSwept: MSpan[] = [];
  /** Ghost: every write of a span's sweepgen, with h.sweepgen at the time (suites drain it). */
  readonly ghostSweepgenWrites: { readonly span: MSpan; readonly from: number; readonly to: number; readonly heapSweepgen: number; readonly dead: boolean }[] = [];

  /** (*mheap).init and mallocinit's arena hints. */
  constructor(opts: HeapOptions = {}) {
    const g = opts.geometry ?? defaultGeometry;
    this.g = g;
    // Don't zero mspan allocations: a span's sweepgen must survive freeing and re-allocation.
    this.spanalloc = new FixAlloc(
      () =>
        new MSpan(
          this.allspans.length + 1,
          (sp, from, to) => this.ghostTransitions.push({ span: sp, from, to, gcphase: this.gcphase }),
          (sp, from, to) => this.ghostSweepgenWrites.push({ span: sp, from, to, heapSweepgen: this.sweepgen, dead: sp.state.get() === 'mSpanDead' }),
        ),
      (s) => this.recordspan(s),
      () => {},
    );
    // Stryker disable next-line BooleanLiteral: the FixAlloc above is given a no-op clear (() => {}), so zero = true would call it and change nothing: a recycled structure keeps its fields either way.
    this.spanalloc.zero = false;
    this.pages = new PageAlloc(g, false, {
      arenaMapped: (addr) => this.arenas.has(arenaIndex(g, addr)),
      onScavenged: (addr, npages) => this.accountScavenged(addr, npages * g.pageSize),
    });
    this.allp = Array.from({ length: opts.nprocs ?? 1 }, (_, i) => new P(i, g));
    this.os = new OSMemory(opts.osLimitBytes ?? Infinity, opts.mmapTop ?? g.arenaBaseOffset + 2 ** g.heapAddrBits - g.heapArenaBytes, g.physPageSize);
    this.physPageAlignedStacks = opts.physPageAlignedStacks ?? false;
    this.stacks = new StackAllocator(g.heapAddrBits, g.pageShift);
    // mgc.go · gcinit: no sweep on the first cycle.
    this.sweep.active.state = sweepDrainedMask;
    this.arenaHints = null;
    // mallocinit: hints are prepended, so the first to try is the lowest.
    for (const addr of [...arenaHintAddrs(g)].reverse()) this.arenaHints = { addr, down: false, next: this.arenaHints };
  }

  /** recordspan: add a newly created span structure to allspans (only on its first allocation). */
  private recordspan(s: MSpan): void {
    this.allspans.push(s);
  }

  /** scavengeOne outside tests: sysUnused, then released memory stops being free and committed. */
  private accountScavenged(addr: number, nbytes: number): void {
    sysUnused(this, addr, nbytes);
    this.gcController.heapReleased.add(nbytes);
    this.gcController.heapFree.add(-nbytes);
    this.heapStats.committed -= nbytes;
    this.heapStats.released += nbytes;
  }

  /** The arena containing p, if the heap has one there. */
  arenaOf(p: number): HeapArena | undefined {
    return this.arenas.get(arenaIndex(this.g, p));
  }

  /** A P by id (the caller's P). */
  p(id: number): P {
    const pp = this.allp[id];
    if (pp === undefined) refuse('mheap', `there is no P ${id} (GOMAXPROCS = ${this.allp.length})`);
    return pp;
  }

  // The Go entry points, each in its own file.

  alloc(npages: number, spanclass: SpanClass, pp: P | null): MSpan | null {
    return heapAlloc(this, npages, spanclass, pp);
  }

  allocManual(npages: number, typ: SpanAllocType, pp: P | null): MSpan | null {
    return allocManual(this, npages, typ, pp);
  }

  allocSpan(npages: number, typ: SpanAllocType, spanclass: SpanClass, pp: P | null): MSpan | null {
    return allocSpan(this, npages, typ, spanclass, pp);
  }

  initSpan(s: MSpan, typ: SpanAllocType, spanclass: SpanClass, base: number, npages: number): void {
    initSpan(this, s, typ, spanclass, base, npages);
  }

  allocNeedsZero(base: number, npage: number): boolean {
    return allocNeedsZero(this, base, npage);
  }

  setSpans(base: number, npage: number, s: MSpan): void {
    setSpans(this, base, npage, s);
  }

  freeSpan(s: MSpan, pp: P | null): void {
    freeSpan(this, s, pp);
  }

  freeManual(s: MSpan, typ: SpanAllocType, pp: P | null): void {
    freeManual(this, s, typ, pp);
  }

  freeSpanLocked(s: MSpan, typ: SpanAllocType, pp: P | null): void {
    freeSpanLocked(this, s, typ, pp);
  }

  grow(npage: number): [growth: number, ok: boolean] {
    return grow(this, npage);
  }

  tryAllocMSpan(pp: P | null): MSpan | null {
    return tryAllocMSpan(pp);
  }

  allocMSpanLocked(pp: P | null): MSpan {
    return allocMSpanLocked(this, pp);
  }

  freeMSpanLocked(s: MSpan, pp: P | null): void {
    freeMSpanLocked(this, s, pp);
  }

  spanOf(p: number): MSpan | null {
    return spanOf(this, p);
  }

  spanOfUnchecked(p: number): MSpan | null {
    return spanOfUnchecked(this, p);
  }

  spanOfHeap(p: number): MSpan | null {
    return spanOfHeap(this, p);
  }

  inheap(b: number): boolean {
    return inheap(this, b);
  }

  inHeapOrStack(b: number): boolean {
    return inHeapOrStack(this, b);
  }
}
