// State invariants of the page allocator: true after every step.
// One exported entry per rule; the catalog (catalog.ts) lists them.

import { chunkBase, chunkIndex, pageIndex } from '../../model/chunks.js';
import { hex, pageCachePages } from '../../model/geometry.js';
import { hexWord } from '../../model/sys.js';
import { scavChunkHasFree } from '../../model/mgcscavenge_index.js';
import { addrsToSummaryRange } from '../../model/mpagealloc_64bit.js';
import type { PallocData } from '../../model/mpallocbits.js';
import { popcount } from '../../model/mpallocbits.js';
import type { StateInvariant } from '../catalog.js';
import { go } from '../catalog.js';
import { bit, grownChunks, pageHex, sameSum, summaryAt } from './modelView.js';
import { combine, summarizeWords } from './summary.js';
import type { PageAllocWorld } from './world.js';

const specFile = 'spec/pagealloc/invariants.ts';
type Inv = StateInvariant<PageAllocWorld>;

// Checking a chunk is a pure function of its bits (and the spec's view of
// it), so each checker remembers the last verdict per chunk and the content
// it was computed from, and recomputes only what changed.
class ChunkMemo {
  private readonly memo = new WeakMap<object, Map<number, { key: Uint32Array; ok: boolean }>>();

  verdict(owner: object, ci: number, key: Uint32Array, compute: () => boolean): boolean {
    let m = this.memo.get(owner);
    if (m === undefined) this.memo.set(owner, (m = new Map()));
    const old = m.get(ci);
    if (old !== undefined && sameWords(old.key, key)) return old.ok;
    const ok = compute();
    m.set(ci, { key: key.slice(), ok });
    return ok;
  }
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A chunk's allocation bits and its stored leaf summary, as one key (scratch buffer, copied by the memo). */
const leafKey = new Uint32Array(130);
function leafKeyOf(h: PageAllocWorld['h'], ci: number, c: PallocData | undefined): Uint32Array {
  const n = c === undefined ? 0 : c.w.length;
  const key = leafKey.subarray(0, n + 2);
  if (c !== undefined) key.set(c.w);
  const lv = h.summary[h.g.summaryLevels - 1]!;
  if (lv.readable(ci)) {
    const pg = lv.page(ci);
    key[n] = pg[lv.slot(ci)]!;
    key[n + 1] = pg[lv.slot(ci) + 1]!;
  } else {
    key[n] = 0xffffffff;
    key[n + 1] = 0xffffffff;
  }
  return key;
}

const leafMemo = new ChunkMemo();

function leafMismatch(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const leaf = h.g.summaryLevels - 1;
  for (const ci of grownChunks(h)) {
    const c = h.peekChunk(ci);
    const stored = summaryAt(h, leaf, ci);
    const ok = leafMemo.verdict(h, ci, leafKeyOf(h, ci, c), () => c !== undefined && sameSum(stored, summarizeWords(h.g.pallocChunkPages, c.w)));
    if (!ok) {
      const want = c === undefined ? 'no bitmap' : summarizeWords(h.g.pallocChunkPages, c.w).join(', ');
      return `summary[${leaf}][${ci}] = (${stored?.join(', ') ?? 'unreadable'}), but chunk ${ci}'s bitmap summarizes to (${want})`;
    }
  }
  return undefined;
}

export const leafSummariesMatchBitmaps: Inv = {
  id: 'leafSummariesMatchBitmaps',
  kind: 'state',
  go: go('mpagealloc.go', 'type pageAlloc (summary)'),
  quote:
    'Each entry in the radix tree is a summary that describes three properties of a particular region of the address space: the number of contiguous free pages at the start and end of the region it represents, and the maximum number of contiguous free pages found anywhere in that region.',
  statement: "Every grown chunk's leaf summary is (free pages at its start, longest free run, free pages at its end) of its bitmap.",
  specFile,
  holds: (w) => leafMismatch(w) === undefined,
  why: (w) => leafMismatch(w) ?? '',
};

const innerMemo = new ChunkMemo();

function innerMismatch(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  for (let l = g.summaryLevels - 2; l >= 0; l--) {
    const fanout = 2 ** g.levelBits[l + 1]!;
    const childPages = 2 ** g.levelLogPages[l + 1]!;
    const parents = h.summary[l]!;
    const kids = h.summary[l + 1]!;
    for (const r of h.inUse.ranges) {
      const [lo, hi] = addrsToSummaryRange(g, l, r.base.addr(), r.limit.addr());
      for (let i = lo; i < hi; i++) {
        const first = i * fanout;
        if (!parents.readable(i) || !kids.readable(first)) return `summary[${l}][${i}] or its children are not readable under a grown range`;
        // Key: the children's and the parent's packed words (the verdict depends on nothing else).
        const cp = kids.page(first);
        const ck = kids.slot(first);
        const key = innerKeys[fanout]!;
        for (let k = 0; k < 2 * fanout; k++) key[k] = cp[ck + k]!;
        const pp = parents.page(i);
        key[2 * fanout] = pp[parents.slot(i)]!;
        key[2 * fanout + 1] = pp[parents.slot(i) + 1]!;
        const ok = innerMemo.verdict(h, l * 2 ** 40 + i, key, () => {
          const children = [];
          for (let j = 0; j < fanout; j++) children.push(summaryAt(h, l + 1, first + j)!);
          return sameSum(summaryAt(h, l, i), combine(children, childPages));
        });
        if (!ok) {
          const children = [];
          for (let j = 0; j < fanout; j++) children.push(summaryAt(h, l + 1, first + j)!);
          return `summary[${l}][${i}] = (${summaryAt(h, l, i)?.join(', ') ?? 'unreadable'}), but its children combine to (${combine(children, childPages).join(', ')})`;
        }
      }
    }
  }
  return undefined;
}

/** Scratch keys by fanout (the memo copies what it keeps). */
const innerKeys: Record<number, Uint32Array> = Object.fromEntries([1, 2, 4, 8, 16, 32, 64].map((f) => [f, new Uint32Array(2 * f + 2)]));

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

function scavengedAllocated(w: PageAllocWorld): string | undefined {
  const { h } = w;
  for (const ci of grownChunks(h)) {
    const c = h.peekChunk(ci);
    if (c === undefined) continue;
    for (let k = 0; k < c.w.length; k++) {
      const both = c.w[k]! & c.scavenged.w[k]!;
      if (both !== 0) return `page ${pageHex(h.g, ci * h.g.pallocChunkPages + 32 * k + 31 - Math.clz32(both & -both))} is both allocated and scavenged`;
    }
  }
  return undefined;
}

export const scavengedImpliesFree: Inv = {
  id: 'scavengedImpliesFree',
  kind: 'state',
  go: go('mpallocbits.go', '(*pallocData).allocRange'),
  quote: 'Clear the scavenged bits when we alloc the range.',
  statement: 'No page is both allocated and scavenged: a scavenged page is a free page.',
  specFile,
  holds: (w) => scavengedAllocated(w) === undefined,
  why: (w) => scavengedAllocated(w) ?? '',
};

function indexInUseMismatch(w: PageAllocWorld): string | undefined {
  const { h } = w;
  const idx = h.scav.index;
  for (const ci of grownChunks(h)) {
    if (!idx.mapped(ci)) return `the scavenge index has no entry for grown chunk ${ci}`;
    const c = h.peekChunk(ci);
    const want = c === undefined ? 0 : popcount(c);
    const got = idx.load(ci).inUse;
    if (got !== want) return `chunk ${ci}: index inUse = ${got}, but ${want} pages are allocated`;
  }
  return undefined;
}

export const scavIndexInUseMatchesBitmaps: Inv = {
  id: 'scavIndexInUseMatchesBitmaps',
  kind: 'state',
  go: go('mgcscavenge.go', 'type scavChunkData'),
  quote: 'inUse indicates how many pages in this chunk are currently allocated.',
  statement: "For every grown chunk, the scavenge index's inUse count equals the number of allocated pages in its bitmap.",
  specFile,
  holds: (w) => indexInUseMismatch(w) === undefined,
  why: (w) => indexInUseMismatch(w) ?? '',
};

/**
 * Free, unscavenged pages of grown chunks that the scavenge index does not
 * lead a forced scavenger to: their chunk's has-free flag is clear, or they
 * lie above searchAddrForce. Ascending global page indices.
 */
export function uncoveredScavengeablePages(h: PageAllocWorld['h']): { flagClear: number[]; aboveCursor: number[] } {
  const g = h.g;
  const idx = h.scav.index;
  const [cursor] = idx.searchAddrForce.Load();
  const cursorPage = pageIndex(g, cursor);
  const flagClear: number[] = [];
  const aboveCursor: number[] = [];
  for (const ci of grownChunks(h)) {
    const c = h.peekChunk(ci);
    if (c === undefined || !idx.mapped(ci)) continue;
    const clear = (idx.load(ci).flags & scavChunkHasFree) === 0;
    const first = ci * g.pallocChunkPages;
    if (!clear && first + g.pallocChunkPages - 1 <= cursorPage) continue;
    for (let k = 0; k < c.w.length; k++) {
      let x = ~(c.w[k]! | c.scavenged.w[k]!) >>> 0;
      while (x !== 0) {
        const b = 31 - Math.clz32(x & -x);
        x = (x & (x - 1)) >>> 0;
        const p = first + 32 * k + b;
        if (clear) flagClear.push(p);
        else if (p > cursorPage) aboveCursor.push(p);
      }
    }
  }
  return { flagClear, aboveCursor };
}

function coverProblem(w: PageAllocWorld, which: 'flagClear' | 'aboveCursor'): string | undefined {
  const bad = uncoveredScavengeablePages(w.h)[which].filter((p) => !w.orphaned.has(p));
  if (bad.length === 0) return undefined;
  const p = bad[0]!;
  return which === 'flagClear'
    ? `chunk ${Math.floor(p / w.h.g.pallocChunkPages)} has free, unscavenged page ${pageHex(w.h.g, p)} but its index entry says nothing is left to scavenge`
    : `page ${pageHex(w.h.g, p)} is free and unscavenged but above searchAddrForce ${hex(w.h.scav.index.searchAddrForce.Load()[0])}`;
}

export const scavIndexHasFreeIsSound: Inv = {
  id: 'scavIndexHasFreeIsSound',
  kind: 'state',
  go: go('mgcscavenge.go', 'scavChunkHasFree'),
  quote: 'scavChunkHasFree indicates whether the chunk has anything left to scavenge.',
  statement:
    'Every grown chunk with a free, unscavenged page has its has-free flag set in the scavenge index; pages a background scavenge orphaned excepted (see reachesPagesOrphanedByBackgroundScavenge).',
  specFile,
  holds: (w) => coverProblem(w, 'flagClear') === undefined,
  why: (w) => coverProblem(w, 'flagClear') ?? '',
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
  holds: (w) => coverProblem(w, 'aboveCursor') === undefined,
  why: (w) => coverProblem(w, 'aboveCursor') ?? '',
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
  if (got.length !== want.length || got.some((c, i) => c !== want[i])) return `inUse covers chunks [${got.join(', ')}], but the grown chunks are [${want.join(', ')}]`;
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
  const leaf = h.g.summaryLevels - 1;
  for (const ci of grown) {
    if (h.peekChunk(ci) === undefined) return `grown chunk ${ci} has no bitmap`;
    if (summaryAt(h, leaf, ci) === undefined) return `grown chunk ${ci} has no readable leaf summary`;
  }
  // Chunks in between that were never grown: every leaf summary that is readable at all must be zero.
  const leafLevel = h.summary[leaf]!;
  for (const u of leafLevel.mappedPages()) {
    const words = leafLevel.unit(u)!;
    const first = u * leafLevel.perPage;
    const from = Math.max(lo, first);
    const to = Math.min(hi, first + leafLevel.perPage, leafLevel.len);
    for (let ci = from; ci < to; ci++) {
      const k = 2 * (ci - first);
      if ((words[k]! | words[k + 1]!) !== 0 && !w.shadow.isMapped(ci)) return `chunk ${ci} was never grown, but its leaf summary shows free pages`;
    }
  }
  return undefined;
}

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

function refinementProblem(w: PageAllocWorld): string | undefined {
  const { h, shadow } = w;
  const g = h.g;
  const cover = inUseCoverProblem(w);
  if (cover !== undefined) return cover;
  for (const ci of shadow.chunks()) {
    const c = h.peekChunk(ci);
    const want = shadow.expectedBits(ci);
    if (c === undefined || want === undefined) return `chunk ${ci} has no bitmap`;
    for (let k = 0; k < c.w.length; k++) {
      const da = (c.w[k]! ^ want.alloc[k]!) >>> 0;
      if (da !== 0) {
        const i = 32 * k + 31 - Math.clz32(da & -da);
        return `page ${pageHex(g, ci * g.pallocChunkPages + i)} is ${bit(c, i) ? 'allocated' : 'free'} in the bitmap, but ${bit(c, i) ? 'free' : 'handed out'} in the spec`;
      }
      const ds = (c.scavenged.w[k]! ^ want.scav[k]!) >>> 0;
      if (ds !== 0) {
        const i = 32 * k + 31 - Math.clz32(ds & -ds);
        return `page ${pageHex(g, ci * g.pallocChunkPages + i)} is ${bit(c.scavenged, i) ? '' : 'not '}scavenged in the bitmap, but the spec says otherwise`;
      }
    }
  }
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
  holds: (w) => refinementProblem(w) === undefined,
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
