// runtime/mpagealloc_64bit.go @ go1.21: the summary levels' backing store.
//
// Go reserves each summary level's whole array up front (sysInit) and maps
// the physical pages a grown range needs (sysGrow). The model keeps the same
// shape: a level has a len (Go's slice len), a cap (the reservation), and a
// sparse set of mapped physical pages of summary memory. Reading an entry on
// an unmapped page is a fault, as in Go; mapping an already-mapped page zeroes
// it, as mmap(MAP_FIXED) would, so a pruning mistake shows up as lost data.

import type { Geometry } from './geometry.js';
import { alignDown, alignUp, pallocSumBytes } from './geometry.js';
import { AddrRange, OffAddr } from './mranges.js';
import { ModelError } from './throw.js';

/** One level of the radix tree: Go's `summary[l] []pallocSum`. */
export class SummaryLevel {
  /** len(p.summary[l]): the highest summary index the allocator knows about, plus one. */
  len = 0;
  /** cap(p.summary[l]): entries reserved. */
  readonly cap: number;
  /**
   * Summaries per mapping unit: a physical page of summary memory, or the
   * whole block when a block is larger (the root level, which sysGrow always
   * maps whole), so that a block never straddles two units.
   */
  readonly perPage: number;
  /** Mapped units of summary memory, by unit number; each holds perPage packed entries as (lo, hi) halves. */
  private readonly pages = new Map<number, Uint32Array>();

  constructor(
    readonly level: number,
    entries: number,
    physPageSize: number,
    blockEntries: number,
  ) {
    this.cap = entries;
    this.perPage = Math.max(physPageSize / pallocSumBytes, blockEntries);
    this.logPerPage = Math.log2(this.perPage);
  }

  /** log2(perPage): perPage is a power of two, so an entry's unit and slot are a shift and a mask. */
  private readonly logPerPage: number;

  /** The last unit page() returned, to skip the map lookup on repeated access. */
  private lastUnit = -1;
  private lastPage: Uint32Array | undefined;

  /** The mapped page holding entry i; a fault if i is out of range or unmapped. */
  page(i: number): Uint32Array {
    if (i < 0 || i >= this.len) {
      throw new ModelError('pageAlloc.summary', `index out of range [${i}] with length ${this.len} at level ${this.level}`);
    }
    // 0 <= i < len <= 2^30 here: the shift is floor(i / perPage).
    const u = i >>> this.logPerPage;
    // Stryker disable next-line ConditionalExpression: `false` only skips the one-unit cache: the map lookup returns the same mapped page (lastPage is set only from pages.get(u), and map() clears the cache when it replaces pages) (`true`, caught, is disabled with it)
    if (u === this.lastUnit) return this.lastPage!;
    const pg = this.pages.get(u);
    if (pg === undefined) {
      throw new ModelError('pageAlloc.summary', `unexpected fault address: summary[${this.level}][${i}] is not mapped`);
    }
    this.lastUnit = u;
    this.lastPage = pg;
    return pg;
  }

  /** Entry i's position in its page, in uint32 halves. */
  slot(i: number): number {
    // The mask for a valid index (no integer division); % otherwise.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: every caller passes an index page(i) accepted, 0 <= i < len <= cap = 2^(heapAddrBits - levelShift[l]) <= 2^30 (heapAddrBits <= 48, levelShift >= pageShift + logPallocChunkPages >= 18), where the mask arm and the `%` arm both give 2 * (i mod perPage), perPage a power of two; `true`, `false` and `!==` only choose between equal arms
    if ((i & 0x3fffffff) === i) return (i & (this.perPage - 1)) << 1;
    // Stryker disable next-line ArithmeticOperator: unreachable for any entry index (see the mask test above): no index >= 2^30 exists at any level
    return 2 * (i % this.perPage);
  }

  /** Whether entry i is readable without a fault. */
  readable(i: number): boolean {
    return i >= 0 && i < this.len && this.pages.has(Math.floor(i / this.perPage));
  }

