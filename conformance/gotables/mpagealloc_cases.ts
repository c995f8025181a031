// Go's runtime/mpagealloc_test.go tables (go1.19.8 = go1.21.12, byte-identical),
// ported as data: TestPageAllocGrow, TestPageAllocAlloc, TestPageAllocExhaust,
// TestPageAllocFree, TestPageAllocAllocAndFree. Case names are Go's, verbatim.
// Go builds the tables from its constants (PallocChunkPages, PageSize,
// BaseChunkIdx); so do these functions, from a Geometry.
//
// Go adds the 64-bit-only cases (ExtremelyDiscontiguous,
// DiscontiguousMappedSumBoundary, DiscontiguousBadSearchAddr) when
// PageAlloc64Bit != 0 and not on iOS; linux/amd64 has them, and so do these.

import { baseChunkIdx, pageBase } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';
import { pallocSumBytes } from '../../model/geometry.js';
import type { BR, ChunkMap } from './helpers.js';

/** A chunk offset that translates to O(TiB) (Go: chunkIdxBigJump). */
const chunkIdxBigJump = 0x100000;

export interface GrowCase {
  readonly name: string;
  readonly chunks: readonly number[];
  /** Expected InUse(): [base, limit) address pairs. */
  readonly inUse: readonly (readonly [base: number, limit: number])[];
}

export function pageAllocGrowCases(g: Geometry): GrowCase[] {
  const C = baseChunkIdx(g);
  const pb = (c: number, i: number): number => pageBase(g, c, i);
  // [PageBase(C+a, 0), PageBase(C+b, 0))
  const r = (a: number, b: number): readonly [number, number] => [pb(C + a, 0), pb(C + b, 0)];
  const evens = Array.from({ length: 33 }, (_, k) => 2 * k); // 0, 2, ..., 64
  return [
    { name: 'One', chunks: [C], inUse: [r(0, 1)] },
    { name: 'Contiguous2', chunks: [C, C + 1], inUse: [r(0, 2)] },
    { name: 'Contiguous5', chunks: [C, C + 1, C + 2, C + 3, C + 4], inUse: [r(0, 5)] },
    { name: 'Discontiguous', chunks: [C, C + 2, C + 4], inUse: [r(0, 1), r(2, 3), r(4, 5)] },
    { name: 'Mixed', chunks: [C, C + 1, C + 2, C + 4], inUse: [r(0, 3), r(4, 5)] },
    { name: 'WildlyDiscontiguous', chunks: [C, C + 1, C + 0x10, C + 0x21], inUse: [r(0, 2), r(0x10, 0x11), r(0x21, 0x22)] },
    // Go: the initial capacity of inUse is 16; 33 ranges exercise its growth path twice.
    { name: 'ManyDiscontiguous', chunks: evens.map((k) => C + k), inUse: evens.map((k) => r(k, k + 1)) },
    // 64-bit only.
    { name: 'ExtremelyDiscontiguous', chunks: [C, C + 0x100000], inUse: [r(0, 1), r(0x100000, 0x100001)] },
  ];
}

/** One Alloc(npages) and what it must return: base (0 = failure) and scavenged bytes. */
export interface AllocHit {
  readonly npages: number;
  readonly base: number;
  readonly scav: number;
}

export interface AllocCase {
  readonly name: string;
  readonly before: ChunkMap;
  readonly scav: ChunkMap;
  readonly hits: readonly AllocHit[];
  /** The expected state is NewPageAlloc(after, scav): scavenged bits under allocated pages are dropped. */
  readonly after: ChunkMap;
}

