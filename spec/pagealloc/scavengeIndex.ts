// The scavenger's policy, as the spec keeps it: what runtime/mgcscavenge.go's
// scavengeIndex knows about each chunk, where its two cursors stand, and
// which pages a scavenge must release, decided page by page from the
// abstract page heap. Nothing here reads the model.
//
// Per chunk (scavChunkData): pages in use now and when the generation last
// changed, the generation of the last update, "has free" (something may be
// left to scavenge) and "no huge page" (the scavenger broke one here).
// Cursors (searchAddrBg, searchAddrForce): the highest page worth a look,
// marked when a free or nextGen raised it; freeHWM: the highest page freed
// this generation. Pages are global page indices; a cursor at page 0 is
// minOffAddr, "nothing to scavenge".
//
// A scavenge (pageAlloc.scavenge) repeats: find the highest chunk at or
// below the cursor that shouldScavenge (its has-free flag; unless forced,
// neither this generation nor the last dense, or just inUse if the chunk
// is a generation behind), then release in it the highest run of free,
// unscavenged, min-aligned groups at or below the cursor's 64-page word, at
// most max pages (min-aligned), widened down to a huge page boundary rather
// than break a free, unscavenged huge page. Finding nothing marks the chunk
// empty "for now": free pages above the word are then orphaned until a free
// in the chunk sets the flag again.

import { FREE } from './pageHeap.js';

/** scavChunkData, abstractly. */
export interface ScavChunkEntry {
  inUse: number;
  lastInUse: number;
  gen: number;
  hasFree: boolean;
  noHugePage: boolean;
}

/** A cursor: a global page index (0: minOffAddr) and whether a free or nextGen marked it. */
export interface Cursor {
  page: number;
  marked: boolean;
}

/** The page heap's view the policy needs: page states and scavenged flags, per chunk. */
export interface ScavengeablePages {
  chunkStates(ci: number): { readonly state: Uint8Array; readonly scavenged: Uint8Array } | undefined;
  /** Mark free, unscavenged pages [pi, pi+n) scavenged. */
  setScavenged(pi: number, n: number): void;
}

export interface IndexGeometry {
  readonly chunkPages: number;
  /** scavChunkHiOccPages. */
  readonly hiOccPages: number;
  /** physPageSize / pageSize, at least 1: the smallest run the scavenger releases, and its alignment. */
  readonly minPages: number;
  /** physHugePageSize / pageSize when huge pages are bigger than pages and physical pages, else 0. */
  readonly hugePagePages: number;
}

/** What one scavengeOne did: the chunk searched, from which page, and the run released (npages 0: none, the chunk marked empty). */
export interface ScavengeOneOutcome {
  readonly chunk: number;
  /** The chunk's first page (global index), for messages. */
  readonly chunkFirstPage: number;
  readonly searchIdx: number;
  readonly firstPage: number;
  readonly npages: number;
  /** A chunk with free, unscavenged pages that a background scavenge passed over for density. */
  readonly skippedDense: boolean;
  /** The run was widened down to a huge page boundary. */
  readonly widened: boolean;
}

/** The entry of a chunk never grown (read-only: Go's index memory reads as zero). */
const zeroEntry: Readonly<ScavChunkEntry> = Object.freeze({ inUse: 0, lastInUse: 0, gen: 0, hasFree: false, noHugePage: false });

/** worthALook's verdicts. */
const LOOK = 0;
const DENSE = 1;
const NOTHING = 2;

export class AbstractScavengeIndex {
  private readonly entries = new Map<number, ScavChunkEntry>();
  gen = 0;
  minHeapIdx = 0;
  readonly bg: Cursor = { page: 0, marked: false };
  readonly force: Cursor = { page: 0, marked: false };
  freeHWM = 0;

  constructor(readonly geo: IndexGeometry) {}

  /** The entry of chunk ci (a zero entry for one never grown: Go's index memory reads as zero). */
  entry(ci: number): Readonly<ScavChunkEntry> {
    return this.entries.get(ci) ?? zeroEntry;
  }

