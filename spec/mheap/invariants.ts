// State invariants of the span layer (runtime/mheap.go): true after every step.

import { pageIndex } from '../../model/chunks.js';
import { hex } from '../../model/geometry.js';
import { arenaIndex, arenaPage, pageIndexOf } from '../../model/heaparena.js';
import type { MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import { class_to_divmagic, class_to_size } from '../../model/sizeclasses.js';
import { manual, sizeclass } from '../../model/spanclass.js';
import type { StateInvariant } from '../catalog.js';
import { go } from '../catalog.js';
import { bit } from '../pagealloc/modelView.js';
import type { HeapWorld } from './world.js';

const specFile = 'spec/mheap/invariants.ts';
type Inv = StateInvariant<HeapWorld>;

/** Spans in state mSpanInUse or mSpanManual. */
function liveSpans(h: MHeap): MSpan[] {
  return h.allspans.filter((s) => s.state.get() !== 'mSpanDead');
}

function name(s: MSpan): string {
  return `span ${s.id} [${hex(s.base())}, +${s.npages} pages)`;
}

const sweepgenRelations = new Set([-2, -1, 0, 1, 3]);

function sweepgenProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  if (h.sweepgen % 2 !== 0) return `h.sweepgen = ${h.sweepgen} is odd`;
  for (const s of h.allspans) {
    if (s.state.get() !== 'mSpanInUse') continue;
    const rel = (((s.sweepgen - h.sweepgen) % 2 ** 32) + 2 ** 32) % 2 ** 32;
    const signed = rel >= 2 ** 31 ? rel - 2 ** 32 : rel;
    if (!sweepgenRelations.has(signed)) return `${name(s)} has sweepgen ${s.sweepgen}, h.sweepgen ${h.sweepgen}: not one of sg-2, sg-1, sg, sg+1, sg+3`;
  }
  return undefined;
}

export const sweepgenIsLegal: Inv = {
  id: 'sweepgenIsLegal',
  kind: 'state',
  go: go('mheap.go', 'type mspan (sweepgen)'),
  quote:
    'if sweepgen == h->sweepgen - 2, the span needs sweeping; if sweepgen == h->sweepgen - 1, the span is currently being swept; if sweepgen == h->sweepgen, the span is swept and ready to use; if sweepgen == h->sweepgen + 1, the span was cached before sweep began and is still cached, and needs sweeping; if sweepgen == h->sweepgen + 3, the span was swept and then cached and is still cached; h->sweepgen is incremented by 2 after every GC',
  statement: 'h.sweepgen is even, and every in-use span\'s sweepgen is h.sweepgen - 2, - 1, + 0, + 1 or + 3 (mod 2^32).',
  specFile,
  holds: (w) => sweepgenProblem(w) === undefined,
  why: (w) => sweepgenProblem(w) ?? '',
};

/**
 * Owners of every grown page: a live span, a P's page cache, or none. The
 * owned pages are painted into per-chunk bitmaps (a page painted twice has
 * two owners), which must then equal the page allocator's bitmaps.
 */
function ownerProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const words = g.pallocChunkPages / 32;
  const painted = new Map<number, Uint32Array>();
  const at = (p: number): string => hex(p * g.pageSize + g.arenaBaseOffset);
  /** Paint pages [p, p+n) (within one 32-page word) for `who`. */
  const paint = (p: number, n: number, who: string): string | undefined => {
    const ci = Math.floor(p / g.pallocChunkPages);
    let bits = painted.get(ci);
    if (bits === undefined) painted.set(ci, (bits = new Uint32Array(words)));
    const i = p % g.pallocChunkPages;
    const m = (n === 32 ? 0xffffffff : ((1 << n) - 1) << (i & 31)) >>> 0;
    const clash = (bits[i >>> 5]! & m) >>> 0;
    if (clash !== 0) return `page ${at(p - (i & 31) + 31 - Math.clz32(clash & -clash))} has two owners (one is ${who})`;
    bits[i >>> 5]! |= m;
    return undefined;
  };
  for (const s of liveSpans(h)) {
    let p = pageIndex(g, s.base());
    const end = p + s.npages;
    while (p < end) {
      const n = Math.min(end - p, 32 - (p % 32));
      const bad = paint(p, n, `span ${s.id}`);
      if (bad !== undefined) return bad;
      p += n;
    }
  }
  for (const pp of h.allp) {
    const c = pp.pcache;
    if (c.empty()) continue;
    const first = pageIndex(g, c.base);
    for (let i = 0; i < 64; i++) {
      if (((c.cache >> BigInt(i)) & 1n) === 0n) continue;
      const bad = paint(first + i, 1, `P${pp.id}'s page cache`);
      if (bad !== undefined) return bad;
    }
  }
  // Allocated in the page allocator exactly when owned; nothing owned outside grown memory.
  const grown = new Set<number>();
  for (const r of h.pages.inUse.ranges) {
    for (let a = r.base.addr(); a < r.limit.addr(); a += g.pallocChunkBytes) {
      const ci = Math.floor((a - g.arenaBaseOffset) / g.pallocChunkBytes);
      grown.add(ci);
      const c = h.pages.peekChunk(ci);
      const want = painted.get(ci);
      for (let k = 0; k < words; k++) {
        const d = ((c?.w[k] ?? 0) ^ (want?.[k] ?? 0)) >>> 0;
        if (d !== 0) {
          const p = ci * g.pallocChunkPages + 32 * k + 31 - Math.clz32(d & -d);
          const allocated = c !== undefined && bit(c, p % g.pallocChunkPages);
          return `page ${at(p)} is ${allocated ? 'allocated' : 'free'} in the page allocator but ${allocated ? 'owned by no span or page cache' : 'owned by a span or page cache'}`;
        }
      }
    }
  }
  for (const ci of painted.keys()) if (!grown.has(ci)) return `a span or page cache owns pages of chunk ${ci}, which was never grown`;
  return undefined;
}

