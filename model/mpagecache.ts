// runtime/mpagecache.go @ go1.21: the per-P page cache.
//
// A pageCache owns the free pages of one 64-page aligned block: cache bit i
// set means page base+i is free and belongs to this cache (the page
// allocator's bitmap shows it allocated); scav bit i means it is scavenged.
// Allocating from it needs no lock; flushing gives the pages back.

import { chunkBase, chunkIndex, chunkPageIndex } from './chunks.js';
import type { Geometry } from './geometry.js';
import { alignDown, hex, pageCachePages } from './geometry.js';
import type { PageAlloc, PageAllocObserver } from './mpagealloc.js';
import { findBitRange64, notFound } from './mpallocbits.js';
import { OffAddr, maxOffAddr } from './mranges.js';
import { hexWord, onesCount64, trailingZeros64, u64Hi, u64Lo } from './sys.js';
import { refuse, throwGo } from './throw.js';

const u64 = (1n << 64n) - 1n;

export class PageCache {
  /** Ghost: the allocator's observer, when the cache came from one that has it. */
  observer: PageAllocObserver | null = null;
  /** 1 bits are free pages owned by this cache. */
  cache: bigint;
  /** 1 bits are scavenged pages. */
  scav: bigint;

  /** Go's NewPageCache(base, cache, scav), for the geometry g (whose pageSize Go has as a constant). */
  constructor(
    readonly g: Geometry,
    /** Base address of the 64-page block. */
    public base = 0,
    cache = 0n,
    scav = 0n,
  ) {
    this.cache = BigInt.asUintN(64, cache);
    this.scav = BigInt.asUintN(64, scav);
  }

  /** empty reports whether the cache has no free pages. */
  empty(): boolean {
    return this.cache === 0n;
  }

  /**
   * alloc allocates npages from the cache: the lowest free page for one, the
   * lowest run for more. Returns the base (0 on failure) and the scavenged
   * bytes in it, where a page is pageSize bytes of the owning allocator.
   */
  alloc(npages: number): [addr: number, scav: number] {
    const base = this.base;
    const r = this.allocUnobserved(npages);
    this.observer?.cacheAlloc(this, base, npages, r[0], r[1]);
    return r;
  }

  private allocUnobserved(npages: number): [addr: number, scav: number] {
    const pageSize = this.g.pageSize;
    if (!Number.isSafeInteger(npages) || npages < 1) refuse('pageCache.alloc', `npages must be a positive integer, got ${String(npages)}`);
    if (this.cache === 0n) return [0, 0];
    // Stryker disable next-line ConditionalExpression,BlockStatement: Go's one-page fast path is an optimisation: allocN(1) finds the same page (findBitRange64(c, 1) is the trailing zero count of a nonzero c), masks the same one bit and counts the same scavenged bit
    if (npages === 1) {
      const i = trailingZeros64(u64Lo(this.cache), u64Hi(this.cache));
      const scav = (this.scav >> BigInt(i)) & 1n;
      this.cache &= ~(1n << BigInt(i)) & u64; // in use
      this.scav &= ~(1n << BigInt(i)) & u64; // unscavenged
      return [this.base + i * pageSize, Number(scav) * pageSize];
    }
    return this.allocN(npages);
  }

  /** allocN allocates the lowest run of npages free pages of the cache. */
  allocN(npages: number): [addr: number, scav: number] {
    const pageSize = this.g.pageSize;
    const i = findBitRange64(u64Lo(this.cache), u64Hi(this.cache), npages);
    if (i >= 64) return [0, 0];
    const mask = ((1n << BigInt(npages)) - 1n) << BigInt(i);
    const scav = onesCount64(u64Lo(this.scav & mask), u64Hi(this.scav & mask));
    this.cache &= ~mask & u64;
    this.scav &= ~mask & u64;
    return [this.base + i * pageSize, scav * pageSize];
  }