  /** grow: chunks [first, first+n) get zero entries (new memory is scavenged: nothing to do); minHeapIdx falls. */
  grow(first: number, n: number): void {
    if (this.minHeapIdx === 0 || first < this.minHeapIdx) this.minHeapIdx = first;
    for (let ci = first; ci < first + n; ci++) this.entries.set(ci, { inUse: 0, lastInUse: 0, gen: 0, hasFree: false, noHugePage: false });
  }

  private touch(e: ScavChunkEntry): void {
    if (e.gen !== this.gen) {
      e.lastInUse = e.inUse;
      e.gen = this.gen;
    }
  }

  /** npages of chunk ci were allocated (or went to a page cache). */
  alloc(ci: number, npages: number): void {
    const e = this.entries.get(ci)!;
    this.touch(e);
    e.inUse += npages;
    if (e.inUse === this.geo.chunkPages) e.hasFree = false;
    // Dense again: huge pages may form here.
    if (e.noHugePage && e.inUse > this.geo.hiOccPages) e.noHugePage = false;
  }

  /** npages of chunk ci starting at page (in the chunk) were freed. */
  free(ci: number, page: number, npages: number): void {
    const e = this.entries.get(ci)!;
    this.touch(e);
    e.inUse -= npages;
    e.hasFree = true;
    const top = ci * this.geo.chunkPages + page + npages - 1;
    if (this.freeHWM < top) this.freeHWM = top;
    if (this.force.page < top) {
      this.force.page = top;
      this.force.marked = true;
    }
  }

  /** nextGen, once per GC cycle: this generation's frees become the background scavenger's to look at. */
  nextGen(): void {
    this.gen = (this.gen + 1) >>> 0;
    if (this.bg.page < this.freeHWM) {
      this.bg.page = this.freeHWM;
      this.bg.marked = true;
    }
    this.freeHWM = 0;
  }

  /** shouldScavenge: is chunk ci worth the scavenger's look (LOOK); when not, whether density alone said no (DENSE) or there is nothing free (NOTHING). */
  private worthALook(e: Readonly<ScavChunkEntry>, force: boolean): typeof LOOK | typeof DENSE | typeof NOTHING {
    if (!e.hasFree) return NOTHING;
    if (force) return LOOK;
    const hi = this.geo.hiOccPages;
    const look = e.gen === this.gen ? e.inUse < hi && e.lastInUse < hi : e.inUse < hi;
    return look ? LOOK : DENSE;
  }

  /** find: the chunk to search and the page (in it) to search from, or none; moves the cursor as Go's does. */
  private find(force: boolean): { chunk: number; searchIdx: number; skippedDense: boolean } | undefined {
    const cursor = force ? this.force : this.bg;
    if (cursor.page === 0) return undefined;
    const cp = this.geo.chunkPages;
    const start = Math.floor(cursor.page / cp);
    let skippedDense = false;
    for (let i = start; i >= this.minHeapIdx; i--) {
      const verdict = this.worthALook(this.entry(i), force);
      skippedDense ||= verdict === DENSE;
      if (verdict !== LOOK) continue;
      if (i === start) return { chunk: i, searchIdx: cursor.page - i * cp, skippedDense };
      // The cursor moves down to the top of this chunk (unmarked); a marked cursor only if nothing raised it since.
      cursor.page = (i + 1) * cp - 1;
      cursor.marked = false;
      return { chunk: i, searchIdx: cp - 1, skippedDense };
    }
    // Nothing left: clear the cursor, unless a free marked it.
    if (!cursor.marked) cursor.page = 0;
    return undefined;
  }

