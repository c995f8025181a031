// runtime/mpagealloc.go @ go1.21 · type pageAlloc: the page allocator.
//
// Go's header comment, in short: pages are tracked by a bitmap sharded into
// chunks (1 = in use, 0 = free), searched with a radix tree of summaries
// (start, max, end free pages) for address-ordered first fit. searchAddr is a
// lower bound: every valid heap address below it is allocated.
//
// What the model adds: every entry point validates its inputs first and
// refuses (ModelError) what Go would crash or corrupt on, leaving the
// allocator unchanged; and a ghost set of outstanding page caches, so that
// freeing pages a cache still owns is refused too.

import { chunkBase, chunkIndex, chunkL1, chunkL2, chunkPageIndex } from './chunks.js';
import type { Geometry } from './geometry.js';
import { defaultGeometry, hex } from './geometry.js';
import { ScavengeIndex } from './mgcscavenge_index.js';
import { find as findFirstFit } from './mpagealloc_find.js';
import { SummaryLevel, sysGrowSummaries, sysInitSummaries } from './mpagealloc_64bit.js';
import { scavenge } from './mgcscavenge.js';
import type { PageCache } from './mpagecache.js';
import { allocToCache } from './mpagecache.js';
import { PallocData } from './mpallocbits.js';
import type { Sum3Out } from './mpallocsum.js';
import { SumCodec, mergeSummaries, newSum3Out } from './mpallocsum.js';
import { AddrRanges, OffAddr, makeAddrRange, maxOffAddr } from './mranges.js';
import { refuse, throwGo } from './throw.js';

const site = 'runtime/mpagealloc.go';

/** Hooks the surrounding heap gives the page allocator (none in tests). */
export interface PageAllocHooks {
  /** Go's mheap_.arenas lookup in findMappedAddr: is addr in a mapped heap arena? */
  arenaMapped?: (addr: number) => boolean;
  /** scavengeOne outside tests: sysUnused and the released/committed stats. */
  onScavenged?: (addr: number, npages: number) => void;
}

/**
 * Ghost: told about every entry-point call and its result, the way Go's
 * pageTrace events (GOEXPERIMENT=pagetrace) record page allocator activity.
 * Suites use it to check page-level calls made inside heap operations
 * against the abstract page heap.
 */
export interface PageAllocObserver {
  grow(base: number, size: number): void;
  alloc(npages: number, addr: number, scav: number): void;
  free(base: number, npages: number): void;
  allocToCache(c: PageCache): void;
  cacheAlloc(c: PageCache, basePage: number, npages: number, addr: number, scav: number): void;
  cacheFlush(c: PageCache, base: number): void;
  /** Called before a scavenge, and after it with the bytes released. */
  scavengeStart(nbytes: number, force: boolean): void;
  /** Each run a scavengeOne released (Go's pageTraceScav event). */
  scavenged(addr: number, npages: number): void;
  scavengeEnd(nbytes: number, force: boolean, released: number): void;
}

export class PageAlloc {
  readonly g: Geometry;
  /** Packing of pallocSum values for this geometry. */
  readonly sums: SumCodec;
  /** The radix tree: summary[0] is the root, summary[summaryLevels-1] the leaves (one per chunk). */
  readonly summary: SummaryLevel[];
  /** The sparse chunk map: chunks[l1][l2] is a chunk's pallocData. */
  readonly chunks: (Array<PallocData | undefined> | undefined)[];
  /** Where an allocation search starts: every heap address below it is allocated. */
  searchAddr: OffAddr;
  /** Chunk indices [start, end) that the allocator knows about. */
  start = 0;
  end = 0;
  /** Address ranges passed to grow, sorted and coalesced. */
  readonly inUse: AddrRanges;
  readonly scav: { index: ScavengeIndex; releasedBg: number; releasedEager: number };
  /** Bytes of summary and index memory mapped so far. */
  summaryMappedReady = 0;
  /** Whether this allocator is used in tests (Go's NewPageAlloc): findMappedAddr consults inUse, scavengeOne skips sys* and stats. */
  readonly test: boolean;
  /** Ghost state: page caches handed out by allocToCache and not yet flushed. */
  readonly ghostCaches = new Set<PageCache>();
  /** Ghost: see PageAllocObserver. */
  observer: PageAllocObserver | null = null;
  private readonly hooks: PageAllocHooks;
  /** Scratch for update: the summary being computed (no tuple per call). */
  private readonly sum3: Sum3Out = newSum3Out();