export const everyPageHasOneOwner: Inv = {
  id: 'everyPageHasOneOwner',
  kind: 'state',
  go: go('mheap.go', 'type mspan'),
  quote: 'When a mspan is allocated, state == mSpanInUse or mSpanManual and heapmap(i) == span for all s->start <= i < s->start+s->npages.',
  statement:
    'Every grown page is exactly one of: free in the page allocator, in one P\'s page cache, or in one live (in-use or manual) span; and the page allocator shows it allocated exactly when it is in a cache or a span. So spans never overlap.',
  specFile,
  holds: (w) => ownerProblem(w) === undefined,
  why: (w) => ownerProblem(w) ?? '',
};

function spansMapProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  for (const s of liveSpans(h)) {
    let n = 0;
    while (n < s.npages) {
      const a = s.base() + n * g.pageSize;
      const ha = h.arenas.get(arenaIndex(g, a));
      if (ha === undefined) return `${name(s)}: page ${hex(a)} has no heap arena`;
      // The rest of the span within this arena.
      const first = arenaPage(g, a);
      const stop = Math.min(g.pagesPerArena, first + (s.npages - n));
      for (let i = first; i < stop; i++) if (ha.spans[i] !== s) return `${name(s)}: spans[] at page ${hex(a + (i - first) * g.pageSize)} points elsewhere`;
      n += stop - first;
    }
  }
  return undefined;
}

export const spansMapCoversLiveSpans: Inv = {
  id: 'spansMapCoversLiveSpans',
  kind: 'state',
  go: go('mheap.go', 'type heapArena (spans)'),
  quote: 'spans maps from virtual address page ID within this arena to *mspan. For allocated spans, their pages map to the span itself.',
  statement: "The spans map points every page of every in-use or manual span at that span.",
  specFile,
  holds: (w) => spansMapProblem(w) === undefined,
  why: (w) => spansMapProblem(w) ?? '',
};

function spanOfHeapProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  for (const s of liveSpans(h)) {
    const heapObj = s.state.get() === 'mSpanInUse';
    // Its first and last byte of data, and the byte just past the span.
    for (const a of [s.base(), s.base() + s.npages * g.pageSize - 1]) {
      const want = heapObj && a < s.limit ? s : null;
      if (h.spanOfHeap(a) !== want) return `spanOfHeap(${hex(a)}) is not ${want === null ? 'nil' : name(s)}`;
      if (h.inHeapOrStack(a) !== a < s.limit) return `inHeapOrStack(${hex(a)}) is ${!(a < s.limit)} for ${name(s)} (limit ${hex(s.limit)})`;
    }
    const past = s.base() + s.npages * g.pageSize;
    const next = h.spanOfHeap(past);
    if (next !== null && (next.base() > past || past >= next.limit || next.state.get() !== 'mSpanInUse')) return `spanOfHeap(${hex(past)}) returned ${name(next)}, which does not hold it`;
  }
  return undefined;
}

