// State invariants of the span layer (runtime/mheap.go): true after every
// step, each judged against the abstract span heap, the abstract page heap
// or ghost history, never against the model's own bookkeeping alone.

import { hex } from '../../model/geometry.js';
import type { MSpan } from '../../model/mspan.js';
import type { P } from '../../model/proc.js';
import { class_to_divmagic, class_to_size } from '../../model/sizeclasses.js';
import type { StateInvariant } from '../catalog.js';
import { go } from '../catalog.js';
import { ALLOCATED, CACHED, FREE } from '../pagealloc/pageHeap.js';
import { NOBODY, cacheOwner, kindGo, spanClassOf } from './spanHeap.js';
import type { AbstractSpan } from './spanHeap.js';
import type { HeapWorld } from './world.js';
import { pagesOf } from '../format.js';

const specFile = 'spec/mheap/invariants.ts';
type Inv = StateInvariant<HeapWorld>;

function addrOf(w: HeapWorld, page: number): number {
  return page * w.h.g.pageSize + w.h.g.arenaBaseOffset;
}

function name(w: HeapWorld, a: AbstractSpan): string {
  return `s${a.id} [${hex(addrOf(w, a.basePage))}, +${pagesOf(a.npages)})`;
}

/** An owner block of nobody, for blocks the span heap never touched (so the walks below read one array, not two cases). */
let noOwnersBlock = new Int32Array(0);
function noOwners(n: number): Int32Array {
  if (noOwnersBlock.length !== n) noOwnersBlock = new Int32Array(n);
  return noOwnersBlock;
}

function liveSpansProblem(w: HeapWorld): string | undefined {
  const { h, spec } = w;
  for (const a of spec.spans()) {
    const s = w.handles.get(a.id)!;
    const st = s.state.get();
    if (st !== a.state) return `${name(w, a)} is ${st}; the spec has it ${a.state}`;
    if (s.base() !== addrOf(w, a.basePage) || s.npages !== a.npages) return `${name(w, a)} is now [${hex(s.base())}, +${pagesOf(s.npages)}) in the model`;
    if (a.kind.heap && s.spanclass !== spanClassOf(a.kind)) return `${name(w, a)} has span class ${s.spanclass}; it was allocated as ${kindGo(a.kind)}`;
  }
  let live = 0;
  for (const s of h.allspans) {
    if (s.state.get() === 'mSpanDead') continue;
    live++;
    if (w.specId(s) === undefined) return `the span [${hex(s.base())}, +${pagesOf(s.npages)}) is ${s.state.get()}, but no allocation returned it: a leak`;
  }
  if (live !== spec.size) return `${live} live spans in allspans, but the spec has ${spec.size}`;
  return undefined;
}

export const liveSpansRefineSpec: Inv = {
  id: 'liveSpansRefineSpec',
  kind: 'state',
  go: go('mheap.go', 'type mSpanState'),
  quote: 'mSpanInUse // allocated for garbage collected heap … mSpanManual // allocated for manual management (e.g., stack allocator)',
  quoteJoined: true,
  statement:
    "The model's live spans (mSpanInUse or mSpanManual in allspans) are exactly the abstract span heap's: the same spans, each at the base, size, state and span class it was allocated with. No leaks, no ghosts.",
  against: 'the abstract span heap',
  specFile,
  holds: (w) => liveSpansProblem(w) === undefined,
  why: (w) => liveSpansProblem(w) ?? '',
};

/**
 * everyPageHasOneOwner decided 32 pages at a time: in each grown chunk the
 * pages the abstract page heap has allocated and not cached are exactly
 * those the span heap gives to a span, and each page cache of the page heap
 * is, page for page, the cache the span heap gives its P. (Cached pages
 * are allocated in the page heap's bitmap; a page has one owner in the span
 * heap.) Then no page is both, and free pages are nobody's.
 */
