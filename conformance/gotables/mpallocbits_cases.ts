// Go's runtime/mpallocbits_test.go tables (go1.19.8 = go1.21.12, byte-identical),
// ported as data: TestPallocBitsAllocRange, TestMallocBitsPopcntRange,
// TestPallocBitsSummarize, TestPallocBitsAlloc, TestPallocBitsFree,
// TestFindBitRange64. Case names are Go's, verbatim. TestPallocBitsSummarizeRandom
// is a property in the test file.

import type { Geometry } from '../../model/geometry.js';
import type { BR } from './helpers.js';
import { ones64 } from './helpers.js';

/** Go's ^uint(0): Find's "not found". The model returns notFound (-1). */
export const notFound = -1;

export interface AllocRangeCase {
  readonly name: string;
  readonly i: number;
  readonly n: number;
  /** want[k] = word, as Go's cases write them; other words are 0. */
  readonly want: Readonly<Record<number, bigint>>;
}

export function pallocBitsAllocRangeCases(g: Geometry): AllocRangeCase[] {
  const P = g.pallocChunkPages;
  const W = P / 64;
  return [
    { name: 'OneLow', i: 0, n: 1, want: { 0: 0x1n } },
    { name: 'OneHigh', i: P - 1, n: 1, want: { [W - 1]: 1n << 63n } },
    { name: 'Inner', i: 129, n: 5, want: { 2: 0x3en } },
    { name: 'Aligned', i: 128, n: 128, want: { 2: ones64, 3: ones64 } },
    { name: 'Begin', i: 0, n: 321, want: { 0: ones64, 1: ones64, 2: ones64, 3: ones64, 4: ones64, 5: 0x1n } },
    { name: 'End', i: P - (64 * 3 + 1), n: 64 * 3 + 1, want: { [W - 1]: ones64, [W - 2]: ones64, [W - 3]: ones64, [W - 4]: 1n << 63n } },
    { name: 'All', i: 0, n: P, want: Object.fromEntries(Array.from({ length: W }, (_, k) => [k, ones64])) },
  ];
}

export interface PopcntCase {
  readonly name: string;
  /** Bit ranges set to 1. */
  readonly init: readonly BR[];
  /** [i, n, want]: PopcntRange(i, n) == want. */
  readonly tests: readonly (readonly [i: number, n: number, want: number])[];
}

export function mallocBitsPopcntRangeCases(g: Geometry): PopcntCase[] {
  const P = g.pallocChunkPages;
  return [
    {
      name: 'None',
      init: [],
      tests: [[0, 1, 0], [5, 3, 0], [2, 11, 0], [P / 4 + 1, P / 2, 0], [0, P, 0]],
    },
    {
      name: 'All',
      init: [[0, P]],
      tests: [[0, 1, 1], [5, 3, 3], [2, 11, 11], [P / 4 + 1, P / 2, P / 2], [0, P, P]],
    },
    {
      name: 'Half',
      init: [[P / 2, P / 2]],
      tests: [
        [0, 1, 0], [5, 3, 0], [2, 11, 0], [P / 2 - 1, 1, 0], [P / 2, 1, 1], [P / 2 + 10, 1, 1], [P / 2 - 1, 2, 1],
        [P / 4, P / 4, 0], [P / 4, P / 4 + 1, 1], [P / 4 + 1, P / 2, P / 4 + 1], [0, P, P / 2],
      ],
    },
    {
      name: 'OddBound',
      init: [[0, 111]],
      tests: [
        [0, 1, 1], [5, 3, 3], [2, 11, 11], [110, 2, 1], [99, 50, 12], [110, 1, 1], [111, 1, 0], [99, 1, 1], [120, 1, 0],
        [P / 2, P / 2, 0], [0, P, 111],
      ],
    },
    {
      name: 'Scattered',
      init: [
        [1, 3], [5, 1], [7, 1], [10, 2], [13, 1], [15, 4],
        [21, 1], [23, 1], [26, 2], [30, 5], [36, 2], [40, 3],
        [44, 6], [51, 1], [53, 2], [58, 3], [63, 1], [67, 2],
        [71, 10], [84, 1], [89, 7], [99, 2], [103, 1], [107, 2],
        [111, 1], [113, 1], [115, 1], [118, 1], [120, 2], [125, 5],
      ],
      tests: [[0, 11, 6], [0, 64, 39], [13, 64, 40], [64, 64, 34], [0, 128, 73], [1, 128, 74], [0, P, 75]],
    },
  ];
}

export interface SummarizeCase {
  readonly name: string;
  /** Ranges of free (zero) bits: Go builds the bitmap from these, then inverts it. */
  readonly free: readonly BR[];
  /** PackPallocSum(start, max, end). */
  readonly hit: readonly [start: number, max: number, end: number];
}

export function pallocBitsSummarizeCases(g: Geometry): SummarizeCase[] {
  const P = g.pallocChunkPages;
  return [
    { name: 'NoneFree', free: [], hit: [0, 0, 0] },
    { name: 'OnlyStart', free: [[0, 10]], hit: [10, 10, 0] },
    { name: 'OnlyEnd', free: [[P - 40, 40]], hit: [0, 40, 40] },
    { name: 'StartAndEnd', free: [[0, 11], [P - 23, 23]], hit: [11, 23, 23] },
    { name: 'StartMaxEnd', free: [[0, 4], [50, 100], [P - 4, 4]], hit: [4, 100, 4] },
    { name: 'OnlyMax', free: [[1, 20], [35, 241], [P - 50, 30]], hit: [0, 241, 0] },
    { name: 'MultiMax', free: [[35, 2], [40, 5], [100, 5]], hit: [0, 5, 0] },
    { name: 'One', free: [[2, 1]], hit: [0, 1, 0] },
    // Go: emptySum = PackPallocSum(PallocChunkPages, PallocChunkPages, PallocChunkPages).
    { name: 'AllFree', free: [[0, P]], hit: [P, P, P] },
  ];
}

