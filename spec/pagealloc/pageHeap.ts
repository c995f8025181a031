// The abstract page allocator: what runtime/mpagealloc.go and
// runtime/mpagecache.go must do, with none of how.
//
// State: the set of mapped pages, and for each one whether it is free,
// handed out, or owned by a page cache, and whether it is scavenged.
// Allocation is address-ordered first fit: the lowest address starting n
// consecutive free, mapped pages. Nothing here knows about summaries,
// searchAddr, or bitmaps' word layout; pages are numbered by their index in
// the offset address space (chunk * pagesPerChunk + page in chunk), which
// is address order.

import type { ReadonlyPageSet } from './pageSet.js';
import { PageSet } from './pageSet.js';

/** A page's state. */
export const FREE = 0;
export const ALLOCATED = 1;
export const CACHED = 2;

/** The result of taking a page cache: a 64-page aligned block and the pages it got. */
export interface AbstractCache {
  /** Global index of the block's first page, or -1 for an empty cache. */
  readonly basePage: number;
  /** Bit i: page basePage+i went to the cache (it was free). */
  readonly cache: bigint;
  /** Bit i: that page was scavenged. */
  readonly scav: bigint;
}

export class AbstractPageHeap {
  /** Mapped chunks, by chunk index: a state per page. */
  private readonly state = new Map<number, Uint8Array>();
  /** Mapped chunks: a scavenged flag per page (for cached pages: the cache's scav bit). */
  private readonly scavenged = new Map<number, Uint8Array>();
  /** For cached pages, the owning cache's id. */
  private readonly owner = new Map<number, number>();
  /** Mapped chunk indices, ascending. */
  private chunkOrder: number[] = [];
  /** Per chunk, a counter bumped on every change (lets checkers skip unchanged chunks). */
  private readonly versions = new Map<number, number>();
  /**
   * The bitmaps a page allocator implementing this heap must show, derived
   * page by page in setPage: allocated = handed out or cached; scavenged =
   * free and scavenged (a cached page's scavenged state is its cache's).
   */
  private readonly allocBits = new Map<number, Uint32Array>();
  private readonly scavBits = new Map<number, Uint32Array>();
  /** Free pages per chunk, so first fit can skip chunks with none. */
  private readonly freeCount = new Map<number, number>();
  /** Live caches: block and the pages (and scavenged pages) each still owns, as 64-bit masks. */
  private readonly cacheMasks = new Map<number, { basePage: number; owned: bigint; scav: bigint }>();

  constructor(
    /** Pages per chunk (the only unit of growth). */
    readonly chunkPages: number,
  ) {}

  /** Whether chunk ci is mapped. */
  isMapped(ci: number): boolean {
    return this.state.has(ci);
  }

  /** Mapped chunk indices, ascending. */
  chunks(): readonly number[] {
    return this.chunkOrder;
  }

  /** Page state of global page pi (undefined if unmapped). */
  pageState(pi: number): number | undefined {
    return this.state.get(Math.floor(pi / this.chunkPages))?.[pi % this.chunkPages];
  }

  /** Whether global page pi is scavenged (undefined if unmapped). */
  isScavenged(pi: number): boolean | undefined {
    const s = this.scavenged.get(Math.floor(pi / this.chunkPages));
    return s === undefined ? undefined : s[pi % this.chunkPages] === 1;
  }

  /** The cache owning page pi, if it is cached. */
  ownerOf(pi: number): number | undefined {
    return this.owner.get(pi);
  }

  /** Grow: chunks [firstChunk, firstChunk+n) become mapped, every page free and scavenged. */
  grow(firstChunk: number, n: number): void {
    for (let ci = firstChunk; ci < firstChunk + n; ci++) {
      if (this.state.has(ci)) throw new Error(`spec: chunk ${ci} grown twice`);
      this.state.set(ci, new Uint8Array(this.chunkPages));
      this.scavenged.set(ci, new Uint8Array(this.chunkPages).fill(1));
      this.allocBits.set(ci, new Uint32Array(this.chunkPages / 32));
      this.freeCount.set(ci, this.chunkPages);
      this.scavBits.set(ci, new Uint32Array(this.chunkPages / 32).fill(0xffffffff));
    }
    this.chunkOrder = [...this.state.keys()].sort((a, b) => a - b);
  }

