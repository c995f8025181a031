// The abstract span heap: what runtime/mheap.go's span layer promises,
// with none of how.
//
// State: the live spans as records (first page, page count, what they were
// allocated as, their state), who owns each page (a live span, a P's page
// cache, or nobody), and each P's page cache as a 64-page block with the
// pages it still owns. Pages are global page indices in the offset address
// space (address order), as in the abstract page heap; whether a page is
// mapped and scavenged is the abstract page heap's to say. Nothing here
// knows about mspan structures, the spans map, arenas or bitmaps.

/** The manual span kinds (mheap.go · spanAllocType, the manual ones). */
export type ManualType = 'spanAllocStack' | 'spanAllocPtrScalarBits' | 'spanAllocWorkBuf';

/** What a span was allocated as: a heap span of a span class, or a manual span of a type. */
export type SpanKind = { readonly heap: true; readonly sizeclass: number; readonly noscan: boolean } | { readonly heap: false; readonly typ: ManualType };

/** Go's spanClass encoding (mheap.go · makeSpanClass): sizeclass<<1 | noscan. */
export function spanClassOf(k: { readonly sizeclass: number; readonly noscan: boolean }): number {
  return k.sizeclass * 2 + (k.noscan ? 1 : 0);
}

/** Go's syntax for a kind: makeSpanClass(5, true) or spanAllocStack. */
export function kindGo(k: SpanKind): string {
  return k.heap ? `makeSpanClass(${k.sizeclass}, ${k.noscan})` : k.typ;
}

export interface AbstractSpan {
  /** The suite's name for it: s<id>. */
  readonly id: number;
  readonly basePage: number;
  readonly npages: number;
  readonly kind: SpanKind;
  /** mSpanInUse for heap spans, mSpanManual for manual ones. */
  readonly state: 'mSpanInUse' | 'mSpanManual';
}

/** A P's page cache as the span heap sees it: its block and the pages it still owns (bit i: basePage+i). */
export interface AbstractPCache {
  readonly basePage: number;
  readonly owned: bigint;
}

/** Owner codes in the page map: 0 nobody, > 0 a span id, < 0 the page cache of P -(code+1). */
export const NOBODY = 0;
export function cacheOwner(p: number): number {
  return -(p + 1);
}

export class AbstractSpanHeap {
  private readonly spanRecords = new Map<number, AbstractSpan>();
  /** Owner per page, by block of pagesPerBlock pages (sparse). */
  private readonly blocks = new Map<number, Int32Array>();
  /** The same blocks as bitmaps: bit i of word i/32 set when page i is in a live span (owner > 0). */
  private readonly spanBitBlocks = new Map<number, Uint32Array>();
  private readonly caches = new Map<number, AbstractPCache>();
  /** Heap spans' live objects (slot indices), and the slots marked in this GC cycle. */
  private readonly objectSlots = new Map<number, Set<number>>();
  private readonly markedSlots = new Map<number, Set<number>>();
  /** Bytes of live spans, by kind, kept with the records. */
  private inUsePages = 0;
  private readonly manualPages = new Map<ManualType, number>();

  constructor(
    /** The page-map block: any power of two; the arena's page count reads best. */
    private readonly pagesPerBlock: number,
  ) {}

  /** The live spans, in allocation order. */
  spans(): IterableIterator<AbstractSpan> {
    return this.spanRecords.values();
  }

  get size(): number {
    return this.spanRecords.size;
  }

  span(id: number): AbstractSpan | undefined {
    return this.spanRecords.get(id);
  }

  /** Who owns page p: NOBODY, a span id, or cacheOwner(P). */
  ownerOf(p: number): number {
    return this.blocks.get(Math.floor(p / this.pagesPerBlock))?.[p % this.pagesPerBlock] ?? NOBODY;
  }

  /** The owner map of block b (pages [b*pagesPerBlock, +pagesPerBlock)), if any page of it was ever owned. Read-only. */
  ownerBlock(b: number): Int32Array | undefined {
    return this.blocks.get(b);
  }

  /** Block b's bitmap of pages in live spans (uint32 words, bit i = page i), if any page of it was ever owned. Read-only. */
  spanPageBits(b: number): Uint32Array | undefined {
    return this.spanBitBlocks.get(b);
  }

  /** Blocks with an owner map. */
  ownerBlocks(): IterableIterator<[number, Int32Array]> {
    return this.blocks.entries();
  }

  private setOwner(p: number, n: number, owner: number): void {
    for (let q = p; q < p + n; ) {
      const b = Math.floor(q / this.pagesPerBlock);
      let m = this.blocks.get(b);
      let bits = this.spanBitBlocks.get(b);
      if (m === undefined || bits === undefined) {
        this.blocks.set(b, (m = new Int32Array(this.pagesPerBlock)));
        this.spanBitBlocks.set(b, (bits = new Uint32Array(Math.ceil(this.pagesPerBlock / 32))));
      }
      const stop = Math.min(p + n, (b + 1) * this.pagesPerBlock);
      const from = q - b * this.pagesPerBlock;
      const to = stop - b * this.pagesPerBlock;
      m.fill(owner, from, to);
      for (let i = from; i < to; i++) {
        if (owner > 0) bits[i >>> 5]! |= 1 << (i & 31);
        else bits[i >>> 5]! &= ~(1 << (i & 31));
      }
      q = stop;
    }
  }

  /** P's page cache, if it owns any page. */
  cache(p: number): AbstractPCache | undefined {
    return this.caches.get(p);
  }