export function pageAllocAllocCases(g: Geometry): AllocCase[] {
  const C = baseChunkIdx(g);
  const P = g.pallocChunkPages;
  const PS = g.pageSize;
  const pb = (c: number, i: number): number => pageBase(g, c, i);
  const h = (npages: number, base: number, scav: number): AllocHit => ({ npages, base, scav });
  const all: BR[] = [[0, P]];
  const cases: AllocCase[] = [
    {
      name: 'AllFree1',
      before: { [C]: [] },
      scav: { [C]: [[0, 1], [2, 2]] },
      hits: [h(1, pb(C, 0), PS), h(1, pb(C, 1), 0), h(1, pb(C, 2), PS), h(1, pb(C, 3), PS), h(1, pb(C, 4), 0)],
      after: { [C]: [[0, 5]] },
    },
    {
      name: 'ManyArena1',
      before: { [C]: all, [C + 1]: all, [C + 2]: [[0, P - 1]] },
      scav: { [C]: all, [C + 1]: all, [C + 2]: all },
      hits: [h(1, pb(C + 2, P - 1), PS)],
      after: { [C]: all, [C + 1]: all, [C + 2]: all },
    },
    {
      name: 'NotContiguous1',
      before: { [C]: all, [C + 0xff]: [[0, 0]] },
      scav: { [C]: all, [C + 0xff]: all },
      hits: [h(1, pb(C + 0xff, 0), PS)],
      after: { [C]: all, [C + 0xff]: [[0, 1]] },
    },
    {
      name: 'AllFree2',
      before: { [C]: [] },
      scav: { [C]: [[0, 3], [7, 1]] },
      hits: [h(2, pb(C, 0), 2 * PS), h(2, pb(C, 2), PS), h(2, pb(C, 4), 0), h(2, pb(C, 6), PS), h(2, pb(C, 8), 0)],
      after: { [C]: [[0, 10]] },
    },
    {
      name: 'Straddle2',
      before: { [C]: [[0, P - 1]], [C + 1]: [[1, P - 1]] },
      scav: { [C]: [[P - 1, 1]], [C + 1]: [] },
      hits: [h(2, pb(C, P - 1), PS)],
      after: { [C]: all, [C + 1]: all },
    },
    {
      name: 'AllFree5',
      before: { [C]: [] },
      scav: { [C]: [[0, 8], [9, 1], [17, 5]] },
      hits: [h(5, pb(C, 0), 5 * PS), h(5, pb(C, 5), 4 * PS), h(5, pb(C, 10), 0), h(5, pb(C, 15), 3 * PS), h(5, pb(C, 20), 2 * PS)],
      after: { [C]: [[0, 25]] },
    },
    {
      name: 'AllFree64',
      before: { [C]: [] },
      scav: { [C]: [[21, 1], [63, 65]] },
      hits: [h(64, pb(C, 0), 2 * PS), h(64, pb(C, 64), 64 * PS), h(64, pb(C, 128), 0)],
      after: { [C]: [[0, 192]] },
    },
    {
      name: 'AllFree65',
      before: { [C]: [] },
      scav: { [C]: [[129, 1]] },
      hits: [h(65, pb(C, 0), 0), h(65, pb(C, 65), PS), h(65, pb(C, 130), 0)],
      after: { [C]: [[0, 195]] },
    },
    {
      name: 'ExhaustPallocChunkPages-3',
      before: { [C]: [] },
      scav: { [C]: [[10, 1]] },
      hits: [h(P - 3, pb(C, 0), PS), h(P - 3, 0, 0), h(1, pb(C, P - 3), 0), h(2, pb(C, P - 2), 0), h(1, 0, 0), h(P - 3, 0, 0)],
      after: { [C]: all },
    },
    {
      name: 'AllFreePallocChunkPages',
      before: { [C]: [] },
      scav: { [C]: [[0, 1], [P - 1, 1]] },
      hits: [h(P, pb(C, 0), 2 * PS), h(P, 0, 0), h(1, 0, 0)],
      after: { [C]: all },
    },
    {
      name: 'StraddlePallocChunkPages',
      before: { [C]: [[0, P / 2]], [C + 1]: [[P / 2, P / 2]] },
      scav: { [C]: [], [C + 1]: [[3, 100]] },
      hits: [h(P, pb(C, P / 2), 100 * PS), h(P, 0, 0), h(1, 0, 0)],
      after: { [C]: all, [C + 1]: all },
    },
    {
      name: 'StraddlePallocChunkPages+1',
      before: { [C]: [[0, P / 2]], [C + 1]: [] },
      scav: { [C]: all, [C + 1]: all },
      hits: [h(P + 1, pb(C, P / 2), (P + 1) * PS), h(P, 0, 0), h(1, pb(C + 1, P / 2 + 1), PS)],
      after: { [C]: all, [C + 1]: [[0, P / 2 + 2]] },
    },
    {
      name: 'AllFreePallocChunkPages*2',
      before: { [C]: [], [C + 1]: [] },
      scav: { [C]: [], [C + 1]: [] },
      hits: [h(P * 2, pb(C, 0), 0), h(P * 2, 0, 0), h(1, 0, 0)],
      after: { [C]: all, [C + 1]: all },
    },
    {
      name: 'NotContiguousPallocChunkPages*2',
      before: { [C]: [], [C + 0x40]: [], [C + 0x41]: [] },
      scav: { [C]: all, [C + 0x40]: [], [C + 0x41]: [] },
      hits: [h(P * 2, pb(C + 0x40, 0), 0), h(21, pb(C, 0), 21 * PS), h(1, pb(C, 21), PS)],
      after: { [C]: [[0, 22]], [C + 0x40]: all, [C + 0x41]: all },
    },
    {
      name: 'StraddlePallocChunkPages*2',
      before: { [C]: [[0, P / 2]], [C + 1]: [], [C + 2]: [[P / 2, P / 2]] },
      scav: { [C]: [[0, 7]], [C + 1]: [[3, 5], [121, 10]], [C + 2]: [[P / 2 + 12, 2]] },
      hits: [h(P * 2, pb(C, P / 2), 15 * PS), h(P * 2, 0, 0), h(1, 0, 0)],
      after: { [C]: all, [C + 1]: all, [C + 2]: all },
    },
    {
      name: 'StraddlePallocChunkPages*5/4',
      before: { [C]: all, [C + 1]: [[0, (P * 3) / 4]], [C + 2]: [[0, (P * 3) / 4]], [C + 3]: [[0, 0]] },
      scav: { [C]: all, [C + 1]: [[P / 2, P / 4 + 1]], [C + 2]: [[Math.floor(P / 3), 1]], [C + 3]: [[Math.floor((P * 2) / 3), 1]] },
      hits: [h((P * 5) / 4, pb(C + 2, (P * 3) / 4), PS), h((P * 5) / 4, 0, 0), h(1, pb(C + 1, (P * 3) / 4), PS)],
      after: { [C]: all, [C + 1]: [[0, (P * 3) / 4 + 1]], [C + 2]: all, [C + 3]: all },
    },
    {
      name: 'AllFreePallocChunkPages*7+5',
      before: { [C]: [], [C + 1]: [], [C + 2]: [], [C + 3]: [], [C + 4]: [], [C + 5]: [], [C + 6]: [], [C + 7]: [] },
      scav: {
        [C]: [[50, 1]], [C + 1]: [[31, 1]], [C + 2]: [[7, 1]], [C + 3]: [[200, 1]],
        [C + 4]: [[3, 1]], [C + 5]: [[51, 1]], [C + 6]: [[20, 1]], [C + 7]: [[1, 1]],
      },
      hits: [h(P * 7 + 5, pb(C, 0), 8 * PS), h(P * 7 + 5, 0, 0), h(1, pb(C + 7, 5), 0)],
      after: { [C]: all, [C + 1]: all, [C + 2]: all, [C + 3]: all, [C + 4]: all, [C + 5]: all, [C + 6]: all, [C + 7]: [[0, 6]] },
    },
  ];

  // 64-bit only. Go: align BaseChunkIdx down to a physical page of the
  // summary array, then put one chunk whose leaf summary is the last of that
  // page and one chunk far away, so that exhausting the first must not read
  // the unmapped summary memory after it.
  const sumsPerPhysPage = g.physPageSize / pallocSumBytes;
  const b = C - (C % sumsPerPhysPage);
  cases.push({
    name: 'DiscontiguousMappedSumBoundary',
    before: { [b + sumsPerPhysPage - 1]: [], [b + chunkIdxBigJump]: [] },
    scav: { [b + sumsPerPhysPage - 1]: [], [b + chunkIdxBigJump]: [] },
    hits: [
      h(P - 1, pb(b + sumsPerPhysPage - 1, 0), 0),
      h(1, pb(b + sumsPerPhysPage - 1, P - 1), 0),
      h(1, pb(b + chunkIdxBigJump, 0), 0),
      h(P - 1, pb(b + chunkIdxBigJump, 1), 0),
      h(1, 0, 0),
    ],
    after: { [b + sumsPerPhysPage - 1]: all, [b + chunkIdxBigJump]: all },
  });

  // Go issue #40191: find's candidate searchAddr may point at unmapped
  // memory. A (1 free page), B = A + bigJump + 0x503 (9 free pages, not at
  // its end), C = A + 2*bigJump (all free).
  const chunkIdxSmallOffset = 0x503;
  const A = C;
  const B = C + chunkIdxBigJump + chunkIdxSmallOffset;
  const Cc = C + 2 * chunkIdxBigJump;
  cases.push({
    name: 'DiscontiguousBadSearchAddr',
    before: { [A]: [[0, P - 1]], [B]: [[0, P - 10], [P - 1, 1]], [Cc]: [] },
    scav: { [A]: [], [B]: [], [Cc]: [] },
    // Go writes the last two hits with the aligned baseChunkIdx (b) and the
    // chunks with BaseChunkIdx (C); they are the same chunk whenever
    // BaseChunkIdx is aligned to sumsPerPhysPage, as on linux/amd64.
    hits: [h(1, pb(A, P - 1), 0), h(100, pb(b + 2 * chunkIdxBigJump, 0), 0), h(9, pb(b + chunkIdxBigJump + chunkIdxSmallOffset, P - 10), 0)],
    after: { [A]: all, [B]: all, [Cc]: [[0, 100]] },
  });
  return cases;
}