  /** Set a mapped page's state directly (for building states like Go's NewPageAlloc). */
  setPage(pi: number, st: number, scav: boolean): void {
    const ci = Math.floor(pi / this.chunkPages);
    const s = this.state.get(ci);
    const v = this.scavenged.get(ci);
    if (s === undefined || v === undefined) throw new Error(`spec: page ${pi} is not mapped`);
    const i = pi % this.chunkPages;
    if ((s[i] === FREE) !== (st === FREE)) this.freeCount.set(ci, this.freeCount.get(ci)! + (st === FREE ? 1 : -1));
    s[i] = st;
    v[i] = scav ? 1 : 0;
    this.versions.set(ci, (this.versions.get(ci) ?? 0) + 1);
    const a = this.allocBits.get(ci)!;
    const b = this.scavBits.get(ci)!;
    const m = 1 << (i & 31);
    if (st === FREE) a[i >>> 5]! &= ~m;
    else a[i >>> 5]! |= m;
    if (st === FREE && scav) b[i >>> 5]! |= m;
    else b[i >>> 5]! &= ~m;
  }

  /** setPage for every page of [pi, pi+n), fetching each chunk's arrays once. */
  setRange(pi: number, n: number, st: number, scav: boolean): void {
    let p = pi;
    const end = pi + n;
    while (p < end) {
      const ci = Math.floor(p / this.chunkPages);
      const s = this.state.get(ci);
      const v = this.scavenged.get(ci);
      const a = this.allocBits.get(ci);
      const b = this.scavBits.get(ci);
      if (s === undefined || v === undefined || a === undefined || b === undefined) throw new Error(`spec: page ${p} is not mapped`);
      let free = this.freeCount.get(ci)!;
      const stop = Math.min(end, (ci + 1) * this.chunkPages);
      for (; p < stop; p++) {
        const i = p - ci * this.chunkPages;
        if ((s[i] === FREE) !== (st === FREE)) free += st === FREE ? 1 : -1;
        s[i] = st;
        v[i] = scav ? 1 : 0;
        const m = 1 << (i & 31);
        if (st === FREE) a[i >>> 5]! &= ~m;
        else a[i >>> 5]! |= m;
        if (st === FREE && scav) b[i >>> 5]! |= m;
        else b[i >>> 5]! &= ~m;
      }
      this.freeCount.set(ci, free);
      this.versions.set(ci, (this.versions.get(ci) ?? 0) + 1);
    }
  }

  /** The allocation bitmap chunk ci must show (uint32 words, bit i = page i; 1 = allocated). Read-only. */
  expectedAllocBits(ci: number): Uint32Array | undefined {
    return this.allocBits.get(ci);
  }

  /** The scavenged bitmap chunk ci must show. Read-only. */
  expectedScavBits(ci: number): Uint32Array | undefined {
    return this.scavBits.get(ci);
  }

  /** Live caches' blocks and masks, by id. */
  liveCaches(): ReadonlyMap<number, { readonly basePage: number; readonly owned: bigint; readonly scav: bigint }> {
    return this.cacheMasks;
  }

  /** Chunk ci's change counter. */
  version(ci: number): number {
    return this.versions.get(ci) ?? 0;
  }

  /** First fit: the lowest page starting npages consecutive free mapped pages, or -1. */
  firstFit(npages: number): number {
    let runStart = -1;
    let runLen = 0;
    let prevChunk = -2;
    for (const ci of this.chunkOrder) {
      // A gap in mapped memory breaks any run.
      if (ci !== prevChunk + 1) runLen = 0;
      prevChunk = ci;
      // A chunk with no free page breaks any run.
      if (this.freeCount.get(ci) === 0) {
        runLen = 0;
        continue;
      }
      const s = this.state.get(ci)!;
      const a = this.allocBits.get(ci)!;
      for (let i = 0; i < this.chunkPages; i++) {
        // 32 handed-out pages in a row break the run too: skip them at once;
        // 32 free pages in a row extend it at once.
        if ((i & 31) === 0 && a[i >>> 5] === 0xffffffff) {
          runLen = 0;
          i += 31;
          continue;
        }
        if ((i & 31) === 0 && a[i >>> 5] === 0 && runLen + 32 < npages) {
          if (runLen === 0) runStart = ci * this.chunkPages + i;
          runLen += 32;
          i += 31;
          continue;
        }
        if (s[i] !== FREE) {
          runLen = 0;
          continue;
        }
        if (runLen === 0) runStart = ci * this.chunkPages + i;
        runLen++;
        if (runLen === npages) return runStart;
      }
    }
    return -1;
  }

  /** Count of pages of [pi, pi+n) that are not free (handed out or cached); unmapped pages count too. */
  heldIn(pi: number, n: number): number {
    let held = 0;
    for (let p = pi; p < pi + n; ) {
      const ci = Math.floor(p / this.chunkPages);
      const a = this.allocBits.get(ci);
      const stop = Math.min(pi + n, (ci + 1) * this.chunkPages);
      if (a === undefined) {
        held += stop - p;
        p = stop;
        continue;
      }
      for (; p < stop; p++) {
        const i = p - ci * this.chunkPages;
        held += (a[i >>> 5]! >>> (i & 31)) & 1;
      }
    }
    return held;
  }

