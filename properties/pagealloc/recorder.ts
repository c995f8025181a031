// Page-level steps, recorded as they happen: the recorder is the page
// allocator's observer. For every call it asks the abstract page heap what
// should have happened (before updating it), and records the step the
// catalog's action properties check. The pagealloc suite drives pageAlloc
// directly; the heap suite drives it through mheap, and the same checks run
// underneath.

import { chunkIndex, pageIndex } from '../../model/chunks.js';
import type { Geometry } from '../../model/geometry.js';
import type { PageAlloc, PageAllocObserver } from '../../model/mpagealloc.js';
import type { PageCache } from '../../model/mpagecache.js';
import { PageSet } from '../../spec/pagealloc/pageSet.js';
import type { ScavengeOneOutcome } from '../../spec/pagealloc/scavengeIndex.js';
import type { AbstractCache } from '../../spec/pagealloc/pageHeap.js';
import { AbstractPageHeap, CACHED, FREE } from '../../spec/pagealloc/pageHeap.js';
import type { PageAllocStep, PageAllocWorld } from '../../spec/pagealloc/world.js';

export class PageStepRecorder implements PageAllocObserver, PageAllocWorld {
  readonly shadow: AbstractPageHeap;
  /** Live page caches by id. */
  readonly caches = new Map<number, PageCache>();
  private readonly ids = new Map<PageCache, number>();
  private nextCacheId = 1;
  /** Steps recorded since the last take(). */
  private steps: PageAllocStep[] = [];
  private scavBefore: { bits: Map<number, [Uint32Array, Uint32Array]>; scavengeable: PageSet; unreachable: number; want: ScavengeOneOutcome[]; got: { firstPage: number; npages: number }[] } | undefined;

  constructor(
    readonly h: PageAlloc,
    private readonly g: Geometry,
  ) {
    this.shadow = new AbstractPageHeap(g.pallocChunkPages, {
      hiOccPages: g.scavChunkHiOccPages,
      minPages: Math.max(1, Math.floor(g.physPageSize / g.pageSize)),
      hugePagePages: g.physHugePageSize > g.pageSize && g.physHugePageSize > g.physPageSize ? g.physHugePageSize / g.pageSize : 0,
    });
    h.observer = this;
    h.scav.index.onNextGen = () => this.nextGenDone();
  }

  /** The steps recorded since the last call. */
  take(): PageAllocStep[] {
    const s = this.steps;
    this.steps = [];
    return s;
  }

  /** The id a cache was given when allocToCache made it. */
  idOf(c: PageCache): number | undefined {
    return this.ids.get(c);
  }

  private page(addr: number): number {
    return pageIndex(this.g, addr);
  }

  /** Pages of [first, first+n) the spec does not have free. */
  private heldIn(first: number, n: number): number {
    return this.shadow.heldIn(first, n);
  }

  grow(base: number, size: number): void {
    this.shadow.grow(chunkIndex(this.g, base), size / this.g.pallocChunkBytes);
    this.steps.push({ op: 'grow', base, size });
  }

  alloc(npages: number, addr: number, scav: number): void {
    const first = addr === 0 ? -1 : this.page(addr);
    const heldBefore = addr === 0 ? 0 : this.heldIn(first, npages);
    const [wantPage, wantScav] = this.shadow.alloc(npages);
    const want = { page: wantPage, scavBytes: wantScav * this.g.pageSize };
    this.steps.push(addr === 0 ? { op: 'alloc', npages, addr, scav, want } : { op: 'alloc', npages, addr, scav, want, handedOut: { firstPage: first, npages, heldBefore } });
  }

  free(base: number, npages: number): void {
    this.shadow.free(this.page(base), npages);
    this.steps.push({ op: 'free', base, npages });
  }

  allocToCache(c: PageCache): void {
    const id = this.nextCacheId++;
    const got: AbstractCache = c.empty() ? { basePage: -1, cache: 0n, scav: 0n } : { basePage: this.page(c.base), cache: c.cache, scav: c.scav };
    let heldBefore = 0;
    const words = [Number(c.cache & 0xffffffffn), Number(c.cache >> 32n)];
    for (let i = 0; i < 64; i++) if ((words[i >>> 5]! >>> (i & 31)) & 1 && this.shadow.pageState(got.basePage + i) !== FREE) heldBefore++;
    const want = this.shadow.allocToCache(id);
    if (!c.empty()) {
      this.caches.set(id, c);
      this.ids.set(c, id);
    }
    this.steps.push({ op: 'allocToCache', id, got, want, heldBefore });
  }