export function ownersDisagree(w: HeapWorld): boolean {
  const shadow = w.pages.shadow;
  const g = w.h.g;
  const cp = g.pallocChunkPages;
  const ppa = g.pagesPerArena;
  // The page heap's caches against the span heap's, P by P.
  let cachesWithPages = 0;
  for (const [id, m] of shadow.liveCaches()) {
    if (m.owned === 0n) continue;
    cachesWithPages++;
    const p = w.cacheOfP.get(id);
    const c = p === undefined ? undefined : w.spec.cache(p);
    if (c === undefined || c.basePage !== m.basePage || c.owned !== m.owned) return true;
  }
  let spanHeapCaches = 0;
  for (const c of w.spec.pcaches().values()) if (c.owned !== 0n) spanHeapCaches++;
  if (spanHeapCaches !== cachesWithPages) return true;
  const noBits = noSpanBits(ppa);
  for (const ci of shadow.chunks()) {
    const want = shadow.expectedBits(ci)!.allocBits;
    const first = ci * cp;
    const b = Math.floor(first / ppa);
    const bits = w.spec.spanPageBits(b) ?? noBits;
    const w0 = ((first - b * ppa) | 0) >>> 5;
    const firstWord = first / 32;
    for (let k = 0; k < want.length; k++) {
      if ((want[k]! & ~cachedWord(shadow, firstWord + k)) >>> 0 !== bits[w0 + k]) return true;
    }
  }
  // Nothing owned outside grown memory.
  for (const a of w.spec.spans()) {
    const ci = Math.floor(a.basePage / cp);
    const cl = Math.floor((a.basePage + a.npages - 1) / cp);
    for (let c = ci; c <= cl; c++) if (!shadow.isMapped(c)) return true;
  }
  return false;
}

/** The pages of global 32-page word k that a page cache of the abstract page heap holds (caches are 64-page aligned: two words each). */
function cachedWord(shadow: HeapWorld['pages']['shadow'], k: number): number {
  let m = 0;
  for (const c of shadow.liveCaches().values()) {
    if (c.owned === 0n) continue;
    const w0 = c.basePage / 32;
    if (k === w0) m |= Number(c.owned & 0xffffffffn);
    else if (k === w0 + 1) m |= Number((c.owned >> 32n) & 0xffffffffn);
  }
  return m;
}

let noSpanBitsBlock = new Uint32Array(0);
function noSpanBits(pages: number): Uint32Array {
  if (noSpanBitsBlock.length !== Math.ceil(pages / 32)) noSpanBitsBlock = new Uint32Array(Math.ceil(pages / 32));
  return noSpanBitsBlock;
}

/** The rule page by page, naming the first page that breaks it (the report's words; ownersDisagree decides by words). */
export function ownerProblemByPage(w: HeapWorld): string | undefined {
  const shadow = w.pages.shadow;
  const g = w.h.g;
  const cp = g.pallocChunkPages;
  for (const ci of shadow.chunks()) {
    const c = shadow.chunkStates(ci)!;
    const first = ci * cp;
    const b = Math.floor(first / g.pagesPerArena);
    const owners = w.spec.ownerBlock(b) ?? noOwners(g.pagesPerArena);
    // An int32 (first is a page index beyond 2^31): typed-array indexing with a double is slow.
    const off = (first - b * g.pagesPerArena) | 0;
    const state = c.state;
    for (let i = 0; i < cp; i++) {
      const o = owners[off + i]!;
      const st = state[i];
      // The common cases first, without a lookup: allocated to a span, or free and nobody's.
      if (st === ALLOCATED ? o > 0 : st === FREE && o === NOBODY) continue;
      const ok = st === CACHED && o < 0 && o === cacheOwner(w.cacheOfP.get(c.owner[i]!) ?? -2);
      if (!ok) {
        const pageState = st === FREE ? 'free' : st === CACHED ? `in page cache ${c.owner[i]}` : 'allocated';
        const who = o === NOBODY ? 'no span and no P' : o > 0 ? `span s${o}` : `P${-o - 1}'s page cache`;
        return `page ${hex(addrOf(w, first + i))} is ${pageState} in the abstract page heap, but the span heap gives it to ${who}`;
      }
    }
  }
  // Nothing owned outside grown memory.
  for (const a of w.spec.spans()) {
    const ci = Math.floor(a.basePage / cp);
    const cl = Math.floor((a.basePage + a.npages - 1) / cp);
    for (let c = ci; c <= cl; c++) if (!shadow.isMapped(c)) return `${name(w, a)} owns pages of chunk ${hex(c * g.pallocChunkBytes + g.arenaBaseOffset)}, which was never grown`;
  }
  return undefined;
}

