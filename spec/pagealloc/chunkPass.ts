// The chunk-local rules of the catalog, checked in one pass over the grown
// chunks: each chunk's words are read once and every rule that speaks of a
// single chunk (its bitmaps against the spec, its leaf summary, its
// scavenged bits, its scavenge index entry) is decided from them. The
// runner shares the pass between the entries of one check (CheckScope);
// each entry reports the first problem the pass found for its rule.

import { pageIndex } from '../../model/chunks.js';
import { hex } from '../../model/geometry.js';
import { scavChunkHasFree } from '../../model/mgcscavenge_index.js';
import type { PallocData } from '../../model/mpallocbits.js';
import type { CheckScope } from '../catalog.js';
import { bit, grownChunks, pageHex, sameSum } from './modelView.js';
import { summarizeWords } from './summary.js';
import type { PageAllocWorld } from './world.js';

/** The first problem found for each chunk-local rule (undefined: none). */
export interface ChunkProblems {
  /** pageAllocRefinesSpec: bitmaps against the abstract heap (when both have the same chunks). */
  refinement?: string;
  /** leafSummariesMatchBitmaps. */
  leaf?: string;
  /** scavengedImpliesFree. */
  scavengedAllocated?: string;
  /** scavIndexInUseMatchesBitmaps. */
  indexInUse?: string;
  /** scavIndexHasFreeIsSound. */
  flagClear?: string;
  /** scavIndexCoversScavengeablePages. */
  aboveCursor?: string;
}

const passKey = {};

/** The pass, once per check when a scope is given. */
export function chunkProblems(w: PageAllocWorld, scope?: CheckScope): ChunkProblems {
  return scope === undefined ? chunkPass(w) : scope.shared(passKey, () => chunkPass(w));
}

function chunkPass(w: PageAllocWorld): ChunkProblems {
  const { h, shadow, orphaned } = w;
  const g = h.g;
  const idx = h.scav.index;
  const cursor = idx.searchAddrForce.Load()[0];
  const cursorPage = pageIndex(g, cursor);
  const grown = grownChunks(h);
  const specChunks = shadow.chunks();
  const sameChunks = grown.length === specChunks.length && grown.every((c, i) => c === specChunks[i]);
  const out: ChunkProblems = {};
  const memo = leafMemo(h);
  for (const ci of grown) {
    const c = h.peekChunk(ci);
    const first = ci * g.pallocChunkPages;
    if (c === undefined) {
      out.leaf ??= `grown chunk ${ci} has no bitmap`;
      if (sameChunks) out.refinement ??= `chunk ${ci} has no bitmap`;
      continue;
    }
    if (out.leaf === undefined) {
      const p = leafProblem(w, ci, c, memo);
      if (p !== undefined) out.leaf = p;
    }
    const want = sameChunks ? shadow.expectedBits(ci) : undefined;
    if (sameChunks && want === undefined) out.refinement ??= `chunk ${ci} has no bitmap`;
    const wantAlloc = want?.allocBits;
    const wantScav = want?.scavBits;
    const mapped = idx.mapped(ci);
    const entry = mapped ? idx.load(ci) : undefined;
    const clear = entry !== undefined && (entry.flags & scavChunkHasFree) === 0;
    const orph = orphaned.wordsOf(ci);
    let inUse = 0;
    for (let k = 0; k < c.w.length; k++) {
      const a = c.w[k]!;
      const s = c.scavenged.w[k]!;
      inUse += ones32(a);
      const both = a & s;
      if (both !== 0) out.scavengedAllocated ??= `page ${pageHex(g, first + 32 * k + lowBit(both))} is both allocated and scavenged`;
      if (wantAlloc !== undefined && wantScav !== undefined && out.refinement === undefined) {
        const da = (a ^ wantAlloc[k]!) >>> 0;
        const ds = (s ^ wantScav[k]!) >>> 0;
        if (da !== 0) {
          const i = 32 * k + lowBit(da);
          out.refinement = `page ${pageHex(g, first + i)} is ${bit(c, i) ? 'allocated' : 'free'} in the bitmap, but ${bit(c, i) ? 'free' : 'handed out'} in the spec`;
        } else if (ds !== 0) {
          const i = 32 * k + lowBit(ds);
          out.refinement = `page ${pageHex(g, first + i)} is ${bit(c.scavenged, i) ? '' : 'not '}scavenged in the bitmap, but the spec says otherwise`;
        }
      }
      if (entry === undefined) continue;
      // Free, unscavenged pages the index does not lead a forced scavenger to (orphans excepted).
      const x = ~(a | s) & ~(orph?.[k] ?? 0);
      if (x === 0) continue;
      if (clear) {
        out.flagClear ??= `chunk ${ci} has free, unscavenged page ${pageHex(g, first + 32 * k + lowBit(x))} but its index entry says nothing is left to scavenge`;
      } else {
        const above = aboveMask(cursorPage - first - 32 * k) & x;
        if (above !== 0) out.aboveCursor ??= `page ${pageHex(g, first + 32 * k + lowBit(above))} is free and unscavenged but above searchAddrForce ${hex(cursor)}`;
      }
    }
    if (entry === undefined) out.indexInUse ??= `the scavenge index has no entry for grown chunk ${ci}`;
    else if (entry.inUse !== inUse) out.indexInUse ??= `chunk ${ci}: index inUse = ${entry.inUse}, but ${inUse} pages are allocated`;
  }
  return out;
}

