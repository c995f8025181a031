// State invariants of the page allocator: true after every step.
// One exported entry per rule; the catalog (catalog.ts) lists them.

import { chunkBase, chunkIndex, pageIndex } from '../../model/chunks.js';
import { hex, pageCachePages } from '../../model/geometry.js';
import { hexWord } from '../../model/sys.js';
import type { CheckScope, StateInvariant } from '../catalog.js';
import { chunkProblems } from './chunkPass.js';
import { go } from '../catalog.js';
import { bit, chunkHex, grownChunks, pageHex } from './modelView.js';
import { combineFlat } from './summary.js';
import { decodeSum, summaryRange } from './summaryCodec.js';
import type { PageAllocWorld } from './world.js';

const specFile = 'spec/pagealloc/invariants.ts';
type Inv = StateInvariant<PageAllocWorld>;

export const leafSummariesMatchBitmaps: Inv = {
  id: 'leafSummariesMatchBitmaps',
  kind: 'state',
  go: go('mpagealloc.go', 'package comment'),
  quote:
    'Each entry in the radix tree is a summary that describes three properties of a particular region of the address space: the number of contiguous free pages at the start and end of the region it represents, and the maximum number of contiguous free pages found anywhere in that region.',
  statement: "Every grown chunk's leaf summary is (free pages at its start, longest free run, free pages at its end) of its bitmap.",
  against: "the spec's own page-by-page summary of the bitmap (which pageAllocRefinesSpec pins to the abstract page heap), and its own reading of the packed summary",
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).leaf === undefined,
  why: (w) => chunkProblems(w).leaf ?? '',
};

/** Scratch: children's (start, max, end), for combineFlat. */
const kids3 = new Int32Array(3 * 64);

// As for leaves: a parent's verdict is a pure function of its children's
// and its own packed words; remember them per allocator, level and entry.
const innerMemos = new WeakMap<PageAllocWorld['h'], Map<number, Uint32Array>[]>();

function innerMismatch(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const L = g.logMaxPackedValue;
  let memos = innerMemos.get(h);
  if (memos === undefined) innerMemos.set(h, (memos = g.levelBits.map(() => new Map())));
  for (let l = g.summaryLevels - 2; l >= 0; l--) {
    const fanout = 1 << g.levelBits[l + 1]!;
    const childPages = 1 << g.levelLogPages[l + 1]!;
    const parents = h.summary[l]!;
    const kids = h.summary[l + 1]!;
    const memo = memos[l]!;
    const n = 2 * fanout;
    let done = -1; // ranges are sorted: skip parents an earlier range covered
    for (const r of h.inUse.ranges) {
      const [lo, hi] = summaryRange(g.levelBytes[l]!, r.base.addr() - g.arenaBaseOffset, r.limit.addr() - g.arenaBaseOffset);
      for (let i = Math.max(lo, done + 1); i < hi; i++) {
        done = i;
        const first = i * fanout;
        if (!parents.readable(i) || !kids.readable(first)) return `summary[${l}][${i}] or its children are not readable under a grown range`;
        // A block of children never straddles a unit of summary memory.
        const cp = kids.page(first);
        const ck = kids.slot(first);
        const pp = parents.page(i);
        const pk = parents.slot(i);
        const plo = pp[pk]!;
        const phi = pp[pk + 1]!;
        let m = memo.get(i);
        let same = m !== undefined && m[n] === plo && m[n + 1] === phi;
        for (let k = 0; same && k < n; k++) same = m![k] === cp[ck + k];
        if (!same) {
          if (m === undefined) memo.set(i, (m = new Uint32Array(n + 3)));
          for (let k = 0; k < n; k++) m[k] = cp[ck + k]!;
          m[n] = plo;
          m[n + 1] = phi;
          m[n + 2] = combinesChildren(L, cp, ck, fanout, childPages, plo, phi) ? 1 : 0;
        }
        if (m![n + 2] === 0) {
          combinesChildren(L, cp, ck, fanout, childPages, plo, phi);
          return `summary[${l}][${i}] = (${decodeSum(plo, phi, L).join(', ')}), but its children combine to (${combineFlat(kids3, fanout, childPages).join(', ')})`;
        }
      }
    }
  }
  return undefined;
}