  /**
   * flush gives the cache's free pages back to p (scavenged ones stay
   * scavenged), lowers p.searchAddr like a free, and empties the cache.
   */
  flush(p: PageAlloc): void {
    const base = this.base;
    if (this.empty()) {
      p.ghostCaches.delete(this);
      this.observer?.cacheFlush(this, base);
      return;
    }
    validateFlush(p, this);
    const g = p.g;
    const ci = chunkIndex(g, this.base);
    const pi = chunkPageIndex(g, this.base);
    const chunk = p.chunkOf(ci);
    p.scav.index.checkFree(ci, onesCount64(u64Lo(this.cache), u64Hi(this.cache)));
    // Stryker disable next-line EqualityOperator: at i = 64, cache >> 64n and scav >> 64n are 0n (both are 64-bit values): the extra iteration does nothing
    for (let i = 0; i < 64; i++) {
      if ((this.cache >> BigInt(i)) & 1n) {
        chunk.free1(pi + i);
        p.scav.index.free(ci, pi + i, 1);
      }
      if ((this.scav >> BigInt(i)) & 1n) chunk.scavenged.setRange(pi + i, 1);
    }
    // Like a free: lower searchAddr.
    const b = new OffAddr(this.base);
    if (b.lessThan(p.searchAddr)) p.searchAddr = b;
    // Stryker disable next-line BooleanLiteral: a 64-page aligned block lies in one chunk (pallocChunkPages is a multiple of 64), so update takes its one-chunk path, which reads neither flag
    p.update(this.base, pageCachePages, false, false);
    p.ghostCaches.delete(this);
    this.base = 0;
    this.cache = 0n;
    this.scav = 0n;
    this.observer?.cacheFlush(this, base);
  }

  /** Ghost: how many pages in [base, limit) this cache owns. */
  ownedIn(base: number, limit: number): number {
    // Stryker disable next-line ConditionalExpression: with cache 0n, owned = cache & mask is 0n and the count 0: the early return is an optimisation
    if (this.cache === 0n) return 0;
    const ps = this.g.pageSize;
    const lo = Math.max(0, Math.ceil((base - this.base) / ps));
    const hi = Math.min(64, Math.ceil((limit - this.base) / ps));
    // Stryker disable next-line EqualityOperator: at lo === hi the mask is (1n << 0n) - 1n = 0n and the count 0
    if (lo >= hi) return 0;
    const mask = ((1n << BigInt(hi - lo)) - 1n) << BigInt(lo);
    const owned = this.cache & mask;
    return onesCount64(u64Lo(owned), u64Hi(owned));
  }

  /** A copy (Go's pageCache is a value type). */
  clone(): PageCache {
    return new PageCache(this.g, this.base, this.cache, this.scav);
  }
}

function validateFlush(p: PageAlloc, c: PageCache): void {
  const g = p.g;
  const op = 'pageCache.flush';
  // Stryker disable next-line ArithmeticOperator: only `- arenaBaseOffset` -> `+` is equivalent: arenaBaseOffset is chunk-aligned, hence a multiple of 64 pages (pallocChunkPages >= 64), so c.base +/- arenaBaseOffset are aligned together; `*` -> `/` here is caught (mpagecache.test.ts: a base that is not 64-page aligned)
  if (!Number.isSafeInteger(c.base) || (c.base - g.arenaBaseOffset) % (pageCachePages * g.pageSize) !== 0) {
    refuse(op, `base ${hex(c.base)} is not aligned to ${pageCachePages} pages`);
  }
  if ((c.scav & ~c.cache) !== 0n) refuse(op, `scavenged bits ${hexWord(c.scav & ~c.cache)} are outside the cache's free pages`);
  // Stryker disable next-line ArithmeticOperator: the limit check it feeds is redundant (next line): a 64-page aligned base inside a grown range (whole chunks, each a multiple of 64 pages) has its whole block inside it
  const limit = c.base + pageCachePages * g.pageSize;
  const r = p.inUse.ranges[p.inUse.findSucc(c.base) - 1];
  // Stryker disable next-line ConditionalExpression: only `limit > r.limit.addr()` -> false is equivalent: grown ranges are whole chunks, multiples of 64 pages, so an aligned block whose base is inside one ends inside it; the whole condition -> false is caught (mpagecache.test.ts: a block the allocator never grew)
  if (r === undefined || !r.contains(c.base) || limit > r.limit.addr()) refuse(op, `the block at ${hex(c.base)} is not inside memory the page allocator has grown`);
  const chunk = p.chunkOf(chunkIndex(g, c.base));
  const alloc = chunk.pages64(chunkPageIndex(g, c.base));
  if ((c.cache & ~alloc) !== 0n) refuse(op, `the cache at ${hex(c.base)} holds pages that are free in the page allocator`);
  for (const other of p.ghostCaches) {
    if (other !== c && other.base === c.base && (other.cache & c.cache) !== 0n) refuse(op, `the cache at ${hex(c.base)} shares pages with another live page cache`);
  }
}