export const everyPageHasOneOwner: Inv = {
  id: 'everyPageHasOneOwner',
  kind: 'state',
  go: go('mheap.go', '(*mheap).allocSpan'),
  quote: 'allocSpan allocates an mspan which owns npages worth of memory.',
  statement:
    "Every grown page is exactly one of: free, in one P's page cache, or in one live span. The page allocator has it allocated exactly when a span owns it, and cached exactly when a P's cache does; so spans never overlap and no page is lost.",
  against: 'the abstract page heap (what the page allocator must hold) against the abstract span heap (who owns each page)',
  specFile,
  holds: (w) => !ownersDisagree(w),
  why: (w) => ownerProblemByPage(w) ?? '',
};

function spansMapProblem(w: HeapWorld): string | undefined {
  const { h, spec } = w;
  const ppa = h.g.pagesPerArena;
  for (const [ai, ha] of h.arenas) {
    const owners = spec.ownerBlock(ai) ?? noOwners(ppa);
    const ever = w.ghost.everHandedOut.get(ai);
    const spans = ha.spans;
    // Above the ghost's high-water mark no page was ever handed out, so no span holds one (every
    // span of the spec was handed out): each entry there must be nil, checked without the owners.
    const hwm = Math.min(ppa, Math.ceil((w.ghost.zeroedHWM.get(ai) ?? 0) / h.g.pageSize)) | 0;
    for (let j = hwm; j < ppa; j++) {
      if (spans[j] !== null && spans[j] !== undefined) return spansMapMismatch(w, ai, j, 'but no span ever held that page (it must be nil)');
    }
    // Below it, owners come in runs: each run's span is looked up once, and its pages compared in a tight loop.
    let i = 0;
    while (i < hwm) {
      const o = owners[i]!;
      if (o > 0) {
        const want = w.handles.get(o);
        let j = i;
        for (; j < hwm && owners[j] === o; j++) if (spans[j] !== want) return spansMapMismatch(w, ai, j, `not s${o}, which holds it`);
        i = j;
        continue;
      }
      // A run of pages no live span holds: nil, or a stale entry where a span once was.
      let j = i;
      if (ever === undefined) {
        for (; j < hwm && owners[j]! <= 0; j++) if (spans[j] != null) break;
      } else {
        for (; j < hwm && owners[j]! <= 0; j++) if (spans[j] != null && ever[j] === 0) break;
      }
      if (j < hwm && owners[j]! <= 0) return spansMapMismatch(w, ai, j, 'but no span ever held that page (it must be nil)');
      i = j;
    }
  }
  return undefined;
}

function spansMapMismatch(w: HeapWorld, ai: number, i: number, what: string): string {
  const got = w.h.arenas.get(ai)!.spans[i] ?? null;
  return `spans[] at ${hex(addrOf(w, ai * w.h.g.pagesPerArena + i))} names ${got === null ? 'nil' : `[${hex(got.base())}, +${pagesOf(got.npages)})`}, ${what}`;
}

export const spansMapAgreesWithSpec: Inv = {
  id: 'spansMapAgreesWithSpec',
  kind: 'state',
  go: go('mheap.go', 'type heapArena (spans)'),
  quote: 'For allocated spans, their pages map to the span itself. For free spans, only the lowest and highest pages map to the span itself. Internal pages map to an arbitrary span. For pages that have never been allocated, spans entries are nil.',
  statement:
    "For every page of every heap arena, the spans map names the live span that holds the page, and nil for a page no span ever held. A free page may keep a stale entry (Go's comment on free spans predates the page allocator: it is left unchecked, and a stale entry may even name a recycled, live span elsewhere: see reachesStaleSpansEntry).",
  against: 'the abstract span heap, and ghost: the pages ever handed out',
  specFile,
  holds: (w) => spansMapProblem(w) === undefined,
  why: (w) => spansMapProblem(w) ?? '',
};