/** Whether the parent (plo, phi) is what its fanout children at mem[k ..] combine to (leaves them unpacked in kids3); L bits per field. */
function combinesChildren(L: number, mem: Uint32Array, k: number, fanout: number, childPages: number, plo: number, phi: number): boolean {
  for (let j = 0; j < fanout; j++) {
    const [cs, cm, ce] = decodeSum(mem[k + 2 * j]!, mem[k + 2 * j + 1]!, L);
    kids3[3 * j] = cs;
    kids3[3 * j + 1] = cm;
    kids3[3 * j + 2] = ce;
  }
  const want = combineFlat(kids3, fanout, childPages);
  const got = decodeSum(plo, phi, L);
  return got[0] === want[0] && got[1] === want[1] && got[2] === want[2];
}

export const innerSummariesCombineChildren: Inv = {
  id: 'innerSummariesCombineChildren',
  kind: 'state',
  go: go('mpagealloc.go', '(*pageAlloc).update'),
  quote: 'Walk up the radix tree and update the summaries appropriately.',
  statement: 'Every summary above the leaves that covers grown memory describes exactly the pages its children describe: its start, max and end are those of the concatenated children.',
  against: "the children's summaries, combined by the spec's own rule (spec/pagealloc/summary.ts), read by its own decoder",
  specFile,
  holds: (w) => innerMismatch(w) === undefined,
  why: (w) => innerMismatch(w) ?? '',
};

function firstFreeBelowSearchAddr(w: PageAllocWorld): number | undefined {
  const { h } = w;
  const g = h.g;
  const limit = h.searchAddr.addr();
  for (const r of h.inUse.ranges) {
    const end = Math.min(r.limit.addr(), limit);
    for (let a = r.base.addr(); a < end; a += g.pallocChunkBytes) {
      const ci = chunkIndex(g, a);
      const c = h.peekChunk(ci);
      const n = Math.min(g.pallocChunkPages, (end - a) / g.pageSize);
      if (c === undefined || c.popcntRange(0, n) === n) continue;
      for (let i = 0; i < n; i++) if (!bit(c, i)) return pageIndex(g, a) + i;
    }
  }
  return undefined;
}

export const searchAddrIsLowerBound: Inv = {
  id: 'searchAddrIsLowerBound',
  kind: 'state',
  go: go('mpagealloc.go', 'type pageAlloc (searchAddr)'),
  quote: 'We guarantee that all valid heap addresses below this value are allocated and not worth searching.',
  statement: 'Every grown page below searchAddr (in address order) is allocated.',
  against: 'the bitmaps, which pageAllocRefinesSpec pins to the abstract page heap',
  specFile,
  holds: (w) => firstFreeBelowSearchAddr(w) === undefined,
  why: (w) => `page ${pageHex(w.h.g, firstFreeBelowSearchAddr(w) ?? -1)} is free but below searchAddr ${hex(w.h.searchAddr.addr())}`,
};

export const searchAddrIsMapped: Inv = {
  id: 'searchAddrIsMapped',
  kind: 'state',
  go: go('mpagealloc.go', 'type pageAlloc (searchAddr)'),
  quote: 'It must never point to any memory that is not contained in inUse, i.e. inUse.contains(searchAddr.addr()) must always be true. The one exception to this rule is that it may take on the value of maxOffAddr to indicate that the heap is exhausted.',
  statement: 'searchAddr lies in grown memory, or is maxOffAddr.',
  against: 'the grown ranges (inUseCoversGrownMemory pins them to the abstract page heap)',
  specFile,
  holds: ({ h }) => h.searchAddr.addr() === h.g.maxOffAddr || h.inUse.contains(h.searchAddr.addr()),
  why: ({ h }) => `searchAddr ${hex(h.searchAddr.addr())} is outside every inUse range`,
};

export const scavengedImpliesFree: Inv = {
  id: 'scavengedImpliesFree',
  kind: 'state',
  go: go('mpallocbits.go', '(*pallocData).allocRange'),
  quote: 'Clear the scavenged bits when we alloc the range.',
  statement: 'No page is both allocated and scavenged: a scavenged page is a free page.',
  against: 'the bitmaps, which pageAllocRefinesSpec pins to the abstract page heap',
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).scavengedAllocated === undefined,
  why: (w) => chunkProblems(w).scavengedAllocated ?? '',
};

export const scavIndexEntriesMatchSpec: Inv = {
  id: 'scavIndexEntriesMatchSpec',
  kind: 'state',
  go: go('mgcscavenge.go', 'type scavChunkData'),
  quote:
    "inUse indicates how many pages in this chunk are currently allocated. … lastInUse indicates how many pages in this chunk were allocated when we transitioned from gen-1 to gen. … gen is the generation counter from a scavengeIndex from the last time this scavChunkData was updated.",
  quoteJoined: true,
  statement:
    "For every grown chunk, the scavenge index's entry is the spec's: pages in use now and at the last change of generation, the generation of the last update, has-free (set by a free, cleared when the chunk fills or a scavenger finds nothing in it) and no-huge-page (set when a scavenge breaks one, cleared when the chunk is dense again).",
  against: "the spec's scavenge index (spec/pagealloc/scavengeIndex.ts), kept from the abstract page heap's allocations and frees and the spec's own scavenges",
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).indexEntry === undefined,
  why: (w) => chunkProblems(w).indexEntry ?? '',
};