  /** init: Go's (*pageAlloc).init(mheapLock, sysStat, test). */
  constructor(g: Geometry = defaultGeometry, test = true, hooks: PageAllocHooks = {}) {
    // Stryker disable next-line ConditionalExpression,BlockStatement: Go's check of two constants; here levelLogPages[0] and logMaxPackedValue are the same expression by construction (geometry.ts: logPallocChunkPages + (summaryLevels - 1) * summaryLevelBits), and Geometry refuses params that would not fit, so the condition is always false and the block never runs
    if (g.levelLogPages[0]! > g.logMaxPackedValue) {
      // Stryker disable next-line StringLiteral: unreachable: the check above is always false (levelLogPages[0] === logMaxPackedValue by construction)
      throwGo("root level max pages doesn't fit in summary", `${site} · (*pageAlloc).init`);
    }
    this.g = g;
    this.sums = new SumCodec(g);
    this.hooks = hooks;
    this.inUse = new AddrRanges(g);
    this.summary = sysInitSummaries(g);
    this.chunks = new Array<Array<PallocData | undefined> | undefined>(2 ** g.pallocChunksL1Bits);
    this.searchAddr = maxOffAddr(g);
    this.scav = { index: new ScavengeIndex(g, test), releasedBg: 0, releasedEager: 0 };
    // Stryker disable next-line AssignmentOperator: index.init() always returns 0 (Go's scavengeIndex.sysInit: `return 0 // All memory above is mapped Reserved.`), so += and -= both leave summaryMappedReady at 0
    this.summaryMappedReady += this.scav.index.init();
    this.test = test;
  }

  /** tryChunkOf returns chunk ci's bitmaps, or undefined if its L2 block is not mapped. */
  tryChunkOf(ci: number): PallocData | undefined {
    const l2 = this.chunks[chunkL1(this.g, ci)];
    if (l2 === undefined) return undefined;
    const i = chunkL2(this.g, ci);
    // Memory in a mapped L2 block reads as zero until written.
    return (l2[i] ??= new PallocData(this.g.pallocChunkPages));
  }

  /** chunkOf returns chunk ci's bitmaps; ci's L2 block must be mapped. */
  chunkOf(ci: number): PallocData {
    const c = this.tryChunkOf(ci);
    if (c === undefined) refuse('pageAlloc.chunkOf', `invalid memory address: chunk ${ci} has no L2 block`);
    return c;
  }

  /** Chunk ci's bitmaps without materializing zero memory: undefined means all zero (for pure readers). */
  peekChunk(ci: number): PallocData | undefined {
    return this.chunks[chunkL1(this.g, ci)]?.[chunkL2(this.g, ci)];
  }