  /** sysMap + sysUsed of the summary memory at byte offsets [lo, hi): fresh memory reads as zero. */
  map(lo: number, hi: number): void {
    const unit = this.perPage * pallocSumBytes;
    for (let p = Math.floor(lo / unit); p < Math.ceil(hi / unit); p++) this.pages.set(p, new Uint32Array(2 * this.perPage));
    this.lastUnit = -1;
    this.lastPage = undefined;
  }

  /** Mapped unit numbers, ascending. */
  mappedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b);
  }

  /** The raw words of mapped unit u (for state fingerprints). */
  unit(u: number): Uint32Array | undefined {
    return this.pages.get(u);
  }
}

/** sysInit: reserve every level, len 0. */
export function sysInitSummaries(g: Geometry): SummaryLevel[] {
  return g.levelShift.map((shift, l) => new SummaryLevel(l, 2 ** (g.heapAddrBits - shift), g.physPageSize, 2 ** g.levelBits[l]!));
}

/** addrsToSummaryRange: entries [lo, hi) of level l that describe [base, limit). */
export function addrsToSummaryRange(g: Geometry, level: number, base: number, limit: number): [number, number] {
  const sh = g.levelBytes[level]!;
  const lo = Math.floor((base - g.arenaBaseOffset) / sh);
  const hi = Math.floor((limit - 1 - g.arenaBaseOffset) / sh) + 1;
  return [lo, hi];
}

/** blockAlignSummaryRange aligns [lo, hi) down and up to the level's block width. */
export function blockAlignSummaryRange(g: Geometry, level: number, lo: number, hi: number): [number, number] {
  const e = g.levelEntries[level]!;
  return [alignDown(lo, e), alignUp(hi, e)];
}

/**
 * sysGrow maps the summary memory that [base, limit) needs at every level,
 * skipping what its neighbours in inUse already mapped. Returns the bytes
 * newly mapped (Go adds them to summaryMappedReady).
 */
export function sysGrowSummaries(g: Geometry, summary: SummaryLevel[], inUse: readonly AddrRange[], inUseIndex: number, base: number, limit: number): number {
  // Byte ranges inside a level's reservation, as addrRanges from offset 0.
  const sumBytes = (lo: number, hi: number): AddrRange => {
    const b = alignDown(lo * pallocSumBytes, g.physPageSize);
    const e = alignUp(hi * pallocSumBytes, g.physPageSize);
    return new AddrRange(new OffAddr(b), new OffAddr(e));
  };
  const rangeBytes = (l: number, r: AddrRange): AddrRange => {
    const [lo, hi] = blockAlignSummaryRange(g, l, ...addrsToSummaryRange(g, l, r.base.addr(), r.limit.addr()));
    return sumBytes(lo, hi);
  };
  let mapped = 0;
  for (let l = 0; l < summary.length; l++) {
    const lvl = summary[l]!;
    const [needIdxBase, needIdxLimit] = blockAlignSummaryRange(g, l, ...addrsToSummaryRange(g, l, base, limit));
    // Tight bounds on the top end, whether or not anything new is mapped.
    // Stryker disable next-line EqualityOperator: `>=` differs only when needIdxLimit == lvl.len, where it stores the value already there (`<`, caught, is disabled with it)
    if (needIdxLimit > lvl.len) lvl.len = needIdxLimit;
    let need = sumBytes(needIdxBase, needIdxLimit);
    // Prune what the neighbouring ranges already mapped (never a split).
    if (inUseIndex > 0) need = need.subtract(rangeBytes(l, inUse[inUseIndex - 1]!));
    if (inUseIndex < inUse.length) need = need.subtract(rangeBytes(l, inUse[inUseIndex]!));
    // Stryker disable next-line ConditionalExpression: `false` is equivalent: need is empty only as emptyAddrRange() = [0, 0) (subtract's first case; its other cases, and sumBytes of a non-empty block-aligned range, are never empty), and map(0, 0) maps no unit (floor(0) = ceil(0) = 0) and mapped += 0; map's reset of the page cache is unobservable (see page()'s cache test) (`true`, caught, is disabled with it)
    if (need.size() === 0) continue;
    lvl.map(need.base.addr(), need.limit.addr());
    mapped += need.size();
  }
  return mapped;
}