function cursorProblem(w: PageAllocWorld): string | undefined {
  const { h, shadow } = w;
  const g = h.g;
  const idx = h.scav.index;
  const spec = shadow.index;
  const page = (addr: number): number => Math.floor((addr - g.arenaBaseOffset) / g.pageSize);
  if (idx.gen !== spec.gen) return `the index is at generation ${idx.gen}, the spec's at ${spec.gen}`;
  for (const [name, cur, want] of [
    ['searchAddrBg', idx.searchAddrBg, spec.bg],
    ['searchAddrForce', idx.searchAddrForce, spec.force],
  ] as const) {
    const [addr, marked] = cur.Load();
    if (page(addr) !== want.page || marked !== want.marked) return `${name} = ${hex(addr)}${marked ? ' (marked)' : ''}, but the spec's is ${pageHex(g, want.page)}${want.marked ? ' (marked)' : ''}`;
  }
  if (page(idx.freeHWM.addr()) !== spec.freeHWM) return `freeHWM = ${hex(idx.freeHWM.addr())}, but the highest page freed this generation is ${pageHex(g, spec.freeHWM)}`;
  if (idx.minHeapIdx !== spec.minHeapIdx) return `minHeapIdx = ${idx.minHeapIdx}, but the lowest chunk grown is ${spec.minHeapIdx}`;
  return undefined;
}

export const scavIndexCursorsMatchSpec: Inv = {
  id: 'scavIndexCursorsMatchSpec',
  kind: 'state',
  go: go('mgcscavenge.go', 'type scavengeIndex'),
  quote:
    'searchAddr* is the maximum address (in the offset address space, so we have a linear view of the address space; see mranges.go:offAddr) containing memory available to scavenge. … freeHWM is the highest address (in offset address space) that was freed this generation.',
  quoteJoined: true,
  statement:
    "The index's generation, both cursors (address and mark: a free raises searchAddrForce to the page it freed, marked; nextGen raises searchAddrBg to freeHWM, marked; a scavenger's search lowers a cursor to the top of the chunk it settles on, unmarked, and clears it when nothing is left, unless marked), freeHWM and the lowest chunk grown are the spec's.",
  against: "the spec's scavenge index (spec/pagealloc/scavengeIndex.ts)",
  specFile,
  holds: (w) => cursorProblem(w) === undefined,
  why: (w) => cursorProblem(w) ?? '',
};

export const scavIndexCoversScavengeablePages: Inv = {
  id: 'scavIndexCoversScavengeablePages',
  kind: 'state',
  go: go('mgcscavenge.go', '(*scavengeIndex).setEmpty'),
  quote: 'setEmpty marks that the scavenger has finished looking at ci for now to prevent the scavenger from getting stuck looking at the same chunk.',
  statement:
    "Every free, unscavenged page is one a forced scavenge can reach (its chunk's has-free flag set, and at or below searchAddrForce), except exactly those the spec's own background scavenges left behind: free pages above the 64-page word it searched from in a chunk it then marked empty (see reachesPagesOrphanedByBackgroundScavenge).",
  against: "the abstract page heap's free, unscavenged pages, and the spec's account of what each background scavenge searched",
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).reach === undefined,
  why: (w) => chunkProblems(w).reach ?? '',
};

function inUseShapeProblem(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const rs = h.inUse.ranges;
  let total = 0;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!;
    if (r.size() <= 0) return `range ${i} is empty`;
    if ((r.base.addr() - h.g.arenaBaseOffset) % h.g.pallocChunkBytes !== 0 || (r.limit.addr() - h.g.arenaBaseOffset) % h.g.pallocChunkBytes !== 0) return `range ${i} is not chunk-aligned`;
    if (i > 0 && !rs[i - 1]!.limit.lessThan(r.base)) return `ranges ${i - 1} and ${i} are out of order, overlap, or touch without being coalesced`;
    total += r.size();
  }
  if (total !== h.inUse.totalBytes) return `totalBytes = ${h.inUse.totalBytes}, but the ranges add up to ${total}`;
  return undefined;
}

