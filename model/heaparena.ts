// runtime/mheap.go @ go1.21 · type heapArena, arenaIndex, arenaBase,
// (arenaIdx).l1/l2, pageIndexOf.
//
// Per-arena metadata: which span owns each page, and per-span bits kept at
// the span's first page (pageInUse, pageMarks, pageSpecials), plus
// zeroedBase, the high-water mark of memory handed out in the arena.

import type { Geometry } from './geometry.js';
import type { MSpan } from './mspan.js';

export class HeapArena {
  /**
   * spans maps a page index in the arena to its *mspan: for allocated spans
   * every page maps to the span; free pages may keep stale pointers; pages
   * never allocated are null.
   */
  readonly spans: (MSpan | null)[];
  /** Bit set for the first page of each span in state mSpanInUse. */
  readonly pageInUse: Uint8Array;
  /** Bit set for the first page of each span with any marked object. */
  readonly pageMarks: Uint8Array;
  /** Bit set for the first page of each span with specials. */
  readonly pageSpecials: Uint8Array;
  /**
   * The first byte (relative to the arena base) of the first page not yet
   * used and therefore still zero. Increases monotonically until it reaches
   * heapArenaBytes.
   */
  zeroedBase = 0;

  constructor(
    /** This arena's index (ghost: Go finds it from the address). */
    readonly idx: number,
    pagesPerArena: number,
  ) {
    this.spans = new Array<MSpan | null>(pagesPerArena).fill(null);
    this.pageInUse = new Uint8Array(pagesPerArena / 8);
    this.pageMarks = new Uint8Array(pagesPerArena / 8);
    this.pageSpecials = new Uint8Array(pagesPerArena / 8);
  }
}

/** arenaIndex: the index of the arena containing p. */
export function arenaIndex(g: Geometry, p: number): number {
  return Math.floor((p - g.arenaBaseOffset) / g.heapArenaBytes);
}

/** arenaBase: the lowest address of arena i. */
export function arenaBase(g: Geometry, i: number): number {
  return i * g.heapArenaBytes + g.arenaBaseOffset;
}

/** ai.l1(): the index into the arena map's first level. */
export function arenaL1(g: Geometry, i: number): number {
  return g.arenaL1Bits === 0 ? 0 : Math.floor(i / 2 ** g.arenaL1Shift);
}

/** ai.l2(): the index into the arena map's second level. */
export function arenaL2(g: Geometry, i: number): number {
  return g.arenaL1Bits === 0 ? i : i % 2 ** g.arenaL2Bits;
}

/** The page number within its arena of the page containing p. */
export function arenaPage(g: Geometry, p: number): number {
  return Math.floor((p - g.arenaBaseOffset) / g.pageSize) % g.pagesPerArena;
}

/** pageIndexOf: the byte index and bit mask of p's page in an arena's page bitmaps. */
export function pageIndexOf(g: Geometry, p: number): [pageIdx: number, pageMask: number] {
  const page = arenaPage(g, p);
  return [page >>> 3, 1 << (page & 7)];
}