export const spanOfHeapAgreesWithOwners: Inv = {
  id: 'spanOfHeapAgreesWithOwners',
  kind: 'state',
  go: go('mheap.go', 'spanOfHeap'),
  quote: 'spanOfHeap is like spanOf, but returns nil if p does not point to a heap object.',
  statement:
    'For every live span, spanOfHeap of its first and last byte is the span exactly when it is in use and the byte is below its limit (nil otherwise, manual spans included); inHeapOrStack is true exactly below the limit; and just past a span, spanOfHeap never names a span that does not hold the address.',
  specFile,
  holds: (w) => spanOfHeapProblem(w) === undefined,
  why: (w) => spanOfHeapProblem(w) ?? '',
};

function pageInUseProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const want = new Map<number, Uint8Array>();
  for (const s of h.allspans) {
    if (s.state.get() !== 'mSpanInUse') continue;
    const ai = arenaIndex(g, s.base());
    const bits = want.get(ai) ?? new Uint8Array(g.pagesPerArena / 8);
    const [i, m] = pageIndexOf(g, s.base());
    bits[i]! |= m;
    want.set(ai, bits);
  }
  for (const [ai, ha] of h.arenas) {
    const wb = want.get(ai);
    for (let i = 0; i < ha.pageInUse.length; i++) {
      const got = ha.pageInUse[i]!;
      const exp = wb?.[i] ?? 0;
      if (got !== exp) return `arena ${ai}: pageInUse byte ${i} is 0b${got.toString(2)}, but the in-use spans' first pages give 0b${exp.toString(2)}`;
    }
  }
  return undefined;
}

export const pageInUseMarksInUseSpans: Inv = {
  id: 'pageInUseMarksInUseSpans',
  kind: 'state',
  go: go('mheap.go', 'type heapArena (pageInUse)'),
  quote: 'pageInUse is a bitmap that indicates which spans are in state mSpanInUse. This bitmap is indexed by page number, but only the bit corresponding to the first page in each span is used.',
  statement: 'A pageInUse bit is set exactly for the first page of each in-use span (manual spans never set it).',
  specFile,
  holds: (w) => pageInUseProblem(w) === undefined,
  why: (w) => pageInUseProblem(w) ?? '',
};

function pagesInUseSum(h: MHeap): number {
  return h.allspans.reduce((n, s) => n + (s.state.get() === 'mSpanInUse' ? s.npages : 0), 0);
}

export const pagesInUseCountsInUsePages: Inv = {
  id: 'pagesInUseCountsInUsePages',
  kind: 'state',
  go: go('mheap.go', 'type mheap (pagesInUse)'),
  quote: 'pages of spans in stats mSpanInUse',
  statement: 'h.pagesInUse is the sum of npages over the in-use spans.',
  specFile,
  holds: (w) => w.h.pagesInUse === pagesInUseSum(w.h),
  why: (w) => `pagesInUse = ${w.h.pagesInUse}, but the in-use spans have ${pagesInUseSum(w.h)} pages`,
};

function statsProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const gc = h.gcController;
  const st = h.heapStats;
  if (gc.heapInUse.load() !== st.inHeap) return `heapInUse and consistent stats are not equal: ${gc.heapInUse.load()} vs inHeap ${st.inHeap}`;
  if (gc.heapReleased.load() !== st.released) return `heapReleased and consistent stats are not equal: ${gc.heapReleased.load()} vs released ${st.released}`;
  const retained = gc.heapInUse.load() + gc.heapFree.load();
  const consRetained = st.committed - st.inStacks - st.inWorkBufs - st.inPtrScalarBits;
  if (retained !== consRetained) return `measures of the retained heap are not equal: ${retained} vs ${consRetained}`;
  // Every grown byte is in use, in a manual span, free, or released.
  const grown = h.pages.inUse.totalBytes;
  const manualBytes = st.inStacks + st.inWorkBufs + st.inPtrScalarBits;
  if (gc.heapInUse.load() + manualBytes + gc.heapFree.load() + gc.heapReleased.load() !== grown) {
    return `in use ${gc.heapInUse.load()} + manual ${manualBytes} + free ${gc.heapFree.load()} + released ${gc.heapReleased.load()} != ${grown} bytes grown`;
  }
  // Released memory is exactly the scavenged free pages, in the bitmaps and in the page caches.
  let scavPages = 0;
  for (const r of h.pages.inUse.ranges) {
    for (let a = r.base.addr(); a < r.limit.addr(); a += g.pallocChunkBytes) {
      const c = h.pages.peekChunk(Math.floor((a - g.arenaBaseOffset) / g.pallocChunkBytes));
      if (c !== undefined) scavPages += c.scavenged.popcntRange(0, g.pallocChunkPages);
    }
  }
  for (const pp of h.allp) for (let i = 0; i < 64; i++) if ((pp.pcache.scav >> BigInt(i)) & 1n) scavPages++;
  if (gc.heapReleased.load() !== scavPages * g.pageSize) return `heapReleased = ${gc.heapReleased.load()}, but ${scavPages} pages are scavenged (${scavPages * g.pageSize} bytes)`;
  let manualPages = 0;
  for (const s of h.allspans) if (s.state.get() === 'mSpanManual') manualPages += s.npages;
  if (manualBytes !== manualPages * g.pageSize) return `stacks, work bufs and GC-program bits hold ${manualBytes} bytes, but manual spans have ${manualPages} pages`;
  return undefined;
}