export const inUseIsSortedAndCoalesced: Inv = {
  id: 'inUseIsSortedAndCoalesced',
  kind: 'state',
  go: go('mranges.go', 'type addrRanges'),
  quote: 'ranges is a slice of ranges sorted by base.',
  statement: 'The inUse ranges are non-empty, chunk-aligned, sorted by base, disjoint and coalesced (no two touch), and totalBytes is their total size.',
  against: "the ranges' own shape, as addrRanges documents it; their cover is pinned by inUseCoversGrownMemory",
  specFile,
  holds: (w) => inUseShapeProblem(w) === undefined,
  why: (w) => inUseShapeProblem(w) ?? '',
};

function inUseCoverProblem(w: PageAllocWorld): string | undefined {
  const got = grownChunks(w.h);
  const want = w.shadow.chunks();
  if (got.length !== want.length || !got.every((c, i) => c === want[i])) return `inUse covers the chunks at [${got.map((c) => chunkHex(w.h.g, c)).join(', ')}], but the grown chunks are [${want.map((c) => chunkHex(w.h.g, c)).join(', ')}]`;
  return undefined;
}

export const inUseCoversGrownMemory: Inv = {
  id: 'inUseCoversGrownMemory',
  kind: 'state',
  go: go('mpagealloc.go', 'type pageAlloc (inUse)'),
  quote: 'inUse is a slice of ranges of address space which are known by the page allocator to be currently in-use (passed to grow).',
  statement: 'The inUse ranges cover exactly the memory passed to grow.',
  against: "the abstract page heap's grown chunks",
  specFile,
  holds: (w) => inUseCoverProblem(w) === undefined,
  why: (w) => inUseCoverProblem(w) ?? '',
};

function boundsProblem(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const grown = w.shadow.chunks();
  const at = (c: number): string => chunkHex(h.g, c);
  if (h.start > h.end) return `start (chunk ${at(h.start)}) > end (chunk ${at(h.end)})`;
  if (grown.length === 0) return h.start === 0 && h.end === 0 ? undefined : `no memory grown, but [start, end) = chunks [${at(h.start)}, ${at(h.end)})`;
  const lo = grown[0]!;
  const hi = grown[grown.length - 1]! + 1;
  if (h.start !== lo || h.end !== hi) return `[start, end) = chunks [${at(h.start)}, ${at(h.end)}), but the grown chunks span [${at(lo)}, ${at(hi)})`;
  const leafLevel = h.summary[h.g.summaryLevels - 1]!;
  for (const ci of grown) {
    if (h.peekChunk(ci) === undefined) return `grown chunk ${at(ci)} has no bitmap`;
    if (!leafLevel.readable(ci)) return `grown chunk ${at(ci)} has no readable leaf summary`;
  }
  // Chunks in between that were never grown: every leaf summary that is
  // readable at all must be zero. Walk [lo, hi) unit by unit, skipping the
  // grown chunks (ascending) as the walk passes them.
  const per = leafLevel.perPage;
  let g = 0;
  for (let u = Math.floor(lo / per); u * per < hi; u++) {
    const unit = leafLevel.unit(u);
    if (unit === undefined) continue;
    const words = int32View(unit);
    const first = u * per;
    const to = Math.min(hi, first + per, leafLevel.len);
    for (let ci = Math.max(lo, first); ci < to; ci++) {
      while (g < grown.length && grown[g]! < ci) g++;
      if (grown[g] === ci) continue;
      const k = 2 * (ci - first);
      if ((words[k]! | words[k + 1]!) !== 0) return `chunk ${at(ci)} was never grown, but its leaf summary shows free pages`;
    }
  }
  return undefined;
}

/** The same memory as signed words (reads stay small integers, which V8 checks fastest); views are kept per array. */
function int32View(a: Uint32Array): Int32Array {
  let v = int32Views.get(a);
  if (v === undefined) int32Views.set(a, (v = new Int32Array(a.buffer, a.byteOffset, a.length)));
  return v;
}

const int32Views = new WeakMap<Uint32Array, Int32Array>();

export const boundsCoverGrownChunks: Inv = {
  id: 'boundsCoverGrownChunks',
  kind: 'state',
  go: go('mpagealloc.go', 'type pageAlloc (start, end)'),
  quote: 'start and end represent the chunk indices which pageAlloc knows about. It assumes chunks in the range [start, end) are currently ready to use.',
  statement: 'start <= end and [start, end) is exactly the span of grown chunks; every grown chunk has a bitmap and a readable leaf summary, and every chunk in between that was not grown has a zero (fully allocated) leaf summary.',
  against: "the abstract page heap's grown chunks",
  specFile,
  holds: (w) => boundsProblem(w) === undefined,
  why: (w) => boundsProblem(w) ?? '',
};

