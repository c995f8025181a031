// State invariants of the page allocator: true after every step.
// One exported entry per rule; the catalog (catalog.ts) lists them.

import { chunkBase, chunkIndex, pageIndex } from '../../model/chunks.js';
import { hex, pageCachePages } from '../../model/geometry.js';
import { hexWord } from '../../model/sys.js';
import { addrsToSummaryRange } from '../../model/mpagealloc_64bit.js';
import type { CheckScope, StateInvariant } from '../catalog.js';
import { chunkProblems } from './chunkPass.js';
import { go } from '../catalog.js';
import { bit, grownChunks, pageHex } from './modelView.js';
import { combineFlat } from './summary.js';
import type { PageAllocWorld } from './world.js';

const specFile = 'spec/pagealloc/invariants.ts';
type Inv = StateInvariant<PageAllocWorld>;

export const leafSummariesMatchBitmaps: Inv = {
  id: 'leafSummariesMatchBitmaps',
  kind: 'state',
  go: go('mpagealloc.go', 'type pageAlloc (summary)'),
  quote:
    'Each entry in the radix tree is a summary that describes three properties of a particular region of the address space: the number of contiguous free pages at the start and end of the region it represents, and the maximum number of contiguous free pages found anywhere in that region.',
  statement: "Every grown chunk's leaf summary is (free pages at its start, longest free run, free pages at its end) of its bitmap.",
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
  const sums = h.sums;
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
      const [lo, hi] = addrsToSummaryRange(g, l, r.base.addr(), r.limit.addr());
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
          m[n + 2] = combinesChildren(sums, cp, ck, fanout, childPages, plo, phi) ? 1 : 0;
        }
        if (m![n + 2] === 0) {
          combinesChildren(sums, cp, ck, fanout, childPages, plo, phi);
          return `summary[${l}][${i}] = (${sums.unpack(plo, phi).join(', ')}), but its children combine to (${combineFlat(kids3, fanout, childPages).join(', ')})`;
        }
      }
    }
  }
  return undefined;
}

/** Whether the parent (plo, phi) is what its fanout children at mem[k ..] combine to (leaves them unpacked in kids3). */
function combinesChildren(sums: PageAllocWorld['h']['sums'], mem: Uint32Array, k: number, fanout: number, childPages: number, plo: number, phi: number): boolean {
  for (let j = 0; j < fanout; j++) {
    const clo = mem[k + 2 * j]!;
    const chi = mem[k + 2 * j + 1]!;
    kids3[3 * j] = sums.start(clo, chi);
    kids3[3 * j + 1] = sums.max(clo, chi);
    kids3[3 * j + 2] = sums.end(clo, chi);
  }
  const want = combineFlat(kids3, fanout, childPages);
  return sums.start(plo, phi) === want[0] && sums.max(plo, phi) === want[1] && sums.end(plo, phi) === want[2];
}

export const innerSummariesCombineChildren: Inv = {
  id: 'innerSummariesCombineChildren',
  kind: 'state',
  go: go('mpagealloc.go', '(*pageAlloc).update'),
  quote: 'Walk up the radix tree and update the summaries appropriately.',
  statement: 'Every summary above the leaves that covers grown memory describes exactly the pages its children describe: its start, max and end are those of the concatenated children.',
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
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).scavengedAllocated === undefined,
  why: (w) => chunkProblems(w).scavengedAllocated ?? '',
};

export const scavIndexInUseMatchesBitmaps: Inv = {
  id: 'scavIndexInUseMatchesBitmaps',
  kind: 'state',
  go: go('mgcscavenge.go', 'type scavChunkData'),
  quote: 'inUse indicates how many pages in this chunk are currently allocated.',
  statement: "For every grown chunk, the scavenge index's inUse count equals the number of allocated pages in its bitmap.",
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).indexInUse === undefined,
  why: (w) => chunkProblems(w).indexInUse ?? '',
};

export const scavIndexHasFreeIsSound: Inv = {
  id: 'scavIndexHasFreeIsSound',
  kind: 'state',
  go: go('mgcscavenge.go', 'scavChunkHasFree'),
  quote: 'scavChunkHasFree indicates whether the chunk has anything left to scavenge.',
  statement:
    'Every grown chunk with a free, unscavenged page has its has-free flag set in the scavenge index; pages a background scavenge orphaned excepted (see reachesPagesOrphanedByBackgroundScavenge).',
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).flagClear === undefined,
  why: (w) => chunkProblems(w).flagClear ?? '',
};

export const scavIndexCoversScavengeablePages: Inv = {
  id: 'scavIndexCoversScavengeablePages',
  kind: 'state',
  go: go('mgcscavenge.go', 'type scavengeIndex (searchAddrForce)'),
  quote:
    'searchAddr* is the maximum address (in the offset address space, so we have a linear view of the address space; see mranges.go:offAddr) containing memory available to scavenge.',
  statement:
    'Every free, unscavenged page lies at or below searchAddrForce, so a forced scavenge, searching down from it, can reach it; pages a background scavenge orphaned excepted (see reachesPagesOrphanedByBackgroundScavenge).',
  specFile,
  holds: (w, scope) => chunkProblems(w, scope).aboveCursor === undefined,
  why: (w) => chunkProblems(w).aboveCursor ?? '',
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
  specFile,
  holds: (w) => inUseShapeProblem(w) === undefined,
  why: (w) => inUseShapeProblem(w) ?? '',
};

function inUseCoverProblem(w: PageAllocWorld): string | undefined {
  const got = grownChunks(w.h);
  const want = w.shadow.chunks();
  if (got.length !== want.length || !got.every((c, i) => c === want[i])) return `inUse covers chunks [${got.join(', ')}], but the grown chunks are [${want.join(', ')}]`;
  return undefined;
}

export const inUseCoversGrownMemory: Inv = {
  id: 'inUseCoversGrownMemory',
  kind: 'state',
  go: go('mpagealloc.go', 'type pageAlloc (inUse)'),
  quote: 'inUse is a slice of ranges of address space which are known by the page allocator to be currently in-use (passed to grow).',
  statement: 'The inUse ranges cover exactly the memory passed to grow.',
  specFile,
  holds: (w) => inUseCoverProblem(w) === undefined,
  why: (w) => inUseCoverProblem(w) ?? '',
};

function boundsProblem(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const grown = w.shadow.chunks();
  if (h.start > h.end) return `start ${h.start} > end ${h.end}`;
  if (grown.length === 0) return h.start === 0 && h.end === 0 ? undefined : `no memory grown, but [start, end) = [${h.start}, ${h.end})`;
  const lo = grown[0]!;
  const hi = grown[grown.length - 1]! + 1;
  if (h.start !== lo || h.end !== hi) return `[start, end) = [${h.start}, ${h.end}), but the grown chunks span [${lo}, ${hi})`;
  const leafLevel = h.summary[h.g.summaryLevels - 1]!;
  for (const ci of grown) {
    if (h.peekChunk(ci) === undefined) return `grown chunk ${ci} has no bitmap`;
    if (!leafLevel.readable(ci)) return `grown chunk ${ci} has no readable leaf summary`;
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
      if ((words[k]! | words[k + 1]!) !== 0) return `chunk ${ci} was never grown, but its leaf summary shows free pages`;
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
  scavIndexInUseMatchesBitmaps,
  scavIndexHasFreeIsSound,
  scavIndexCoversScavengeablePages,
  inUseIsSortedAndCoalesced,
  inUseCoversGrownMemory,
  boundsCoverGrownChunks,
  pageCachePagesAreAllocatedAndOwnedOnce,
];