// A leaf's verdict is a pure function of its chunk's allocation bits and
// its stored summary, and the spec's summary is computed page by page, so
// the check remembers, per allocator and chunk, the words its last verdict
// came from (then the verdict) and recomputes only when they changed.
const leafMemos = new WeakMap<PageAllocWorld['h'], Map<number, Uint32Array>>();

function leafMemo(h: PageAllocWorld['h']): Map<number, Uint32Array> {
  let memo = leafMemos.get(h);
  if (memo === undefined) leafMemos.set(h, (memo = new Map()));
  return memo;
}

function leafProblem(w: PageAllocWorld, ci: number, c: PallocData, memo: Map<number, Uint32Array>): string | undefined {
  const { h } = w;
  const leaf = h.g.summaryLevels - 1;
  const lv = h.summary[leaf]!;
  if (!lv.readable(ci)) return `grown chunk ${ci} has no readable leaf summary`;
  const pg = lv.page(ci);
  const k = lv.slot(ci);
  const lo = pg[k]!;
  const up = pg[k + 1]!;
  const n = c.w.length;
  let m = memo.get(ci);
  let same = m !== undefined && m[n] === lo && m[n + 1] === up;
  for (let i = 0; same && i < n; i++) same = m![i] === c.w[i];
  if (!same) {
    if (m === undefined) memo.set(ci, (m = new Uint32Array(n + 3)));
    m.set(c.w);
    m[n] = lo;
    m[n + 1] = up;
    m[n + 2] = sameSum(h.sums.unpack(lo, up), summarizeWords(h.g.pallocChunkPages, c.w)) ? 1 : 0;
  }
  if (m![n + 2] === 1) return undefined;
  return `summary[${leaf}][${ci}] = (${h.sums.unpack(lo, up).join(', ')}), but chunk ${ci}'s bitmap summarizes to (${summarizeWords(h.g.pallocChunkPages, c.w).join(', ')})`;
}

/**
 * Chunk ci's free, unscavenged pages that the scavenge index does not lead
 * a forced scavenger to, written into out as a bitmap: all of them when the
 * chunk's has-free flag is clear ('flagClear'), else those above
 * searchAddrForce, page cursorPage ('aboveCursor'). Undefined, out
 * untouched, when the chunk has no bitmap or no index entry.
 */
export function uncoveredWords(h: PageAllocWorld['h'], ci: number, cursorPage: number, out: Uint32Array): 'flagClear' | 'aboveCursor' | undefined {
  const c = h.peekChunk(ci);
  const idx = h.scav.index;
  if (c === undefined || !idx.mapped(ci)) return undefined;
  const clear = (idx.load(ci).flags & scavChunkHasFree) === 0;
  const first = ci * h.g.pallocChunkPages;
  for (let k = 0; k < c.w.length; k++) {
    const x = ~(c.w[k]! | c.scavenged.w[k]!) >>> 0;
    out[k] = clear ? x : (x & aboveMask(cursorPage - first - 32 * k)) >>> 0;
  }
  return clear ? 'flagClear' : 'aboveCursor';
}

/** The bits b of a word with b > b0 (all for b0 < 0, none for b0 >= 31). */
function aboveMask(b0: number): number {
  return b0 < 0 ? 0xffffffff : b0 >= 31 ? 0 : (0xffffffff << (b0 + 1)) >>> 0;
}

/** The index of the lowest set bit of a nonzero word. */
function lowBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function ones32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