  /**
   * grow sets up metadata for [base, base+size): maps summaries and index,
   * records the range in inUse, lowers searchAddr, and makes the new pages
   * free and scavenged. The model requires chunk-aligned, never-grown memory
   * inside the address space.
   */
  grow(base: number, size: number): void {
    this.validateGrow(base, size);
    const g = this.g;
    const limit = base + size;
    // Summaries, then the index (Go maps the index twice: once in sysGrow, once in index.grow; the second is a no-op).
    this.sysGrow(base, limit);
    // Stryker disable next-line AssignmentOperator: index.grow's sysGrow runs after sysGrow mapped the index for [base, limit) (the call above): need.subtract(have) is empty and it returns 0 (Go maps the index twice; the second is a no-op), so += and -= agree; the summary test in mpagealloc.test.ts pins the total
    this.summaryMappedReady += this.scav.index.grow(base, limit);
    const firstGrowth = this.start === 0;
    const start = chunkIndex(g, base);
    const end = chunkIndex(g, limit);
    // Stryker disable next-line EqualityOperator: at start === this.start the assignment stores the value already there
    if (firstGrowth || start < this.start) this.start = start;
    // Stryker disable next-line EqualityOperator: at end === this.end the assignment stores the value already there
    if (end > this.end) this.end = end;
    this.inUse.add(makeAddrRange(g, base, limit));
    // A grow is a lot like a free.
    const b = new OffAddr(base);
    if (b.lessThan(this.searchAddr)) this.searchAddr = b;
    // Newly-grown memory is always considered scavenged.
    for (let c = start; c < end; c++) {
      const l1 = chunkL1(g, c);
      this.chunks[l1] ??= new Array<PallocData | undefined>(g.chunksL2Size);
      this.chunkOf(c).scavenged.setRange(0, g.pallocChunkPages);
    }
    // Stryker disable next-line BooleanLiteral: contig only picks, in update's multi-chunk branch, between writing inner chunks' all-free summary and summarizing their bitmaps; every chunk of newly grown memory has an all-zero bitmap (validateGrow refuses memory already grown, and nothing writes the bitmap of chunks outside grown memory), so both give (P, P, P)
    this.update(base, size / g.pageSize, true, false);
    this.observer?.grow(base, size);
  }

  /** sysGrow (64-bit): map the summary memory [base, limit) needs, then the index's. */
  private sysGrow(base: number, limit: number): void {
    const g = this.g;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: Go's throw is unreachable here: sysGrow's only caller, grow, has validateGrow refuse first any base - arenaBaseOffset or size not a multiple of pallocChunkBytes, and Geometry refuses an arenaBaseOffset that is not chunk-aligned, so base and limit are always aligned
    if (base % g.pallocChunkBytes !== 0 || limit % g.pallocChunkBytes !== 0) {
      // Stryker disable next-line StringLiteral: unreachable (see the check above: validateGrow refuses unaligned bounds first)
      throwGo('sysGrow bounds not aligned to pallocChunkBytes', 'runtime/mpagealloc_64bit.go · (*pageAlloc).sysGrow', `base = ${hex(base)}, limit = ${hex(limit)}`);
    }
    const inUseIndex = this.inUse.findSucc(base);
    this.summaryMappedReady += sysGrowSummaries(g, this.summary, this.inUse.ranges, inUseIndex, base, limit);
    this.summaryMappedReady += this.scav.index.sysGrow(base, limit);
  }