/** TestPageAllocExhaust's subtests: Go names them fmt.Sprintf("%d", npages). */
export const pageAllocExhaustNPages: readonly number[] = [1, 2, 3, 4, 5, 8, 16, 64, 1024, 1025, 2048, 2049];

export interface FreeCase {
  readonly name: string;
  readonly npages: number;
  readonly before: ChunkMap;
  /** Each Free(addr, npages), in order. */
  readonly frees: readonly number[];
  readonly after: ChunkMap;
}

/** TestPageAllocFree: all with scav = nil. */
export function pageAllocFreeCases(g: Geometry): FreeCase[] {
  const C = baseChunkIdx(g);
  const P = g.pallocChunkPages;
  const pb = (c: number, i: number): number => pageBase(g, c, i);
  const all: BR[] = [[0, P]];
  const eight = (v: (k: number) => readonly BR[]): ChunkMap => Object.fromEntries(Array.from({ length: 8 }, (_, k) => [C + k, v(k)]));
  return [
    { name: 'Free1', npages: 1, before: { [C]: all }, frees: [0, 1, 2, 3, 4].map((i) => pb(C, i)), after: { [C]: [[5, P - 5]] } },
    {
      name: 'ManyArena1',
      npages: 1,
      before: { [C]: all, [C + 1]: all, [C + 2]: all },
      frees: [pb(C, P / 2), pb(C + 1, 0), pb(C + 2, P - 1)],
      after: { [C]: [[0, P / 2], [P / 2 + 1, P / 2 - 1]], [C + 1]: [[1, P - 1]], [C + 2]: [[0, P - 1]] },
    },
    { name: 'Free2', npages: 2, before: { [C]: all }, frees: [0, 2, 4, 6, 8].map((i) => pb(C, i)), after: { [C]: [[10, P - 10]] } },
    {
      name: 'Straddle2',
      npages: 2,
      before: { [C]: [[P - 1, 1]], [C + 1]: [[0, 1]] },
      frees: [pb(C, P - 1)],
      after: { [C]: [], [C + 1]: [] },
    },
    { name: 'Free5', npages: 5, before: { [C]: all }, frees: [0, 5, 10, 15, 20].map((i) => pb(C, i)), after: { [C]: [[25, P - 25]] } },
    { name: 'Free64', npages: 64, before: { [C]: all }, frees: [0, 64, 128].map((i) => pb(C, i)), after: { [C]: [[192, P - 192]] } },
    { name: 'Free65', npages: 65, before: { [C]: all }, frees: [0, 65, 130].map((i) => pb(C, i)), after: { [C]: [[195, P - 195]] } },
    { name: 'FreePallocChunkPages', npages: P, before: { [C]: all }, frees: [pb(C, 0)], after: { [C]: [] } },
    {
      name: 'StraddlePallocChunkPages',
      npages: P,
      before: { [C]: [[P / 2, P / 2]], [C + 1]: [[0, P / 2]] },
      frees: [pb(C, P / 2)],
      after: { [C]: [], [C + 1]: [] },
    },
    {
      name: 'StraddlePallocChunkPages+1',
      npages: P + 1,
      before: { [C]: all, [C + 1]: all },
      frees: [pb(C, P / 2)],
      after: { [C]: [[0, P / 2]], [C + 1]: [[P / 2 + 1, P / 2 - 1]] },
    },
    {
      name: 'FreePallocChunkPages*2',
      npages: P * 2,
      before: { [C]: all, [C + 1]: all },
      frees: [pb(C, 0)],
      after: { [C]: [], [C + 1]: [] },
    },
    {
      name: 'StraddlePallocChunkPages*2',
      npages: P * 2,
      before: { [C]: all, [C + 1]: all, [C + 2]: all },
      frees: [pb(C, P / 2)],
      after: { [C]: [[0, P / 2]], [C + 1]: [], [C + 2]: [[P / 2, P / 2]] },
    },
    {
      name: 'AllFreePallocChunkPages*7+5',
      npages: P * 7 + 5,
      before: eight(() => all),
      frees: [pb(C, 0)],
      after: eight((k) => (k < 7 ? [] : [[5, P - 5]])),
    },
  ];
}

/** One step of TestPageAllocAllocAndFree: Alloc (which must return base) or Free(base, npages). */
export interface AllocFreeHit {
  readonly alloc: boolean;
  readonly npages: number;
  readonly base: number;
}

export interface AllocAndFreeCase {
  readonly name: string;
  readonly init: ChunkMap;
  readonly hits: readonly AllocFreeHit[];
}

export function pageAllocAllocAndFreeCases(g: Geometry): AllocAndFreeCase[] {
  const C = baseChunkIdx(g);
  const P = g.pallocChunkPages;
  const base = pageBase(g, C, 0);
  const a = (npages: number): AllocFreeHit => ({ alloc: true, npages, base });
  const f = (npages: number): AllocFreeHit => ({ alloc: false, npages, base });
  return [
    {
      name: 'Chunks8',
      init: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [C + k, []])),
      hits: [a(P * 8), f(P * 8), a(P * 8), f(P * 8), a(P * 8), f(P * 8), a(1), f(1), a(P * 8)],
    },
  ];
}