  cacheAlloc(c: PageCache, base: number, npages: number, addr: number, scav: number): void {
    const id = this.ids.get(c) ?? 0;
    const first = addr === 0 ? -1 : this.page(addr);
    let heldBefore = 0;
    if (addr !== 0) for (let p = first; p < first + npages; p++) if (this.shadow.pageState(p) !== CACHED || this.shadow.ownerOf(p) !== id) heldBefore++;
    const [wantPage, wantScav] = id === 0 ? [-1, 0] : this.shadow.cacheAlloc(id, this.page(base), npages);
    const want = { page: wantPage, scavBytes: wantScav * this.g.pageSize };
    this.steps.push(addr === 0 ? { op: 'cacheAlloc', id, npages, addr, scav, want } : { op: 'cacheAlloc', id, npages, addr, scav, want, handedOut: { firstPage: first, npages, heldBefore } });
  }

  cacheFlush(c: PageCache, base: number): void {
    const id = this.ids.get(c) ?? 0;
    this.shadow.cacheFlush(id, this.page(base));
    this.caches.delete(id);
    this.ids.delete(c);
    this.steps.push({ op: 'cacheFlush', id });
  }

  scavengeStart(nbytes: number, force: boolean): void {
    const bits = new Map<number, [Uint32Array, Uint32Array]>();
    for (const ci of this.shadow.chunks()) {
      const c = this.h.peekChunk(ci);
      if (c !== undefined) bits.set(ci, [c.w.slice(), c.scavenged.w.slice()]);
    }
    const scavengeable = this.shadow.scavengeable();
    const unreachable = this.unreachable().size;
    // The spec decides what this scavenge must release, and applies it to the abstract page heap.
    const want = this.shadow.scavenge(nbytes, force, this.g.pageSize);
    this.scavBefore = { bits, scavengeable, unreachable, want, got: [] };
  }

  scavenged(addr: number, npages: number): void {
    this.scavBefore?.got.push({ firstPage: this.page(addr), npages });
  }

  scavengeEnd(nbytes: number, force: boolean, released: number): void {
    const before = this.scavBefore!;
    this.scavBefore = undefined;
    const newlyScavenged = new PageSet(this.g.pallocChunkPages);
    const otherChanges = new PageSet(this.g.pallocChunkPages);
    for (const [ci, [alloc0, scav0]] of before.bits) {
      const c = this.h.peekChunk(ci)!;
      // Newly scavenged: the scavenged bit went 0 -> 1 and the allocation bit stayed.
      const newly = alloc0.map((a, k) => ~(a ^ c.w[k]!) & ~scav0[k]! & c.scavenged.w[k]!);
      newlyScavenged.setChunk(ci, newly);
      otherChanges.setChunk(ci, alloc0.map((a, k) => ((a ^ c.w[k]!) | (scav0[k]! ^ c.scavenged.w[k]!)) & ~newly[k]!));
    }
    const unreachableAfter = this.unreachable();
    this.steps.push({
      op: 'scavenge',
      nbytes,
      force,
      released,
      pageSize: this.g.pageSize,
      newlyScavenged,
      otherChanges,
      scavengeableBefore: before.scavengeable,
      scavengeableAfter: this.shadow.scavengeable(),
      want: before.want,
      got: before.got,
      unreachableAfter,
      newlyUnreachable: Math.max(0, unreachableAfter.size - before.unreachable),
    });
  }

  /** The scavenge index moved to its next generation (the model's nextGen ran): the spec's index follows. */
  private nextGenDone(): void {
    this.shadow.index.nextGen();
    this.steps.push({ op: 'nextGen' });
  }

  /** Free, unscavenged pages no scavenger can reach now, per the spec's index. */
  unreachable(): PageSet {
    const out = new PageSet(this.g.pallocChunkPages);
    const words = new Uint32Array(this.g.pallocChunkPages / 32);
    for (const ci of this.shadow.chunks()) {
      const w = this.shadow.unreachableWords(ci, words);
      if (w !== undefined) out.setChunk(ci, w.slice());
    }
    return out;
  }
}