export interface BitsAllocCase {
  readonly name: string;
  readonly before: readonly BR[];
  readonly npages: number;
  /** The index each Find(npages, 0) must return (notFound = Go's ^uint(0)); each found run is then AllocRange'd. */
  readonly hits: readonly number[];
  readonly after: readonly BR[];
}

export function pallocBitsAllocCases(g: Geometry): BitsAllocCase[] {
  const P = g.pallocChunkPages;
  const all: BR[] = [[0, P]];
  const none2 = [notFound, notFound];
  return [
    { name: 'AllFree1', before: [], npages: 1, hits: [0, 1, 2, 3, 4, 5], after: [[0, 6]] },
    { name: 'AllFree2', before: [], npages: 2, hits: [0, 2, 4, 6, 8, 10], after: [[0, 12]] },
    { name: 'AllFree5', before: [], npages: 5, hits: [0, 5, 10, 15, 20], after: [[0, 25]] },
    { name: 'AllFree64', before: [], npages: 64, hits: [0, 64, 128], after: [[0, 192]] },
    { name: 'AllFree65', before: [], npages: 65, hits: [0, 65, 130], after: [[0, 195]] },
    {
      name: 'SomeFree64',
      before: [[0, 32], [64, 32], [100, P - 100]],
      npages: 64,
      hits: [notFound],
      after: [[0, 32], [64, 32], [100, P - 100]],
    },
    { name: 'NoneFree1', before: all, npages: 1, hits: none2, after: all },
    { name: 'NoneFree2', before: all, npages: 2, hits: none2, after: all },
    { name: 'NoneFree5', before: all, npages: 5, hits: none2, after: all },
    { name: 'NoneFree65', before: all, npages: 65, hits: none2, after: all },
    { name: 'ExactFit1', before: [[0, P / 2 - 3], [P / 2 - 2, P / 2 + 2]], npages: 1, hits: [P / 2 - 3, notFound], after: all },
    { name: 'ExactFit2', before: [[0, P / 2 - 3], [P / 2 - 1, P / 2 + 1]], npages: 2, hits: [P / 2 - 3, notFound], after: all },
    { name: 'ExactFit5', before: [[0, P / 2 - 3], [P / 2 + 2, P / 2 - 2]], npages: 5, hits: [P / 2 - 3, notFound], after: all },
    { name: 'ExactFit65', before: [[0, P / 2 - 31], [P / 2 + 34, P / 2 - 34]], npages: 65, hits: [P / 2 - 31, notFound], after: all },
    { name: 'SomeFree161', before: [[0, 185], [331, 1]], npages: 161, hits: [332], after: [[0, 185], [331, 162]] },
  ];
}

export interface BitsFreeCase {
  readonly name: string;
  readonly npages: number;
  /** Go gives before and after inverted: these ranges are the free (0) bits. */
  readonly beforeInv: readonly BR[];
  readonly frees: readonly number[];
  readonly afterInv: readonly BR[];
}

export const pallocBitsFreeCases: readonly BitsFreeCase[] = [
  { name: 'SomeFree', npages: 1, beforeInv: [[0, 32], [64, 32], [100, 1]], frees: [32], afterInv: [[0, 33], [64, 32], [100, 1]] },
  { name: 'NoneFree1', npages: 1, beforeInv: [], frees: [0, 1, 2, 3, 4, 5], afterInv: [[0, 6]] },
  { name: 'NoneFree2', npages: 2, beforeInv: [], frees: [0, 2, 4, 6, 8, 10], afterInv: [[0, 12]] },
  { name: 'NoneFree5', npages: 5, beforeInv: [], frees: [0, 5, 10, 15, 20], afterInv: [[0, 25]] },
  { name: 'NoneFree64', npages: 64, beforeInv: [], frees: [0, 64, 128], afterInv: [[0, 192]] },
  { name: 'NoneFree65', npages: 65, beforeInv: [], frees: [0, 65, 130], afterInv: [[0, 195]] },
];

/**
 * TestFindBitRange64's checks, [x, n, result] with result notFound meaning
 * "any i >= 64". Go runs them in one test without subtests; the test file
 * names each after Go's failure message, "case (%016x, %d)".
 */
export function findBitRange64Cases(): (readonly [x: bigint, n: number, result: number])[] {
  const out: (readonly [bigint, number, number])[] = [];
  for (let i = 1; i <= 64; i++) out.push([ones64, i, 0]);
  for (let i = 1; i <= 64; i++) out.push([0n, i, notFound]);
  out.push(
    [0x8000000000000000n, 1, 63],
    [0xc000010001010000n, 2, 62],
    [0xc000010001030000n, 2, 16],
    [0xe000030001030000n, 3, 61],
    [0xe000030001070000n, 3, 16],
    [0xffff03ff01070000n, 16, 48],
    [0xffff03ff0107ffffn, 16, 0],
    [0x0fff03ff01079fffn, 16, notFound],
  );
  return out;
}