  /**
   * update recomputes the summaries after the bitmap changed for
   * [base, base+npages*pageSize): the leaves first, then up the tree while
   * something changed. contig says the change was one contiguous alloc or
   * free, so whole chunks in between are all-allocated or all-free.
   */
  update(base: number, npages: number, contig: boolean, alloc: boolean): void {
    const g = this.g;
    const c = this.sums;
    const sum = this.sum3;
    const limit = base + npages * g.pageSize - 1;
    const sc = chunkIndex(g, base);
    const ec = chunkIndex(g, limit);
    const leaf = this.summary[g.summaryLevels - 1]!;
    // Stryker disable next-line ConditionalExpression: the one-chunk early return is an optimisation: without it the contig branch (or the loop) writes the same leaf from the same bitmap, and the walk up recomputes parents from unchanged children (setSummary stores equal values)
    if (sc === ec) {
      // Fast path: one chunk; if its summary did not change, nothing above does.
      this.chunkOf(sc).summarizeTo(sum);
      if (!this.setSummary(leaf, sc, sum[0]!, sum[1]!, sum[2]!)) return;
    } else
    // Stryker disable next-line ConditionalExpression: `contig` -> false is equivalent: contig is only an optimisation (callers pass true only for one contiguous alloc or free, whose inner chunks' bitmaps are all ones or all zeros, which the per-chunk loop summarizes to the same 0 or P); the other mutant here, `contig` -> true, is caught (mpagealloc.test.ts: contig = false summarizes every chunk)
    if (contig) {
      this.chunkOf(sc).summarizeTo(sum);
      this.setSummary(leaf, sc, sum[0]!, sum[1]!, sum[2]!);
      const whole = alloc ? 0 : g.pallocChunkPages;
      // Stryker disable next-line EqualityOperator: i <= ec also writes chunk ec's leaf, which the next two lines overwrite from its bitmap
      for (let i = sc + 1; i < ec; i++) this.setSummary(leaf, i, whole, whole, whole);
      this.chunkOf(ec).summarizeTo(sum);
      this.setSummary(leaf, ec, sum[0]!, sum[1]!, sum[2]!);
    } else {
      for (let i = sc; i <= ec; i++) {
        this.chunkOf(i).summarizeTo(sum);
        this.setSummary(leaf, i, sum[0]!, sum[1]!, sum[2]!);
      }
    }
    // Walk up the radix tree.
    let changed = true;
    // Stryker disable next-line LogicalOperator,ConditionalExpression: continuing the walk only recomputes levels whose children did not change (equal values stored), and at l = -1 the body is a no-op (levelBytes[-1] is undefined: lo and hi are NaN, no iteration, changed = false), so the loop ends with the same tree
    for (let l = g.summaryLevels - 2; l >= 0 && changed; l--) {
      // Stryker disable next-line BooleanLiteral: changed = true only walks the tree to the root instead of stopping early, recomputing parents from unchanged children (equal values stored); l >= 0 still ends the loop
      changed = false;
      const children = this.summary[l + 1]!;
      const level = this.summary[l]!;
      const entriesPerBlock = g.levelEntries[l + 1]!;
      const maxPages = g.levelPages[l + 1]!;
      // addrsToSummaryRange(l, base, limit+1), without the tuple.
      const lo = Math.floor((base - g.arenaBaseOffset) / g.levelBytes[l]!);
      const hi = Math.floor((limit - g.arenaBaseOffset) / g.levelBytes[l]!) + 1;
      for (let i = lo; i < hi; i++) {
        const first = i * entriesPerBlock;
        mergeSummaries(c, children.page(first), children.slot(first) >>> 1, entriesPerBlock, maxPages, sum);
        if (this.setSummary(level, i, sum[0]!, sum[1]!, sum[2]!)) changed = true;
      }
    }
  }

  /** summary[level][i] = packPallocSum(start, max, end); reports whether the stored value changed. */
  private setSummary(level: SummaryLevel, i: number, start: number, max: number, end: number): boolean {
    const pg = level.page(i);
    const k = level.slot(i);
    const lo = this.sums.packLo(start, max, end);
    const hi = this.sums.packHi(start, max, end);
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: the report only lets update stop early; reporting a change that is none makes it walk further and store equal values: the tree is the same
    if (pg[k] === lo && pg[k + 1] === hi) return false;
    pg[k] = lo;
    pg[k + 1] = hi;
    return true;
  }

  /**
   * allocRange marks [base, base+npages*pageSize) allocated, updates the
   * summaries and the index, and returns the scavenged bytes it covered.
   */
  allocRange(base: number, npages: number): number {
    const g = this.g;
    const limit = base + npages * g.pageSize - 1;
    const sc = chunkIndex(g, base);
    const ec = chunkIndex(g, limit);
    let scav = 0;
    // Stryker disable next-line ConditionalExpression: the parts path on one chunk has one part [sc, si, n] and does the same: checkAlloc throws exactly what index.alloc would (same test, message, site), before any bit changes, then the same index.alloc, popcnt and bitmap update
    if (sc === ec) {
      // The range doesn't cross a chunk boundary (no parts list).
      const si = chunkPageIndex(g, base);
      const n = chunkPageIndex(g, limit) + 1 - si;
      const chunk = this.chunkOf(sc);
      this.scav.index.alloc(sc, n);
      scav = chunk.scavenged.popcntRange(si, n);
      // Stryker disable next-line ConditionalExpression: allocRange(0, pallocChunkPages) sets the same bits as allocAll (Go's fast path, an optimisation)
      if (n === g.pallocChunkPages) chunk.allocAll();
      else chunk.allocRange(si, n);
    } else {
      const parts = this.chunkParts(base, npages);
      // The index's throw must come before any bit changes: check every chunk
      // first; one chunk's index update checks itself.
      // (Go updates each chunk's bits, then its index entry.)
      for (const [ci, , n] of parts) this.scav.index.checkAlloc(ci, n);
      for (const [ci, si, n] of parts) {
        const chunk = this.chunkOf(ci);
        this.scav.index.alloc(ci, n);
        scav += chunk.scavenged.popcntRange(si, n);
        // Stryker disable next-line ConditionalExpression: allocRange(0, pallocChunkPages) sets the same bits as allocAll (Go's fast path, an optimisation)
        if (n === g.pallocChunkPages) chunk.allocAll();
        else chunk.allocRange(si, n);
      }
    }
    // Stryker disable next-line BooleanLiteral: contig true -> false: allocRange's range is contiguous, so the per-chunk loop summarizes inner chunks (all allocated) to the same (0, 0, 0) (see update)
    this.update(base, npages, true, true);
    return scav * g.pageSize;
  }