function lookupProblem(w: HeapWorld): string | undefined {
  const { h, spec } = w;
  const g = h.g;
  const cp = g.pallocChunkPages;
  const ppa = g.pagesPerArena;
  // Every run of pages with one owner, chunk by chunk (a chunk never straddles arenas).
  for (const ci of w.pages.shadow.chunks()) {
    const first = ci * cp;
    const b = Math.floor(first / ppa);
    const owners = spec.ownerBlock(b) ?? noOwners(ppa);
    const inSpans = spec.spanPageBits(b) ?? noSpanBits(ppa);
    const off = (first - b * ppa) | 0;
    let i = 0;
    while (i < cp) {
      const o = owners[off + i]!;
      let n = 1;
      if (o > 0) {
        // A span's run: to its end, or the chunk's.
        const a = spec.span(o)!;
        n = Math.min(cp - i, a.basePage + a.npages - (first + i));
      } else {
        // Nobody's pages, or a page cache's: 32 at a time where no span and no cache has a page.
        while (i + n < cp && owners[off + i + n] === o) {
          const k = off + i + n;
          if (o === NOBODY && (k & 31) === 0 && i + n + 32 <= cp && inSpans[k >>> 5] === 0 && !spanHeapCacheIn(w, b * ppa + k)) n += 32;
          else n++;
        }
      }
      const bad = runProblem(w, o, first + i, n);
      if (bad !== undefined) return bad;
      i += n;
    }
  }
  // Outside every arena: nothing.
  for (const addr of [g.arenaBaseOffset, g.arenaBaseOffset + 2 ** g.heapAddrBits - 1]) {
    if (h.arenas.has(Math.floor((addr - g.arenaBaseOffset) / g.heapArenaBytes))) continue;
    if (h.spanOf(addr) !== null) return `spanOf(${hex(addr)}), outside every heap arena, is not nil`;
  }
  return undefined;
}

/** Whether a page cache of the span heap owns any page of the 32-page word from page p (caches are 64-page aligned). */
function spanHeapCacheIn(w: HeapWorld, p: number): boolean {
  for (const c of w.spec.pcaches().values()) {
    if (p < c.basePage || p >= c.basePage + 64) continue;
    const word = p === c.basePage ? c.owned & 0xffffffffn : (c.owned >> 32n) & 0xffffffffn;
    if (word !== 0n) return true;
  }
  return false;
}

/** The lookups at a run of n pages from page p, all owned by o. */
function runProblem(w: HeapWorld, o: number, p: number, n: number): string | undefined {
  const { h, spec } = w;
  const a = o > 0 ? spec.span(o)! : undefined;
  const s = a === undefined ? null : w.handles.get(a.id)!;
  const limit = a === undefined ? 0 : a.state === 'mSpanManual' ? addrOf(w, a.basePage + a.npages) : addrOf(w, a.basePage) + (w.limits.get(a.id) ?? 0);
  // Its first and last byte (spansMapAgreesWithSpec checks every page's entry).
  const a0 = addrOf(w, p);
  for (let k = 0; k < 2; k++) {
    const addr = k === 0 ? a0 : a0 + n * h.g.pageSize - 1;
    const wantHeap = s !== null && a!.state === 'mSpanInUse' && addr < limit ? s : null;
    const gotHeap = h.spanOfHeap(addr);
    if (gotHeap !== wantHeap) return `spanOfHeap(${hex(addr)}) is ${gotHeap === null ? 'nil' : 'a span'}; the spec says ${wantHeap === null ? 'nil' : `s${a!.id}`}${a === undefined ? ' (a free page)' : ''}`;
    const want = a !== undefined && addr < limit;
    if (h.inHeapOrStack(addr) !== want) return `inHeapOrStack(${hex(addr)}) is ${!want}; the spec says ${want}${a === undefined ? ' (a free page)' : ` (s${a.id}, data up to ${hex(limit)})`}`;
    if (s !== null && h.spanOf(addr) !== s) return `spanOf(${hex(addr)}) is not s${a!.id}, which holds it`;
  }
  return undefined;
}

