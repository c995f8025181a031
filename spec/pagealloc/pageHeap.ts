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

import { PageSet } from './pageSet.js';
import type { IndexGeometry, ScavengeablePages, ScavengeOneOutcome } from './scavengeIndex.js';
import { AbstractScavengeIndex } from './scavengeIndex.js';

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

/** One mapped chunk: a state and a scavenged flag per page, and what follows from them. */
interface ChunkState {
  /** FREE, ALLOCATED or CACHED, per page. */
  readonly state: Uint8Array;
  /** 1 if scavenged, per page (for cached pages: the cache's scav bit). */
  readonly scavenged: Uint8Array;
  /** For cached pages, the owning cache's id (0 otherwise). */
  readonly owner: Int32Array;
  /**
   * The bitmaps a page allocator implementing this heap must show, kept in
   * step page by page: allocated = handed out or cached; scavenged = free
   * and scavenged (a cached page's scavenged state is its cache's).
   */
  readonly allocBits: Uint32Array;
  readonly scavBits: Uint32Array;
  /** Free pages, so first fit can skip chunks with none. */
  free: number;
}

export class AbstractPageHeap implements ScavengeablePages {
  /** Mapped chunks by chunk index. */
  private readonly chunkStatesByIndex = new Map<number, ChunkState>();
  /** Mapped chunk indices, ascending. */
  private chunkOrder: number[] = [];
  /** Live caches: block and the pages (and scavenged pages) each still owns, as 64-bit masks. */
  private readonly cacheMasks = new Map<number, { basePage: number; owned: bigint; scav: bigint }>();

  /** The scavenger's policy and the scavenge index it keeps, fed by every page this heap hands out and takes back. */
  readonly index: AbstractScavengeIndex;

  constructor(
    /** Pages per chunk (the only unit of growth). */
    readonly chunkPages: number,
    index: Omit<IndexGeometry, 'chunkPages'>,
  ) {
    this.index = new AbstractScavengeIndex({ ...index, chunkPages });
    this.minPages = index.minPages;
  }

  /** Pages per physical page: the scavenger releases whole, aligned groups of them only. */
  readonly minPages: number;

  /** Tell the index that [pi, pi+n) went from free to held (allocated or cached), chunk by chunk. */
  private indexAlloc(pi: number, n: number): void {
    for (let p = pi; p < pi + n; ) {
      const ci = Math.floor(p / this.chunkPages);
      const stop = Math.min(pi + n, (ci + 1) * this.chunkPages);
      this.index.alloc(ci, stop - p);
      p = stop;
    }
  }

  /** Tell the index that [pi, pi+n) went from held to free, chunk by chunk. */
  private indexFree(pi: number, n: number): void {
    for (let p = pi; p < pi + n; ) {
      const ci = Math.floor(p / this.chunkPages);
      const stop = Math.min(pi + n, (ci + 1) * this.chunkPages);
      this.index.free(ci, p - ci * this.chunkPages, stop - p);
      p = stop;
    }
  }

  /** Whether chunk ci is mapped. */
  isMapped(ci: number): boolean {
    return this.chunkStatesByIndex.has(ci);
  }

  /** Mapped chunk indices, ascending. */
  chunks(): readonly number[] {
    return this.chunkOrder;
  }

  private chunkOf(pi: number): ChunkState | undefined {
    return this.chunkStatesByIndex.get(Math.floor(pi / this.chunkPages));
  }

  /** Page state of global page pi (undefined if unmapped). */
  pageState(pi: number): number | undefined {
    return this.chunkOf(pi)?.state[pi % this.chunkPages];
  }

  /** Whether global page pi is scavenged (undefined if unmapped). */
  isScavenged(pi: number): boolean | undefined {
    const c = this.chunkOf(pi);
    return c === undefined ? undefined : c.scavenged[pi % this.chunkPages] === 1;
  }

  /** The cache owning page pi, if it is cached. */
  ownerOf(pi: number): number | undefined {
    const c = this.chunkOf(pi);
    const id = c?.owner[pi % this.chunkPages] ?? 0;
    return id === 0 ? undefined : id;
  }

  /** Grow: chunks [firstChunk, firstChunk+n) become mapped, every page free and scavenged. */
  grow(firstChunk: number, n: number): void {
    for (let ci = firstChunk; ci < firstChunk + n; ci++) {
      if (this.chunkStatesByIndex.has(ci)) throw new Error(`spec: chunk ${ci} grown twice`);
      this.chunkStatesByIndex.set(ci, {
        state: new Uint8Array(this.chunkPages),
        scavenged: new Uint8Array(this.chunkPages).fill(1),
        owner: new Int32Array(this.chunkPages),
        allocBits: new Uint32Array(this.chunkPages / 32),
        scavBits: new Uint32Array(this.chunkPages / 32).fill(0xffffffff),
        free: this.chunkPages,
      });
    }
    this.chunkOrder = [...this.chunkStatesByIndex.keys()].sort((a, b) => a - b);
    this.index.grow(firstChunk, n);
  }