/**
 * allocToCache takes the 64-page aligned block holding the first free page
 * and hands all of its free pages to a new pageCache; an empty cache when
 * there are none.
 */
export function allocToCache(p: PageAlloc): PageCache {
  const g = p.g;
  const pageSize = g.pageSize;
  const empty = new PageCache(g);
  // searchAddr above every known chunk: out of memory.
  if (chunkIndex(g, p.searchAddr.addr()) >= p.end) return empty;
  let ci = chunkIndex(g, p.searchAddr.addr());
  const leaf = p.summary[g.summaryLevels - 1]!;
  const pg = leaf.page(ci);
  const k = leaf.slot(ci);
  let c: PageCache;
  if (pg[k] !== 0 || pg[k + 1] !== 0) {
    // Fast path: free pages at or near searchAddr.
    const chunk = p.chunkOf(ci);
    const [j] = chunk.find(1, chunkPageIndex(g, p.searchAddr.addr()));
    if (j === notFound) throwGo('bad summary data', 'runtime/mpagecache.go · (*pageAlloc).allocToCache');
    c = new PageCache(g, chunkBase(g, ci) + alignDown(j, 64) * pageSize, ~chunk.pages64(j), chunk.scavenged.block64(j));
  } else {
    // Slow path: find the first free page the slow way.
    const [addr] = p.find(1);
    if (addr === 0) {
      p.searchAddr = maxOffAddr(g);
      return empty;
    }
    ci = chunkIndex(g, addr);
    const chunk = p.chunkOf(ci);
    c = new PageCache(g, alignDown(addr - g.arenaBaseOffset, 64 * pageSize) + g.arenaBaseOffset, ~chunk.pages64(chunkPageIndex(g, addr)), chunk.scavenged.block64(chunkPageIndex(g, addr)));
  }
  const chunk = p.chunkOf(ci);
  const npages = onesCount64(u64Lo(c.cache), u64Hi(c.cache));
  p.scav.index.checkAlloc(ci, npages);
  // Mark the cache's pages allocated and clear their scavenged bits; only those bits.
  const cpi = chunkPageIndex(g, c.base);
  chunk.allocPages64(cpi, c.cache);
  chunk.scavenged.clearBlock64(cpi, c.cache & c.scav);
  // An allocation, but not a contiguous one.
  // Stryker disable next-line BooleanLiteral: a 64-page aligned block lies in one chunk (pallocChunkPages is a multiple of 64), so update takes its one-chunk path, which reads neither flag
  p.update(c.base, pageCachePages, false, true);
  p.scav.index.alloc(ci, npages);
  // searchAddr: the last page of the block (not one past it: it must stay in mapped memory).
  p.searchAddr = new OffAddr(c.base + pageSize * (pageCachePages - 1));
  // Ghost: caches that ran empty own nothing and can be forgotten.
  for (const old of p.ghostCaches) if (old.empty()) p.ghostCaches.delete(old);
  p.ghostCaches.add(c);
  c.observer = p.observer;
  return c;
}