export const heapStatsAreConsistent: Inv = {
  id: 'heapStatsAreConsistent',
  kind: 'state',
  go: go('mstats.go', 'readmemstats_m'),
  quote: '* memstats.heapInUse == inHeap * memstats.heapReleased == released * memstats.heapInUse + memstats.heapFree == committed - inStacks - inWorkBufs - inPtrScalarBits',
  statement:
    "Go's own consistency checks hold (heapInUse == inHeap; heapReleased == released; heapInUse + heapFree == committed - inStacks - inWorkBufs - inPtrScalarBits); in use + manual + free + released = grown bytes; released = the scavenged free pages (bitmaps and page caches); manual bytes = the manual spans' pages.",
  specFile,
  holds: (w) => statsProblem(w) === undefined,
  why: (w) => statsProblem(w) ?? '',
};

function allspansProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const seen = new Set<MSpan>();
  for (const s of h.allspans) {
    if (seen.has(s)) return `span ${s.id} appears twice in allspans`;
    seen.add(s);
  }
  // Every structure is live, or free in a P's mspancache or spanalloc's free list: accounted once.
  const parked = new Set<MSpan>();
  const park = (s: MSpan, where: string): string | undefined => {
    if (!seen.has(s)) return `span ${s.id} in ${where} is not in allspans`;
    if (s.state.get() !== 'mSpanDead') return `span ${s.id} in ${where} is ${s.state.get()}`;
    if (parked.has(s)) return `span ${s.id} is free in two places`;
    parked.add(s);
    return undefined;
  };
  for (const pp of h.allp) {
    for (let i = 0; i < pp.mspancache.len; i++) {
      const bad = park(pp.mspancache.buf[i]!, `P${pp.id}'s mspancache`);
      if (bad !== undefined) return bad;
    }
  }
  for (const s of h.spanalloc.freeList()) {
    const bad = park(s, "spanalloc's free list");
    if (bad !== undefined) return bad;
  }
  const live = h.allspans.filter((s) => s.state.get() !== 'mSpanDead').length;
  if (live + parked.size !== h.allspans.length) return `${h.allspans.length} spans in allspans, but ${live} live + ${parked.size} free structures`;
  return undefined;
}

export const allspansHoldsEverySpanOnce: Inv = {
  id: 'allspansHoldsEverySpanOnce',
  kind: 'state',
  go: go('mheap.go', 'type mheap (allspans)'),
  quote: 'allspans is a slice of all mspans ever created. Each mspan appears exactly once.',
  statement: "allspans holds every span structure once; each is live, or dead and free in exactly one P's mspancache or spanalloc's free list.",
  specFile,
  holds: (w) => allspansProblem(w) === undefined,
  why: (w) => allspansProblem(w) ?? '',
};

function publishedProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  for (const l of w.live) {
    const s = l.span;
    const nbytes = s.npages * g.pageSize;
    if (manual(l.typ)) {
      if (s.state.get() !== 'mSpanManual') return `${l.name} (${l.typ}) is ${s.state.get()}`;
      if (s.nelems !== 0 || s.limit !== s.base() + nbytes) return `${l.name}: a manual span must have nelems 0 and limit = end, has nelems ${s.nelems}, limit ${hex(s.limit)}`;
      continue;
    }
    if (s.state.get() !== 'mSpanInUse') return `${l.name} (a heap span) is ${s.state.get()}`;
    const sc = sizeclass(s.spanclass);
    const elemsize = sc === 0 ? nbytes : class_to_size[sc]!;
    if (s.elemsize !== elemsize) return `${l.name}: elemsize ${s.elemsize}, want ${elemsize} for size class ${sc}`;
    if (s.nelems !== (sc === 0 ? 1 : Math.floor(nbytes / elemsize))) return `${l.name}: nelems ${s.nelems} does not match ${s.npages} pages of ${elemsize}-byte objects`;
    if (s.divMul !== (sc === 0 ? 0 : class_to_divmagic[sc]!)) return `${l.name}: divMul ${s.divMul} is not size class ${sc}'s`;
    if (s.allocBits === null || s.gcmarkBits === null || s.allocBits.nelems !== s.nelems || s.gcmarkBits.nelems !== s.nelems) return `${l.name}: allocBits and gcmarkBits must cover its ${s.nelems} objects`;
    if (s.freeindex > s.nelems || s.freeIndexForScan > s.freeindex) return `${l.name}: 0 <= freeIndexForScan <= freeindex <= nelems fails`;
    if (s.limit < s.base() || s.limit > s.base() + nbytes) return `${l.name}: limit ${hex(s.limit)} is outside the span`;
  }
  return undefined;
}