  /** Set a mapped page's state directly (for building states like Go's NewPageAlloc). */
  setPage(pi: number, st: number, scav: boolean): void {
    this.setRange(pi, 1, st, scav);
  }

  /** Give every page of [pi, pi+n) state st and scavenged flag scav; they must be mapped. */
  setRange(pi: number, n: number, st: number, scav: boolean): void {
    let p = pi;
    const end = pi + n;
    while (p < end) {
      const ci = Math.floor(p / this.chunkPages);
      const c = this.chunkStatesByIndex.get(ci);
      if (c === undefined) throw new Error(`spec: page ${p} is not mapped`);
      const { state: s, scavenged: v, allocBits: a, scavBits: b } = c;
      const stop = Math.min(end, (ci + 1) * this.chunkPages);
      for (; p < stop; p++) {
        const i = p - ci * this.chunkPages;
        if ((s[i] === FREE) !== (st === FREE)) c.free += st === FREE ? 1 : -1;
        s[i] = st;
        v[i] = scav ? 1 : 0;
        const m = 1 << (i & 31);
        if (st === FREE) a[i >>> 5]! &= ~m;
        else a[i >>> 5]! |= m;
        if (st === FREE && scav) b[i >>> 5]! |= m;
        else b[i >>> 5]! &= ~m;
      }
    }
  }

  /**
   * The bitmaps chunk ci must show (uint32 words, bit i = page i): alloc,
   * 1 = handed out or cached; scav, 1 = free and scavenged. Read-only.
   */
  expectedBits(ci: number): { readonly allocBits: Uint32Array; readonly scavBits: Uint32Array } | undefined {
    return this.chunkStatesByIndex.get(ci);
  }