  /** The per-chunk pieces [chunk, first page, pages] of a page range, as allocRange and free split it. */
  chunkParts(base: number, npages: number): [ci: number, si: number, n: number][] {
    const g = this.g;
    const limit = base + npages * g.pageSize - 1;
    const sc = chunkIndex(g, base);
    const ec = chunkIndex(g, limit);
    const si = chunkPageIndex(g, base);
    const ei = chunkPageIndex(g, limit);
    if (sc === ec) return [[sc, si, ei + 1 - si]];
    const parts: [number, number, number][] = [[sc, si, g.pallocChunkPages - si]];
    for (let c = sc + 1; c < ec; c++) parts.push([c, 0, g.pallocChunkPages]);
    parts.push([ec, 0, ei + 1]);
    return parts;
  }

  /** findMappedAddr returns the smallest mapped address >= addr, or maxOffAddr. */
  findMappedAddr(addr: OffAddr): OffAddr {
    if (this.test || !(this.hooks.arenaMapped?.(addr.addr()) ?? false)) {
      const [vAddr, ok] = this.inUse.findAddrGreaterEqual(addr.addr());
      return ok ? new OffAddr(vAddr) : maxOffAddr(this.g);
    }
    return addr;
  }

  /**
   * find searches the radix tree for the first (address-ordered) run of
   * npages free pages; it returns its base (0 on failure) and a candidate
   * searchAddr. See mpagealloc_find.ts.
   */
  find(npages: number): [number, OffAddr] {
    return findFirstFit(this, npages);
  }

  /**
   * alloc allocates npages pages: the lowest-addressed run of npages free
   * pages. Returns the base (0 on failure) and the scavenged bytes in it.
   */
  alloc(npages: number): [addr: number, scav: number] {
    const r = this.allocUnobserved(npages);
    this.observer?.alloc(npages, r[0], r[1]);
    return r;
  }

  private allocUnobserved(npages: number): [addr: number, scav: number] {
    validatePages('pageAlloc.alloc', npages);
    const g = this.g;
    const sa = this.searchAddr.addr();
    // searchAddr above every known chunk: out of memory.
    const i = chunkIndex(g, sa);
    if (i >= this.end) return [0, 0];
    let addr = 0;
    let searchAddr: OffAddr | undefined;
    // npages might fit in searchAddr's chunk: search it directly.
    const si = chunkPageIndex(g, sa);
    if (g.pallocChunkPages - si >= npages) {
      const leaf = this.summary[g.summaryLevels - 1]!;
      const pg = leaf.page(i);
      const k = leaf.slot(i);
      const max = this.sums.max(pg[k]!, pg[k + 1]!);
      if (max >= npages) {
        const [j, searchIdx] = this.chunkOf(i).find(npages, si);
        if (j === -1) {
          throwGo('bad summary data', `${site} · (*pageAlloc).alloc`, `max = ${max}, npages = ${npages}, searchIdx = ${si}, p.searchAddr = ${hex(sa)}`);
        }
        addr = chunkBase(g, i) + j * g.pageSize;
        searchAddr = new OffAddr(chunkBase(g, i) + searchIdx * g.pageSize);
      }
    }
    if (searchAddr === undefined) {
      // The slow path.
      [addr, searchAddr] = this.find(npages);
      if (addr === 0) {
        // Not even one page: the heap is exhausted.
        if (npages === 1) this.searchAddr = maxOffAddr(g);
        return [0, 0];
      }
    }
    const scav = this.allocRange(addr, npages);
    // Everything below the new searchAddr is allocated.
    if (this.searchAddr.lessThan(searchAddr)) this.searchAddr = searchAddr;
    return [addr, scav];
  }