export const spanLookupsAgreeWithSpec: Inv = {
  id: 'spanLookupsAgreeWithSpec',
  kind: 'state',
  go: go('mheap.go', 'spanOfHeap'),
  quote: 'spanOfHeap is like spanOf, but returns nil if p does not point to a heap object.',
  statement:
    "For the first and last byte of every run of pages with one owner in grown memory: spanOf names the span the spec says holds it; spanOfHeap names it exactly when it is in use and the byte is below the limit its caller set (nil for free pages and manual spans); inHeapOrStack is true exactly below a live span's limit. Outside every arena spanOf is nil.",
  against: 'the abstract span heap, and the limits the callers set (mcentral.grow, mcache.allocLarge)',
  specFile,
  holds: (w) => lookupProblem(w) === undefined,
  why: (w) => lookupProblem(w) ?? '',
};

function pageInUseProblem(w: HeapWorld): string | undefined {
  const { h, spec } = w;
  const ppa = h.g.pagesPerArena;
  // Every bit set is the first page of an in-use span of the spec ...
  for (const [ai, ha] of h.arenas) {
    const bits = ha.pageInUse;
    for (let i = 0; i < bits.length; i++) {
      for (let b = bits[i]! & 0xff; b !== 0; b &= b - 1) {
        const page = ai * ppa + 8 * i + (31 - Math.clz32(b & -b));
        const o = spec.ownerOf(page);
        const a = o > 0 ? spec.span(o) : undefined;
        if (a === undefined || a.state !== 'mSpanInUse' || a.basePage !== page) return `pageInUse bit of ${hex(addrOf(w, page))} is set, but no in-use span starts there`;
      }
    }
  }
  // ... and every in-use span of the spec has its bit.
  for (const a of spec.spans()) {
    if (a.state !== 'mSpanInUse') continue;
    const ai = Math.floor(a.basePage / ppa);
    const ha = h.arenas.get(ai);
    if (ha === undefined) continue;
    const i = a.basePage - ai * ppa;
    if ((ha.pageInUse[i >>> 3]! & (1 << (i & 7))) === 0) return `pageInUse bit of ${hex(addrOf(w, a.basePage))} is clear, but an in-use span starts there`;
  }
  return undefined;
}

export const pageInUseMarksInUseSpans: Inv = {
  id: 'pageInUseMarksInUseSpans',
  kind: 'state',
  go: go('mheap.go', 'type heapArena (pageInUse)'),
  quote: 'pageInUse is a bitmap that indicates which spans are in state mSpanInUse. This bitmap is indexed by page number, but only the bit corresponding to the first page in each span is used.',
  statement: "A pageInUse bit is set exactly for the first page of each in-use span of the spec (manual spans never set it).",
  against: 'the abstract span heap',
  specFile,
  holds: (w) => pageInUseProblem(w) === undefined,
  why: (w) => pageInUseProblem(w) ?? '',
};

export const pagesInUseCountsInUsePages: Inv = {
  id: 'pagesInUseCountsInUsePages',
  kind: 'state',
  go: go('mheap.go', 'type mheap (pagesInUse)'),
  quote: 'pages of spans in stats mSpanInUse',
  statement: 'h.pagesInUse is the number of pages of in-use spans in the spec.',
  against: 'the abstract span heap',
  specFile,
  holds: (w) => w.h.pagesInUse === w.spec.heapPages(),
  why: (w) => `pagesInUse = ${w.h.pagesInUse}, but the spec's in-use spans have ${w.spec.heapPages()} pages`,
};

/**
 * Go's table on mspan.sweepgen, by phase. In _GCoff a span may need
 * sweeping (sg-2), be held by a sweeper (sg-1), be swept (sg), be cached
 * in an mcache from before the sweep began (sg+1, until mark termination's
 * forEachP flushes it) or after (sg+3). While marking, finishsweep_m has
 * swept everything: spans are swept or cached. Nothing runs between the
 * phase change and the bump of mark termination.
 */