function cacheProblem(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  // Caches in different blocks cannot share pages; in one block, their masks must be disjoint.
  const byBlock = new Map<number, { id: number; owned: bigint }>();
  for (const [id, c] of w.caches) {
    if (c.empty()) continue;
    if (!h.ghostCaches.has(c)) return `cache ${id} is not among the allocator's live caches`;
    if ((c.base - g.arenaBaseOffset) % (pageCachePages * g.pageSize) !== 0) return `cache ${id}'s base ${hex(c.base)} is not ${pageCachePages}-page aligned`;
    if ((c.scav & ~c.cache) !== 0n) return `cache ${id} has scavenged bits outside its free pages`;
    const ci = chunkIndex(g, c.base);
    const chunk = h.peekChunk(ci);
    if (chunk === undefined) return `cache ${id}'s block is in a chunk with no bitmap`;
    const alloc = chunk.pages64(pageIndex(g, c.base) - pageIndex(g, chunkBase(g, ci)));
    if ((c.cache & ~alloc) !== 0n) return `cache ${id} owns pages the bitmap shows free`;
    const other = byBlock.get(c.base);
    if (other !== undefined && (other.owned & c.cache) !== 0n) return `caches ${other.id} and ${id} own the same pages of block ${hex(c.base)}`;
    byBlock.set(c.base, { id, owned: (other?.owned ?? 0n) | c.cache });
  }
  return undefined;
}

export const pageCachePagesAreAllocatedAndOwnedOnce: Inv = {
  id: 'pageCachePagesAreAllocatedAndOwnedOnce',
  kind: 'state',
  go: go('mpagecache.go', 'type pageCache'),
  quote: 'pageCache represents a per-p cache of pages the allocator can allocate from without a lock.',
  statement: "Every page a live page cache owns is marked allocated in the allocator's bitmap and is owned by no other cache; a cache's block is 64-page aligned and its scavenged bits are a subset of its free bits.",
  against: 'the bitmaps (pinned to the abstract page heap) and the other live caches',
  specFile,
  holds: (w) => cacheProblem(w) === undefined,
  why: (w) => cacheProblem(w) ?? '',
};

function refinementProblem(w: PageAllocWorld, scope?: CheckScope): string | undefined {
  const { h, shadow } = w;
  const g = h.g;
  const cover = inUseCoverProblem(w);
  if (cover !== undefined) return cover;
  const bits = chunkProblems(w, scope).refinement;
  if (bits !== undefined) return bits;
  const live = shadow.liveCaches();
  for (const [id, m] of live) {
    const c = w.caches.get(id);
    if (c === undefined) return `the spec has cache ${id}, but the suite does not`;
    if (pageIndex(g, c.base) !== m.basePage || c.cache !== m.owned || c.scav !== m.scav) {
      return `cache ${id} = {block ${pageIndex(g, c.base)}, cache ${hexWord(c.cache)}, scav ${hexWord(c.scav)}}, but the spec says {block ${m.basePage}, cache ${hexWord(m.owned)}, scav ${hexWord(m.scav)}}`;
    }
  }
  for (const [id, c] of w.caches) if (!live.has(id) && !c.empty()) return `cache ${id} owns pages the spec does not give it`;
  return undefined;
}

export const pageAllocRefinesSpec: Inv = {
  id: 'pageAllocRefinesSpec',
  kind: 'state',
  go: go('mpagealloc.go', 'package comment'),
  quote: 'In the bitmap, 1 means in-use, and 0 means free.',
  statement:
    "The model's bitmaps are the abstract page heap's state: the same pages are grown; a page is allocated in the bitmap iff the spec has it handed out or cached; a free page is scavenged iff the spec says so; a cached page belongs to the cache the spec says, which holds its scavenged state.",
  against: 'the abstract page heap',
  specFile,
  holds: (w, scope) => refinementProblem(w, scope) === undefined,
  why: (w) => refinementProblem(w) ?? '',
};

/** The page allocator's state invariants, in catalog order. */
export const pageAllocStateInvariants: readonly Inv[] = [
  pageAllocRefinesSpec,
  leafSummariesMatchBitmaps,
  innerSummariesCombineChildren,
  searchAddrIsLowerBound,
  searchAddrIsMapped,
  scavengedImpliesFree,
  scavIndexEntriesMatchSpec,
  scavIndexCursorsMatchSpec,
  scavIndexCoversScavengeablePages,
  inUseIsSortedAndCoalesced,
  inUseCoversGrownMemory,
  boundsCoverGrownChunks,
  pageCachePagesAreAllocatedAndOwnedOnce,
];