  /**
   * The run to release in a chunk: the highest run of free, unscavenged
   * min-aligned groups below the end of searchIdx's 64-page word, at most
   * maxPages (aligned up to min), widened to a huge page boundary below it
   * when the run would otherwise break a free, unscavenged huge page.
   */
  private candidate(c: { readonly state: Uint8Array; readonly scavenged: Uint8Array }, searchIdx: number, maxPages: number): { start: number; size: number; widened: boolean } {
    const min = this.geo.minPages;
    const ok = (g: number): boolean => {
      for (let i = g * min; i < (g + 1) * min; i++) if (c.state[i] !== FREE || c.scavenged[i] !== 0) return false;
      return true;
    };
    const limit = (Math.floor(searchIdx / 64) + 1) * 64;
    let g = limit / min - 1;
    while (g >= 0 && !ok(g)) g--;
    if (g < 0) return { start: 0, size: 0, widened: false };
    const end = (g + 1) * min;
    let first = g;
    while (first - 1 >= 0 && ok(first - 1)) first--;
    const run = end - first * min;
    const max = maxPages === 0 ? min : Math.ceil(maxPages / min) * min;
    let size = Math.min(run, max);
    let start = end - size;
    let widened = false;
    const hp = this.geo.hugePagePages;
    if (hp > 0) {
      const above = Math.ceil(start / hp) * hp;
      const below = Math.floor(start / hp) * hp;
      // Crossing a huge page boundary, and the whole huge page below is in the run: take it all.
      if (above <= end && below >= end - run) {
        widened = below < start;
        size += start - below;
        start = below;
      }
    }
    return { start, size, widened };
  }

  /** scavengeOne: release one run in chunk ci (updating pages and flags), or mark it empty. */
  private scavengeOne(pages: ScavengeablePages, ci: number, searchIdx: number, maxBytes: number, pageSize: number, skippedDense: boolean): ScavengeOneOutcome {
    const maxPages = Math.ceil(maxBytes / pageSize);
    const cp = this.geo.chunkPages;
    const c = pages.chunkStates(ci);
    if (c !== undefined && longestFreeRun(c.state) >= this.geo.minPages) {
      const { start, size, widened } = this.candidate(c, searchIdx, maxPages);
      if (size !== 0) {
        this.entries.get(ci)!.noHugePage = true;
        pages.setScavenged(ci * cp + start, size);
        return { chunk: ci, chunkFirstPage: ci * cp, searchIdx, firstPage: ci * cp + start, npages: size, skippedDense, widened };
      }
    }
    const e = this.entries.get(ci);
    if (e !== undefined) e.hasFree = false;
    return { chunk: ci, chunkFirstPage: ci * cp, searchIdx, firstPage: -1, npages: 0, skippedDense, widened: false };
  }

  /** pageAlloc.scavenge(nbytes, force): the scavengeOne calls it makes, in order, applied to pages and to this index. */
  scavenge(pages: ScavengeablePages, nbytes: number, force: boolean, pageSize: number): ScavengeOneOutcome[] {
    const out: ScavengeOneOutcome[] = [];
    let released = 0;
    while (released < nbytes) {
      const f = this.find(force);
      if (f === undefined) break;
      const o = this.scavengeOne(pages, f.chunk, f.searchIdx, nbytes - released, pageSize, f.skippedDense);
      out.push(o);
      released += o.npages * pageSize;
    }
    return out;
  }

  /**
   * Pages no scavenger can reach now: free and unscavenged, in a chunk whose
   * has-free flag is clear, or above the forced cursor. A forced scavenge
   * (debug.FreeOSMemory) cannot release them; Go calls them done "for now".
   */
  unreachable(pages: ScavengeablePages, chunks: readonly number[]): number[] {
    const out: number[] = [];
    const cp = this.geo.chunkPages;
    for (const ci of chunks) {
      const c = pages.chunkStates(ci);
      if (c === undefined) continue;
      const clear = !this.entry(ci).hasFree;
      for (let i = 0; i < cp; i++) {
        const p = ci * cp + i;
        if (c.state[i] === FREE && c.scavenged[i] === 0 && (clear || p > this.force.page)) out.push(p);
      }
    }
    return out;
  }
}

/** The longest run of free pages in a chunk (its leaf summary's max). */
function longestFreeRun(state: Uint8Array): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < state.length; i++) {
    run = state[i] === FREE ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}