  /** Live caches' blocks and masks, by id. */
  liveCaches(): ReadonlyMap<number, { readonly basePage: number; readonly owned: bigint; readonly scav: bigint }> {
    return this.cacheMasks;
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
      const c = this.chunkStatesByIndex.get(ci)!;
      // A chunk with no free page breaks any run.
      if (c.free === 0) {
        runLen = 0;
        continue;
      }
      const { state: s, allocBits: a } = c;
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
      const c = this.chunkStatesByIndex.get(ci);
      const stop = Math.min(pi + n, (ci + 1) * this.chunkPages);
      if (c === undefined) {
        held += stop - p;
        p = stop;
        continue;
      }
      for (; p < stop; p++) held += c.state[p - ci * this.chunkPages] === FREE ? 0 : 1;
    }
    return held;
  }

  /** Count of scavenged pages in [pi, pi+n). */
  scavengedIn(pi: number, n: number): number {
    let count = 0;
    for (let p = pi; p < pi + n; ) {
      const ci = Math.floor(p / this.chunkPages);
      const v = this.chunkStatesByIndex.get(ci)!.scavenged;
      const stop = Math.min(pi + n, (ci + 1) * this.chunkPages);
      for (; p < stop; p++) count += v[p - ci * this.chunkPages]!;
    }
    return count;
  }

  /** alloc: first fit; the pages become allocated and unscavenged. Returns [first page or -1, scavenged pages in the run]. */
  alloc(npages: number): [number, number] {
    const pi = this.firstFit(npages);
    if (pi < 0) return [-1, 0];
    const scav = this.scavengedIn(pi, npages);
    this.setRange(pi, npages, ALLOCATED, false);
    this.indexAlloc(pi, npages);
    return [pi, scav];
  }

  /** free: allocated pages become free; freed pages are not scavenged. */
  free(pi: number, npages: number): void {
    for (let p = pi; p < pi + npages; ) {
      const ci = Math.floor(p / this.chunkPages);
      const c = this.chunkStatesByIndex.get(ci);
      const stop = Math.min(pi + npages, (ci + 1) * this.chunkPages);
      for (; p < stop; p++) if (c === undefined || c.state[p - ci * this.chunkPages] !== ALLOCATED) throw new Error(`spec: page ${p} freed but not allocated`);
    }
    this.setRange(pi, npages, FREE, false);
    this.indexFree(pi, npages);
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
    // A 64-page block never straddles chunks.
    const c = this.chunkOf(basePage)!;
    const i0 = basePage % this.chunkPages;
    let cache = 0n;
    let scav = 0n;
    let n = 0;
    for (let i = 0; i < 64; i++) {
      const j = i0 + i;
      if (c.state[j] !== FREE) continue;
      const scavenged = c.scavenged[j] === 1;
      cache |= 1n << BigInt(i);
      if (scavenged) scav |= 1n << BigInt(i);
      this.setRange(basePage + i, 1, CACHED, scavenged);
      c.owner[j] = id;
      n++;
    }
    this.index.alloc(Math.floor(basePage / this.chunkPages), n);
    this.cacheMasks.set(id, { basePage, owned: cache, scav });
    return { basePage, cache, scav };
  }

  /** cacheAlloc: the lowest run of npages pages cache `id` owns, within its block. Returns [first page or -1, scavenged pages]. */
  cacheAlloc(id: number, basePage: number, npages: number): [number, number] {
    const c = this.chunkOf(basePage);
    if (c === undefined) return [-1, 0];
    const i0 = basePage % this.chunkPages;
    let run = 0;
    for (let i = 0; i < 64; i++) {
      run = c.owner[i0 + i] === id ? run + 1 : 0;
      if (run === npages) {
        const first = basePage + i - npages + 1;
        const scav = this.scavengedIn(first, npages);
        this.setRange(first, npages, ALLOCATED, false);
        c.owner.fill(0, i0 + i - npages + 1, i0 + i + 1);
        const m = this.cacheMasks.get(id);
        if (m !== undefined) {
          const taken = ((1n << BigInt(npages)) - 1n) << BigInt(first - basePage);
          this.cacheMasks.set(id, { basePage, owned: m.owned & ~taken, scav: m.scav & ~taken });
        }
        return [first, scav];
      }
    }
    return [-1, 0];
  }

  /** cacheFlush: every page cache `id` still owns becomes free, keeping its scavenged state. */
  cacheFlush(id: number, basePage: number): void {
    const c = this.chunkOf(basePage);
    const i0 = basePage % this.chunkPages;
    for (let i = 0; c !== undefined && i < 64; i++) {
      // Only the pages this cache owns (owner 0 is no cache: an empty cache flushes nothing).
      if (c.state[i0 + i] !== CACHED || c.owner[i0 + i] !== id) continue;
      c.owner[i0 + i] = 0;
      this.setRange(basePage + i, 1, FREE, c.scavenged[i0 + i] === 1);
      // flush frees its pages one by one.
      this.indexFree(basePage + i, 1);
    }
    this.cacheMasks.delete(id);
  }

  /** Free, unscavenged pages [pi, pi+n) become scavenged (what a scavengeOne releases). */
  setScavenged(pi: number, n: number): void {
    for (let p = pi; p < pi + n; p++) {
      if (this.pageState(p) !== FREE || this.isScavenged(p) !== false) throw new Error(`spec: page ${p} scavenged but not free and unscavenged`);
    }
    this.setRange(pi, n, FREE, true);
  }

  /** pageAlloc.scavenge(nbytes, force) as the scavenger's policy decides it: the pages each scavengeOne releases, in order, applied here. */
  scavenge(nbytes: number, force: boolean, pageSize: number): ScavengeOneOutcome[] {
    return this.index.scavenge(this, nbytes, force, pageSize);
  }

  /**
   * Chunk ci's free, unscavenged pages no scavenger can reach now, per the
   * spec's index (its has-free flag clear, or above the forced cursor), as
   * a bitmap into out; undefined when there are none.
   */
  unreachableWords(ci: number, out: Uint32Array): Uint32Array | undefined {
    const c = this.chunkStatesByIndex.get(ci);
    if (c === undefined) return undefined;
    const clear = !this.index.entry(ci).hasFree;
    const above = this.index.force.page - ci * this.chunkPages;
    let any = 0;
    for (let k = 0; k < c.allocBits.length; k++) {
      const x = wholeGroups(~(c.allocBits[k]! | c.scavBits[k]!) >>> 0, k, c.allocBits, c.scavBits, this.minPages);
      const b0 = above - 32 * k;
      const mask = clear || b0 < 0 ? 0xffffffff : b0 >= 31 ? 0 : (0xffffffff << (b0 + 1)) >>> 0;
      out[k] = (x & mask) >>> 0;
      any |= out[k]!;
    }
    return any === 0 ? undefined : out;
  }

  /** Free, unscavenged mapped pages: what a scavenger may release. */
  scavengeable(): PageSet {
    const out = new PageSet(this.chunkPages);
    for (const ci of this.chunkOrder) {
      const c = this.chunkStatesByIndex.get(ci)!;
      out.setChunk(ci, c.allocBits.map((x, k) => wholeGroups(~(x | c.scavBits[k]!) >>> 0, k, c.allocBits, c.scavBits, this.minPages)));
    }
    return out;
  }

  /** Per-chunk state arrays (read-only views for the refinement check): state, scavenged flag, and owning cache id per page. */
  chunkStates(ci: number): { readonly state: Uint8Array; readonly scavenged: Uint8Array; readonly owner: Int32Array; readonly free: number; readonly scavBits: Uint32Array } | undefined {
    return this.chunkStatesByIndex.get(ci);
  }
}

/**
 * Word k of a chunk's free-and-unscavenged bits x, keeping only whole
 * min-page groups (physical pages): findScavengeCandidate's fillAligned
 * view, where a group with any page allocated or scavenged is no candidate.
 */
export function wholeGroups(x: number, k: number, allocBits: ArrayLike<number>, scavBits: ArrayLike<number>, min: number): number {
  if (min <= 1) return x;
  if (min >= 32) {
    // A group spans min/32 words: all of them must be wholly free and unscavenged.
    const per = min / 32;
    const first = k - (k % per);
    for (let j = first; j < first + per; j++) if ((allocBits[j]! | scavBits[j]!) !== 0) return 0;
    return x;
  }
  const full = (1 << min) - 1;
  let out = 0;
  for (let b = 0; b < 32; b += min) if (((x >>> b) & full) === full) out |= full << b;
  return out >>> 0;
}