  /** Whether P's cache owns npages contiguous pages (what pageCache.alloc needs to succeed). */
  cacheHasRun(p: number, npages: number): boolean {
    const c = this.caches.get(p);
    if (c === undefined) return false;
    let run = 0;
    for (let i = 0; i < 64; i++) {
      run = (c.owned >> BigInt(i)) & 1n ? run + 1 : 0;
      if (run >= npages) return true;
    }
    return false;
  }

  /** allocToCache on behalf of P: the pages of owned (bit i: basePage+i) go to P's cache, which must be empty. */
  cacheRefill(p: number, basePage: number, owned: bigint): void {
    if (this.caches.has(p)) throw new Error(`spec: P${p}'s page cache refilled while it still owns pages`);
    if (owned === 0n) return;
    this.caches.set(p, { basePage, owned });
    for (let i = 0; i < 64; i++) if ((owned >> BigInt(i)) & 1n) this.setOwner(basePage + i, 1, cacheOwner(p));
  }

  /** pageCache.flush of P's cache: every page it still owns goes to nobody. */
  cacheFlush(p: number): void {
    const c = this.caches.get(p);
    if (c === undefined) return;
    for (let i = 0; i < 64; i++) if ((c.owned >> BigInt(i)) & 1n) this.setOwner(c.basePage + i, 1, NOBODY);
    this.caches.delete(p);
  }

  /** A new live span; its pages must be owned by nobody or by the page cache of P from (which gives them up). */
  addSpan(s: AbstractSpan, fromCacheOf?: number): void {
    if (this.spanRecords.has(s.id)) throw new Error(`spec: span ${s.id} added twice`);
    if (fromCacheOf !== undefined) {
      const c = this.caches.get(fromCacheOf)!;
      let taken = 0n;
      for (let q = s.basePage; q < s.basePage + s.npages; q++) taken |= 1n << BigInt(q - c.basePage);
      const owned = c.owned & ~taken;
      if (owned === 0n) this.caches.delete(fromCacheOf);
      else this.caches.set(fromCacheOf, { basePage: c.basePage, owned });
    }
    this.spanRecords.set(s.id, s);
    this.setOwner(s.basePage, s.npages, s.id);
    if (s.kind.heap) this.inUsePages += s.npages;
    else this.manualPages.set(s.kind.typ, (this.manualPages.get(s.kind.typ) ?? 0) + s.npages);
  }

  /** A span dies: its pages go to nobody. Returns its record. */
  removeSpan(id: number): AbstractSpan {
    const s = this.spanRecords.get(id);
    if (s === undefined) throw new Error(`spec: span ${id} freed but not live`);
    this.spanRecords.delete(id);
    this.objectSlots.delete(id);
    this.markedSlots.delete(id);
    this.setOwner(s.basePage, s.npages, NOBODY);
    if (s.kind.heap) this.inUsePages -= s.npages;
    else this.manualPages.set(s.kind.typ, this.manualPages.get(s.kind.typ)! - s.npages);
    return s;
  }

  /** The live objects of heap span id, by slot (read-only). */
  objects(id: number): ReadonlySet<number> {
    return this.objectSlots.get(id) ?? noSlots;
  }

  /** The slots of heap span id marked this cycle (read-only). */
  marks(id: number): ReadonlySet<number> {
    return this.markedSlots.get(id) ?? noSlots;
  }

  /** mallocgc handed out slot of heap span id. */
  addObject(id: number, slot: number): void {
    let o = this.objectSlots.get(id);
    if (o === undefined) this.objectSlots.set(id, (o = new Set()));
    o.add(slot);
  }

  /** The GC marked the object at slot of heap span id. */
  mark(id: number, slot: number): void {
    let m = this.markedSlots.get(id);
    if (m === undefined) this.markedSlots.set(id, (m = new Set()));
    m.add(slot);
  }

  /**
   * What sweeping heap span id does, by Go's rule: unmarked objects die; a
   * small span with no object left, or a large span whose object died,
   * goes back to the heap, unless the sweep preserves it for a caller that
   * uses it next (mcentral.cacheSpan). Applies it to the objects and clears
   * the marks; returns the freed slots and whether the span dies.
   */
  sweep(id: number, preserve = false): { freed: number[]; dies: boolean } {
    const s = this.spanRecords.get(id)!;
    const objs = this.objectSlots.get(id) ?? new Set<number>();
    const marked = this.markedSlots.get(id) ?? noSlots;
    const freed = [...objs].filter((slot) => !marked.has(slot));
    for (const slot of freed) objs.delete(slot);
    this.markedSlots.delete(id);
    const small = s.kind.heap && s.kind.sizeclass !== 0;
    const dies = !preserve && (small ? objs.size === 0 : freed.length > 0);
    return { freed, dies };
  }

  /** Pages of live heap spans (mSpanInUse). */
  heapPages(): number {
    return this.inUsePages;
  }

  /** Pages of live manual spans of one type. */
  manualPagesOf(typ: ManualType): number {
    return this.manualPages.get(typ) ?? 0;
  }

  /** Pages owned by page caches. */
  cachedPages(): number {
    let n = 0;
    for (const c of this.caches.values()) for (let m = c.owned; m !== 0n; m &= m - 1n) n++;
    return n;
  }

  /** The P caches, by P. */
  pcaches(): ReadonlyMap<number, AbstractPCache> {
    return this.caches;
  }
}

const noSlots: ReadonlySet<number> = new Set();