export const sweepgenRelationsGo: Readonly<Record<string, readonly number[]>> = {
  _GCoff: [-2, -1, 0, 1, 3],
  _GCmark: [0, 3],
  _GCmarktermination: [],
};

function sweepgenProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  if (h.sweepgen % 2 !== 0) return `h.sweepgen = ${h.sweepgen} is odd`;
  const allowed = sweepgenRelationsGo[h.gcphase]!;
  for (const a of w.spec.spans()) {
    if (a.state !== 'mSpanInUse') continue;
    const s = w.handles.get(a.id)!;
    const rel = (s.sweepgen - h.sweepgen) | 0;
    if (!allowed.includes(rel)) {
      return `${name(w, a)} has sweepgen ${s.sweepgen} = h.sweepgen${rel < 0 ? '' : '+'}${rel} during ${h.gcphase}: not in Go's table for this phase`;
    }
  }
  return undefined;
}

export const sweepgenIsLegal: Inv = {
  id: 'sweepgenIsLegal',
  kind: 'state',
  go: go('mheap.go', 'type mspan (sweepgen)'),
  quote:
    'if sweepgen == h->sweepgen - 2, the span needs sweeping; if sweepgen == h->sweepgen - 1, the span is currently being swept; if sweepgen == h->sweepgen, the span is swept and ready to use; if sweepgen == h->sweepgen + 1, the span was cached before sweep began and is still cached, and needs sweeping; if sweepgen == h->sweepgen + 3, the span was swept and then cached and is still cached; h->sweepgen is incremented by 2 after every GC',
  quoteJoined: true,
  statement:
    "h.sweepgen is even, and every in-use span's sweepgen relative to it is one this phase allows: in _GCoff sg-2 (needs sweeping), sg-1 (being swept), sg (swept), sg+1 (cached before the sweep began) or sg+3 (swept, then cached); while marking, sg or sg+3 only (finishsweep_m swept everything, and the mcaches were flushed). The mheap suites cache no span and sweep within one step, so sg-1, sg+1 and sg+3 arise in the sweep suites.",
  against: "Go's sweepgen table on mspan, per GC phase, for the spec's in-use spans",
  specFile,
  holds: (w) => sweepgenProblem(w) === undefined,
  why: (w) => sweepgenProblem(w) ?? '',
};

function publishedProblem(w: HeapWorld): string | undefined {
  const g = w.h.g;
  for (const a of w.spec.spans()) {
    const s: MSpan = w.handles.get(a.id)!;
    const nbytes = a.npages * g.pageSize;
    if (!a.kind.heap) {
      if (s.nelems !== 0 || s.limit !== s.base() + nbytes) return `${name(w, a)} (${a.kind.typ}): a manual span must have nelems 0 and limit at its end, has nelems ${s.nelems}, limit ${hex(s.limit)}`;
      continue;
    }
    const sc = a.kind.sizeclass;
    const elemsize = sc === 0 ? nbytes : class_to_size[sc]!;
    if (s.elemsize !== elemsize) return `${name(w, a)}: elemsize ${s.elemsize}, want ${elemsize} for size class ${sc}`;
    if (s.nelems !== (sc === 0 ? 1 : Math.floor(nbytes / elemsize))) return `${name(w, a)}: nelems ${s.nelems} does not match ${a.npages} pages of ${elemsize}-byte objects`;
    if (s.divMul !== (sc === 0 ? 0 : class_to_divmagic[sc]!)) return `${name(w, a)}: divMul ${s.divMul} is not size class ${sc}'s`;
    if (s.allocBits === null || s.gcmarkBits === null || s.allocBits.nelems !== s.nelems || s.gcmarkBits.nelems !== s.nelems) return `${name(w, a)}: allocBits and gcmarkBits must cover its ${s.nelems} objects`;
    if (s.freeindex > s.nelems || s.freeIndexForScan > s.freeindex) return `${name(w, a)}: 0 <= freeIndexForScan <= freeindex <= nelems fails`;
  }
  return undefined;
}