  /** allocToCache hands the free pages of the first 64-page block with any to a new page cache. See mpagecache.ts. */
  allocToCache(): PageCache {
    const c = allocToCache(this);
    this.observer?.allocToCache(c);
    return c;
  }

  /** scavenge releases at least nbytes (or all it can) of free memory to the OS. See mgcscavenge.ts. */
  scavenge(nbytes: number, force: boolean): number {
    this.observer?.scavengeStart(nbytes, force);
    const released = scavenge(this, nbytes, force);
    this.observer?.scavengeEnd(nbytes, force, released);
    return released;
  }

  /** free returns npages pages at base to the heap. They must all be allocated and owned by no page cache. */
  free(base: number, npages: number): void {
    const g = this.g;
    this.validateFreeRange(base, npages);
    const limit = base + npages * g.pageSize - 1;
    const sc = chunkIndex(g, base);
    const ec = chunkIndex(g, limit);
    // Stryker disable next-line ConditionalExpression: the parts path on one chunk has one part [sc, si, n] and does the same: the same allocated count and refusal, checkFree throws exactly what index.free would before any change, then index.free(sc, si, n) and free(si, n), which for npages 1 is free1
    if (sc === ec) {
      // The range doesn't cross a chunk boundary (no parts list).
      const si = chunkPageIndex(g, base);
      const n = chunkPageIndex(g, limit) + 1 - si;
      this.validateFreePages(base, npages, this.chunkOf(sc).popcntRange(si, n));
      // Stryker disable next-line ConditionalExpression: free(si, 1) and index.free(sc, si, n) with n = 1 do what free1(si) and index.free(sc, si, 1) do (Go's one-bit fast path, an optimisation)
      if (npages === 1) {
        // Fast path: one bit.
        this.scav.index.free(sc, si, 1);
        this.chunkOf(sc).free1(si);
      } else {
        this.scav.index.free(sc, si, n);
        // Stryker disable next-line ConditionalExpression: free(0, pallocChunkPages) clears the same bits as freeAll (an optimisation)
        if (n === g.pallocChunkPages) this.chunkOf(sc).freeAll();
        else this.chunkOf(sc).free(si, n);
      }
    } else {
      const parts = this.chunkParts(base, npages);
      let allocated = 0;
      for (const [ci, si, n] of parts) allocated += this.chunkOf(ci).popcntRange(si, n);
      this.validateFreePages(base, npages, allocated);
      // As in allocRange: the index's throws before any change.
      for (const [ci, , n] of parts) this.scav.index.checkFree(ci, n);
      for (const [ci, si, n] of parts) {
        this.scav.index.free(ci, si, n);
        // Stryker disable next-line ConditionalExpression: free(0, pallocChunkPages) clears the same bits as freeAll (an optimisation)
        if (n === g.pallocChunkPages) this.chunkOf(ci).freeAll();
        else this.chunkOf(ci).free(si, n);
      }
    }
    // Freeing below searchAddr lowers it (Go does this first; nothing reads it in between).
    // Stryker disable next-line EqualityOperator: at base === searchAddr the new OffAddr holds the same address
    if (base < this.searchAddr.addr()) this.searchAddr = new OffAddr(base);
    // Stryker disable next-line BooleanLiteral: contig true -> false: free's range is contiguous, so the per-chunk loop summarizes inner chunks (all free) to the same (P, P, P) (see update)
    this.update(base, npages, true, false);
    this.observer?.free(base, npages);
  }