  /** Count of scavenged pages in [pi, pi+n). */
  scavengedIn(pi: number, n: number): number {
    let c = 0;
    for (let p = pi; p < pi + n; ) {
      const ci = Math.floor(p / this.chunkPages);
      const v = this.scavenged.get(ci)!;
      const stop = Math.min(pi + n, (ci + 1) * this.chunkPages);
      for (; p < stop; p++) c += v[p - ci * this.chunkPages]!;
    }
    return c;
  }

  /** alloc: first fit; the pages become allocated and unscavenged. Returns [first page or -1, scavenged pages in the run]. */
  alloc(npages: number): [number, number] {
    const pi = this.firstFit(npages);
    if (pi < 0) return [-1, 0];
    const scav = this.scavengedIn(pi, npages);
    this.setRange(pi, npages, ALLOCATED, false);
    return [pi, scav];
  }

  /** free: allocated pages become free; freed pages are not scavenged. */
  free(pi: number, npages: number): void {
    for (let p = pi; p < pi + npages; p++) {
      if (this.pageState(p) !== ALLOCATED) throw new Error(`spec: page ${p} freed but not allocated`);
    }
    this.setRange(pi, npages, FREE, false);
  }

  /** The lowest free mapped page, or -1. */
  firstFreePage(): number {
    return this.firstFit(1);
  }

  /**
   * allocToCache: the 64-page aligned block holding the lowest free page
   * gives all its free pages to cache `id`; their scavenged state moves
   * into the cache.
   */
  allocToCache(id: number): AbstractCache {
    const first = this.firstFreePage();
    if (first < 0) return { basePage: -1, cache: 0n, scav: 0n };
    const basePage = first - (first % 64);
    let cache = 0n;
    let scav = 0n;
    for (let i = 0; i < 64; i++) {
      const p = basePage + i;
      if (this.pageState(p) !== FREE) continue;
      cache |= 1n << BigInt(i);
      if (this.isScavenged(p) === true) scav |= 1n << BigInt(i);
      this.setPage(p, CACHED, this.isScavenged(p) === true);
      this.owner.set(p, id);
    }
    this.cacheMasks.set(id, { basePage, owned: cache, scav });
    return { basePage, cache, scav };
  }

  /** cacheAlloc: the lowest run of npages pages cache `id` owns, within its block. Returns [first page or -1, scavenged pages]. */
  cacheAlloc(id: number, basePage: number, npages: number): [number, number] {
    let run = 0;
    for (let i = 0; i < 64; i++) {
      const p = basePage + i;
      run = this.owner.get(p) === id ? run + 1 : 0;
      if (run === npages) {
        const first = p - npages + 1;
        const scav = this.scavengedIn(first, npages);
        for (let q = first; q <= p; q++) {
          this.setPage(q, ALLOCATED, false);
          this.owner.delete(q);
        }
        const m = this.cacheMasks.get(id);
        if (m !== undefined) {
          const run = ((1n << BigInt(npages)) - 1n) << BigInt(first - basePage);
          this.cacheMasks.set(id, { basePage, owned: m.owned & ~run, scav: m.scav & ~run });
        }
        return [first, scav];
      }
    }
    return [-1, 0];
  }

  /** cacheFlush: every page cache `id` still owns becomes free, keeping its scavenged state. */
  cacheFlush(id: number, basePage: number): void {
    for (let i = 0; i < 64; i++) {
      const p = basePage + i;
      if (this.owner.get(p) !== id) continue;
      this.owner.delete(p);
      this.setPage(p, FREE, this.isScavenged(p) === true);
    }
    this.cacheMasks.delete(id);
  }

  /** scavenge outcome: the given free, unscavenged pages become scavenged. */
  markScavenged(pages: ReadonlyPageSet): void {
    for (const p of pages.sorted()) {
      if (this.pageState(p) !== FREE || this.isScavenged(p) !== false) throw new Error(`spec: page ${p} scavenged but not free and unscavenged`);
      this.setPage(p, FREE, true);
    }
  }

  /** Free, unscavenged mapped pages: what a scavenger may release. */
  scavengeable(): PageSet {
    const out = new PageSet(this.chunkPages);
    for (const ci of this.chunkOrder) {
      const a = this.allocBits.get(ci)!;
      const b = this.scavBits.get(ci)!;
      out.setChunk(ci, a.map((x, k) => ~(x | b[k]!)));
    }
    return out;
  }

  /** Per-chunk state arrays (read-only views for the refinement check). */
  chunkStates(ci: number): { state: Uint8Array; scavenged: Uint8Array } | undefined {
    const state = this.state.get(ci);
    const scavenged = this.scavenged.get(ci);
    return state === undefined || scavenged === undefined ? undefined : { state, scavenged };
  }
}