export const spansArePublishedInitialized: Inv = {
  id: 'spansArePublishedInitialized',
  kind: 'state',
  go: go('mheap.go', 'type mSpanState'),
  quote: 'Setting mspan.state to mSpanInUse or mSpanManual must be done atomically and only after all other span fields are valid.',
  statement:
    'Every live heap span is in use with the element size, object count, divMul, mark and allocation bits its size class gives, and a limit inside it; every live manual span is manual with nelems 0 and limit at its end.',
  specFile,
  holds: (w) => publishedProblem(w) === undefined,
  why: (w) => publishedProblem(w) ?? '',
};

function zeroedBaseProblem(w: HeapWorld): string | undefined {
  const g = w.h.g;
  for (const [ai, ha] of w.h.arenas) {
    if (ha.zeroedBase < 0 || ha.zeroedBase > g.heapArenaBytes || ha.zeroedBase % g.pageSize !== 0) return `arena ${ai}: zeroedBase ${ha.zeroedBase} is not a page boundary in [0, heapArenaBytes]`;
  }
  return undefined;
}

export const zeroedBaseIsInRange: Inv = {
  id: 'zeroedBaseIsInRange',
  kind: 'state',
  go: go('mheap.go', 'type heapArena (zeroedBase)'),
  quote: 'zeroedBase is relative to the arena base. Increases monotonically until it hits heapArenaBytes.',
  statement: "Every arena's zeroedBase is a page boundary in [0, heapArenaBytes].",
  specFile,
  holds: (w) => zeroedBaseProblem(w) === undefined,
  why: (w) => zeroedBaseProblem(w) ?? '',
};

function arenaProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const seen = new Set(h.allArenas);
  if (seen.size !== h.allArenas.length) return 'allArenas lists an arena twice';
  for (const ai of h.arenas.keys()) if (!seen.has(ai)) return `arena ${ai} is mapped but not in allArenas`;
  for (const r of h.pages.inUse.ranges) {
    for (let a = r.base.addr(); a < r.limit.addr(); a += g.heapArenaBytes) {
      if (!h.arenas.has(arenaIndex(g, a))) return `grown memory at ${hex(a)} has no heap arena`;
    }
  }
  const cur = h.curArena;
  if (cur.base > cur.end || (cur.base - g.arenaBaseOffset) % g.physPageSize !== 0) return `curArena [${hex(cur.base)}, ${hex(cur.end)}) is not a physPageSize-aligned range`;
  if (cur.base < cur.end && (h.pages.inUse.contains(cur.base) || !h.arenas.has(arenaIndex(g, cur.base)))) return `curArena [${hex(cur.base)}, ${hex(cur.end)}) must be reserved arena space not yet grown`;
  return undefined;
}

export const arenasCoverGrownMemory: Inv = {
  id: 'arenasCoverGrownMemory',
  kind: 'state',
  go: go('mheap.go', 'type mheap (arenas, allArenas, curArena)'),
  quote: 'curArena is the arena that the heap is currently growing into. This should always be physPageSize-aligned.',
  statement:
    'Every grown page lies in a heap arena; every arena is in allArenas exactly once; curArena is physPageSize-aligned reserved arena space not yet grown.',
  specFile,
  holds: (w) => arenaProblem(w) === undefined,
  why: (w) => arenaProblem(w) ?? '',
};

/** The span layer's state invariants, in catalog order. */
export const heapStateInvariants: readonly Inv[] = [
  everyPageHasOneOwner,
  spansMapCoversLiveSpans,
  spanOfHeapAgreesWithOwners,
  pageInUseMarksInUseSpans,
  pagesInUseCountsInUsePages,
  sweepgenIsLegal,
  spansArePublishedInitialized,
  allspansHoldsEverySpanOnce,
  heapStatsAreConsistent,
  zeroedBaseIsInRange,
  arenasCoverGrownMemory,
];