  /** What scavengeOne calls outside tests, after a release. */
  notifyScavenged(addr: number, npages: number): void {
    if (!this.test) this.hooks.onScavenged?.(addr, npages);
  }

  private validateGrow(base: number, size: number): void {
    const g = this.g;
    const op = 'pageAlloc.grow';
    if (!Number.isSafeInteger(base) || !Number.isSafeInteger(size)) refuse(op, 'base and size must be integers');
    if (size <= 0) refuse(op, `size ${size} must be positive`);
    // Stryker disable next-line ArithmeticOperator: Geometry refuses an arenaBaseOffset that is not chunk-aligned, so base + arenaBaseOffset and base - arenaBaseOffset differ by a multiple of pallocChunkBytes (exact: |values| < 2^49) and are aligned together
    if ((base - g.arenaBaseOffset) % g.pallocChunkBytes !== 0 || size % g.pallocChunkBytes !== 0) {
      refuse(op, `[${hex(base)}, +${size}) is not aligned to pallocChunkBytes (${g.pallocChunkBytes})`);
    }
    if (!g.inAddressSpace(base) || !g.inAddressSpace(base + size - 1)) refuse(op, `[${hex(base)}, +${size}) is outside the ${g.heapAddrBits}-bit address space`);
    // Go's grow throws this from makeAddrRange only when it adds [base, limit) to inUse, after
    // sysGrow has mapped summaries; a throw ends a Go program, so the model raises it first and
    // leaves the heap unchanged. It also catches the last chunk of the high half, whose limit wraps to 0.
    makeAddrRange(g, base, base + size);
    for (const r of this.inUse.ranges) {
      if (base < r.limit.addr() && r.base.addr() < base + size) refuse(op, `[${hex(base)}, +${size}) overlaps memory already grown [${hex(r.base.addr())}, ${hex(r.limit.addr())})`);
    }
  }

  /** free's arguments: a positive page count, a page-aligned base, a range inside grown memory. */
  private validateFreeRange(base: number, npages: number): void {
    const g = this.g;
    const op = 'pageAlloc.free';
    validatePages(op, npages);
    // Page-aligned: an integral quotient (exact for safe integers; V8's float modulus is slow).
    // Stryker disable next-line ArithmeticOperator: `- arenaBaseOffset` -> `+`: arenaBaseOffset is chunk-aligned, hence a multiple of pageSize, so (base + arenaBaseOffset) / pageSize is integral exactly when (base - arenaBaseOffset) / pageSize is (both exact: |values| < 2^49)
    const q = (base - g.arenaBaseOffset) / g.pageSize;
    if (!Number.isSafeInteger(base) || Math.floor(q) !== q) refuse(op, `base ${String(base)} is not a page-aligned address`);
    const limit = base + npages * g.pageSize;
    const r = this.inUse.ranges[this.inUse.findSucc(base) - 1];
    if (r === undefined || !r.contains(base) || limit > r.limit.addr()) {
      refuse(op, `[${hex(base)}, +${npages} pages) is not inside memory the page allocator has grown`);
    }
  }

  /** free's pages: all npages allocated (allocated is how many are), none owned by a live page cache. */
  private validateFreePages(base: number, npages: number, allocated: number): void {
    const op = 'pageAlloc.free';
    if (allocated !== npages) refuse(op, `${npages - allocated} of the ${npages} pages at ${hex(base)} are not allocated`);
    // Stryker disable next-line ConditionalExpression: an early return before a loop over the same empty set
    if (this.ghostCaches.size === 0) return;
    const limit = base + npages * this.g.pageSize;
    for (const c of this.ghostCaches) {
      const owned = c.ownedIn(base, limit);
      if (owned !== 0) refuse(op, `${owned} of the pages at [${hex(base)}, +${npages}) are owned by the page cache at ${hex(c.base)}`);
    }
  }
}

/** npages must be a positive integer: Go crashes or corrupts its heap on 0. */
export function validatePages(op: string, npages: number): void {
  if (!Number.isSafeInteger(npages) || npages < 1) refuse(op, `npages must be a positive integer, got ${String(npages)}`);
}