export const spansArePublishedInitialized: Inv = {
  id: 'spansArePublishedInitialized',
  kind: 'state',
  go: go('mheap.go', 'type mSpanState'),
  quote: 'Setting mspan.state to mSpanInUse or mSpanManual must be done atomically and only after all other span fields are valid.',
  statement:
    "Every live heap span has the element size, object count, divMul, mark and allocation bits its size class gives; every live manual span has nelems 0 and limit at its end.",
  against: "the span class the spec recorded, and Go's size-class table (model/sizeclasses.ts, checked against Go's own in conformance/gotables)",
  specFile,
  holds: (w) => publishedProblem(w) === undefined,
  why: (w) => publishedProblem(w) ?? '',
};

/** A zeroed buffer of at least n bytes, reused from check to check (a check after every step would otherwise allocate one). */
let marksBuf = new Uint8Array(256);
function markBuffer(n: number): Uint8Array {
  if (marksBuf.length < n) marksBuf = new Uint8Array(Math.max(n, 2 * marksBuf.length));
  else marksBuf.fill(0, 0, n);
  return marksBuf;
}

function parkedIn(pp: P | null): string {
  return pp === null ? "spanalloc's free list" : `P${pp.id}'s mspancache`;
}

function allspansProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  // Where each structure was seen, by its (ghost) id: 1 in allspans, then 2 once live or parked.
  const n = h.allspans.length;
  const marks = markBuffer(n + 2);
  const mark = (s: MSpan): number => (s.id >= 1 && s.id <= n ? s.id : n + 1);
  for (const s of h.allspans) {
    const k = mark(s);
    if (marks[k] !== 0) return `a span structure appears twice in allspans`;
    marks[k] = 1;
  }
  for (const s of w.handles.values()) {
    const k = mark(s);
    if (marks[k] !== 1 || h.allspans[k - 1] !== s) return `the structure of a live span of the spec is not in allspans`;
    marks[k] = 2;
  }
  // Every other structure is free in a P's mspancache or spanalloc's free list: accounted once.
  // (The place is named only in a problem: a name built per entry would cost more than the check.)
  let parked = 0;
  const park = (s: MSpan, pp: P | null): string | undefined => {
    const k = mark(s);
    if (marks[k] === 0 || h.allspans[k - 1] !== s) return `a structure in ${parkedIn(pp)} is not in allspans`;
    if (s.state.get() !== 'mSpanDead') return `a structure in ${parkedIn(pp)} is ${s.state.get()}`;
    if (marks[k] === 2) return `a structure in ${parkedIn(pp)} is live or free in two places`;
    marks[k] = 2;
    parked++;
    return undefined;
  };
  for (const pp of h.allp) {
    for (let i = 0; i < pp.mspancache.len; i++) {
      const bad = park(pp.mspancache.buf[i]!, pp);
      if (bad !== undefined) return bad;
    }
  }
  for (const s of h.spanalloc.freeList()) {
    const bad = park(s, null);
    if (bad !== undefined) return bad;
  }
  if (w.spec.size + parked !== n) return `${n} structures in allspans, but the spec has ${w.spec.size} live spans and ${parked} structures are free`;
  return undefined;
}

export const allspansHoldsEverySpanOnce: Inv = {
  id: 'allspansHoldsEverySpanOnce',
  kind: 'state',
  go: go('mheap.go', 'type mheap (allspans)'),
  quote: 'allspans is a slice of all mspans ever created. Each mspan appears exactly once.',
  statement: "allspans holds every span structure once: the spec's live spans, and dead structures each free in exactly one P's mspancache or spanalloc's free list.",
  against: "the abstract span heap's live spans",
  specFile,
  holds: (w) => allspansProblem(w) === undefined,
  why: (w) => allspansProblem(w) ?? '',
};

/** The span layer's state invariants about spans, in catalog order. */
export const spanStateInvariants: readonly Inv[] = [
  liveSpansRefineSpec,
  everyPageHasOneOwner,
  spansMapAgreesWithSpec,
  spanLookupsAgreeWithSpec,
  pageInUseMarksInUseSpans,
  pagesInUseCountsInUsePages,
  sweepgenIsLegal,
  spansArePublishedInitialized,
  allspansHoldsEverySpanOnce,
];
