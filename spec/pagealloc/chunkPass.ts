// The chunk-local rules of the catalog, checked in one pass over the grown
// chunks: each chunk's words are read once and every rule that speaks of a
// single chunk (its bitmaps against the spec, its leaf summary, its
// scavenged bits, its scavenge index entry against the spec's, which free
// pages a scavenger can still reach) is decided from them. The runner
// shares the pass between the entries of one check (CheckScope); each entry
// reports the first problem the pass found for its rule.

import { hex } from '../../model/geometry.js';
import { scavChunkHasFree, scavChunkNoHugePage } from '../../model/mgcscavenge_index.js';
import type { PallocData } from '../../model/mpallocbits.js';
import type { CheckScope } from '../catalog.js';
import { bit, grownChunks, pageHex, sameSum } from './modelView.js';
import { wholeGroups } from './pageHeap.js';
import { summarizeWords } from './summary.js';
import { decodeSum } from './summaryCodec.js';
import type { PageAllocWorld } from './world.js';

/** The first problem found for each chunk-local rule (undefined: none). */
export interface ChunkProblems {
  /** pageAllocRefinesSpec: bitmaps against the abstract heap (when both have the same chunks). */
  refinement?: string;
  /** leafSummariesMatchBitmaps. */
  leaf?: string;
  /** scavengedImpliesFree. */
  scavengedAllocated?: string;
  /** scavIndexEntriesMatchSpec. */
  indexEntry?: string;
  /** scavIndexCoversScavengeablePages. */
  reach?: string;
}

const passKey = {};

/** The pass, once per check when a scope is given. */
export function chunkProblems(w: PageAllocWorld, scope?: CheckScope): ChunkProblems {
  return scope === undefined ? chunkPass(w) : scope.shared(passKey, () => chunkPass(w));
}

function chunkPass(w: PageAllocWorld): ChunkProblems {
  const { h, shadow } = w;
  const g = h.g;
  const idx = h.scav.index;
  const cursor = idx.searchAddrForce.Load()[0];
  const cursorPage = Math.floor((cursor - g.arenaBaseOffset) / g.pageSize);
  const grown = grownChunks(h);
  const specChunks = shadow.chunks();
  const sameChunks = grown.length === specChunks.length && grown.every((c, i) => c === specChunks[i]);
  const out: ChunkProblems = {};
  const memo = leafMemo(h);
  const unreachable = new Uint32Array(g.pallocChunkPages / 32);
  for (const ci of grown) {
    const c = h.peekChunk(ci);
    const first = ci * g.pallocChunkPages;
    if (c === undefined) {
      out.leaf ??= `grown chunk ${hex(first * g.pageSize + g.arenaBaseOffset)} has no bitmap`;
      if (sameChunks) out.refinement ??= `chunk ${hex(first * g.pageSize + g.arenaBaseOffset)} has no bitmap`;
      continue;
    }
    if (out.leaf === undefined) {
      const p = leafProblem(w, ci, c, memo);
      if (p !== undefined) out.leaf = p;
    }
    const want = sameChunks ? shadow.expectedBits(ci) : undefined;
    if (sameChunks && want === undefined) out.refinement ??= `chunk ${pageHex(g, first)} has no bitmap in the spec`;
    const wantAlloc = want?.allocBits;
    const wantScav = want?.scavBits;
    const entry = idx.mapped(ci) ? idx.load(ci) : undefined;
    if (entry === undefined) out.indexEntry ??= `the scavenge index has no entry for grown chunk ${pageHex(g, first)}`;
    else if (out.indexEntry === undefined) {
      const e = shadow.index.entry(ci);
      const hasFree = (entry.flags & scavChunkHasFree) !== 0;
      const noHuge = (entry.flags & scavChunkNoHugePage) !== 0;
      if (entry.inUse !== e.inUse || entry.lastInUse !== e.lastInUse || entry.gen !== e.gen || hasFree !== e.hasFree || noHuge !== e.noHugePage) {
        out.indexEntry = `chunk ${pageHex(g, first)}: index entry {inUse ${entry.inUse}, lastInUse ${entry.lastInUse}, gen ${entry.gen}, hasFree ${hasFree}, noHugePage ${noHuge}}, but the spec's is {inUse ${e.inUse}, lastInUse ${e.lastInUse}, gen ${e.gen}, hasFree ${e.hasFree}, noHugePage ${e.noHugePage}}`;
      }
    }
    const clear = entry !== undefined && (entry.flags & scavChunkHasFree) === 0;
    const specUnreachable = out.reach === undefined ? shadow.unreachableWords(ci, unreachable) : undefined;
    for (let k = 0; k < c.w.length; k++) {
      const a = c.w[k]!;
      const s = c.scavenged.w[k]!;
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
      if (entry === undefined || out.reach !== undefined) continue;
      // The free, unscavenged pages (whole physical pages) the model's index keeps from a forced scavenger: all of a chunk marked empty, else those above searchAddrForce.
      const x = wholeGroups(~(a | s) >>> 0, k, c.w, c.scavenged.w, shadow.minPages);
      const got = clear ? x : (x & aboveMask(cursorPage - first - 32 * k)) >>> 0;
      const exp = specUnreachable?.[k] ?? 0;
      const d = (got ^ exp) >>> 0;
      if (d === 0) continue;
      const p = first + 32 * k + lowBit(d);
      out.reach = (got & d) !== 0
        ? `page ${pageHex(g, p)} is free and unscavenged, but ${clear ? 'its chunk is marked empty' : `it lies above searchAddrForce ${hex(cursor)}`}: no scavenge can reach it, and no background scavenge of the spec's left it so`
        : `page ${pageHex(g, p)} is one the spec's background scavenges left unreachable, but the model's index still leads a scavenger to it`;
    }
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
  const g = h.g;
  const leaf = g.summaryLevels - 1;
  const lv = h.summary[leaf]!;
  if (!lv.readable(ci)) return `grown chunk ${pageHex(g, ci * g.pallocChunkPages)} has no readable leaf summary`;
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
    m[n + 2] = sameSum(decodeSum(lo, up, g.logMaxPackedValue), summarizeWords(g.pallocChunkPages, c.w)) ? 1 : 0;
  }
  if (m![n + 2] === 1) return undefined;
  return `summary[${leaf}][${ci}] (chunk ${pageHex(g, ci * g.pallocChunkPages)}) = (${decodeSum(lo, up, g.logMaxPackedValue).join(', ')}), but chunk ${pageHex(g, ci * g.pallocChunkPages)}'s bitmap summarizes to (${summarizeWords(g.pallocChunkPages, c.w).join(', ')})`;
}

/** The bits b of a word with b > b0 (all for b0 < 0, none for b0 >= 31). */
function aboveMask(b0: number): number {
  return b0 < 0 ? 0xffffffff : b0 >= 31 ? 0 : (0xffffffff << (b0 + 1)) >>> 0;
}

/** The index of the lowest set bit of a nonzero word. */
function lowBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}
