// Go's runtime/mpagecache_test.go tables (go1.19.8 = go1.21.12, byte-identical),
// ported as data: TestPageCacheAlloc, TestPageAllocAllocToCache. Case names
// are Go's, verbatim. TestPageCacheFlush (Empty, Full, 100 random caches) is
// in the test file, its random part as a property.

import { baseChunkIdx, pageBase } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';
import { pallocSumBytes } from '../../model/geometry.js';
import type { BR, ChunkMap } from './helpers.js';
import { ones64 } from './helpers.js';

/** Go's NewPageCache(base, cache, scav) arguments. */
export interface PageCacheInit {
  readonly base: number;
  readonly cache: bigint;
  readonly scav: bigint;
}

const pc = (base: number, cache: bigint, scav: bigint): PageCacheInit => ({ base, cache, scav });

/** One Alloc(npages) on a cache: base (0 = failure) and scavenged bytes. */
export interface CacheHit {
  readonly npages: number;
  readonly base: number;
  readonly scav: number;
}

export interface CacheAllocCase {
  readonly name: string;
  readonly cache: PageCacheInit;
  readonly hits: readonly CacheHit[];
}

export function pageCacheAllocCases(g: Geometry): CacheAllocCase[] {
  const base = pageBase(g, baseChunkIdx(g), 0);
  const PS = g.pageSize;
  const h = (npages: number, b: number, scav: number): CacheHit => ({ npages, base: b, scav });
  const fail = (npages: number): CacheHit => h(npages, 0, 0);
  const at = (i: number): number => base + i * PS;
  return [
    { name: 'Empty', cache: pc(base, 0n, 0n), hits: [1, 2, 3, 4, 5, 11, 12, 16, 27, 32, 43, 57, 64, 121].map(fail) },
    { name: 'Lo1', cache: pc(base, 0x1n, 0x1n), hits: [h(1, base, PS), fail(1), fail(10)] },
    { name: 'Hi1', cache: pc(base, 0x1n << 63n, 0x1n), hits: [h(1, at(63), 0), fail(1), fail(10)] },
    {
      name: 'Swiss1',
      cache: pc(base, 0x20005555n, 0x5505n),
      hits: [
        fail(2),
        h(1, base, PS), h(1, at(2), PS), h(1, at(4), 0), h(1, at(6), 0), h(1, at(8), PS),
        h(1, at(10), PS), h(1, at(12), PS), h(1, at(14), PS), h(1, at(29), 0),
        fail(1), fail(10),
      ],
    },
    { name: 'Lo2', cache: pc(base, 0x3n, 0x2n << 62n), hits: [h(2, base, 0), fail(2), fail(1)] },
    { name: 'Hi2', cache: pc(base, 0x3n << 62n, 0x3n << 62n), hits: [h(2, at(62), 2 * PS), fail(2), fail(1)] },
    {
      name: 'Swiss2',
      cache: pc(base, 0x3333n << 31n, 0x3030n << 31n),
      hits: [h(2, at(31), 0), h(2, at(35), 2 * PS), h(2, at(39), 0), h(2, at(43), 2 * PS), fail(2)],
    },
    {
      name: 'Hi53',
      cache: pc(base, ((1n << 53n) - 1n) << 10n, ((1n << 16n) - 1n) << 10n),
      hits: [h(53, at(10), 16 * PS), fail(53), fail(1)],
    },
    {
      name: 'Full53',
      cache: pc(base, ones64, ((1n << 16n) - 1n) << 10n),
      hits: [h(53, base, 16 * PS), fail(53), h(1, at(53), 0)],
    },
    { name: 'Full64', cache: pc(base, ones64, ones64), hits: [h(64, base, 64 * PS), fail(64), fail(1)] },
    {
      name: 'FullMixed',
      cache: pc(base, ones64, ones64),
      hits: [
        h(5, base, 5 * PS), h(7, at(5), 7 * PS), h(1, at(12), PS), h(23, at(13), 23 * PS), fail(63),
        h(3, at(36), 3 * PS), h(3, at(39), 3 * PS), h(3, at(42), 3 * PS), h(12, at(45), 12 * PS), fail(11),
        h(4, at(57), 4 * PS), fail(4), fail(6), fail(36), h(2, at(61), 2 * PS), fail(3),
        h(1, at(63), PS), fail(4), fail(2), fail(62), fail(1),
      ],
    },
  ];
}

export interface AllocToCacheCase {
  readonly name: string;
  readonly beforeAlloc: ChunkMap;
  /** undefined is Go's nil map: nothing scavenged. */
  readonly beforeScav?: ChunkMap;
  /** The caches successive AllocToCache calls must return. */
  readonly hits: readonly PageCacheInit[];
  readonly afterAlloc: ChunkMap;
  readonly afterScav?: ChunkMap;
}

export function pageAllocAllocToCacheCases(g: Geometry): AllocToCacheCase[] {
  const C = baseChunkIdx(g);
  const P = g.pallocChunkPages;
  const pb = (c: number, i: number): number => pageBase(g, c, i);
  const all: BR[] = [[0, P]];
  const cases: AllocToCacheCase[] = [
    {
      name: 'AllFree',
      beforeAlloc: { [C]: [] },
      beforeScav: { [C]: [[1, 1], [64, 64]] },
      hits: [pc(pb(C, 0), ones64, 0x2n), pc(pb(C, 64), ones64, ones64), pc(pb(C, 128), ones64, 0n), pc(pb(C, 192), ones64, 0n)],
      afterAlloc: { [C]: [[0, 256]] },
    },
    {
      name: 'ManyArena',
      beforeAlloc: { [C]: all, [C + 1]: all, [C + 2]: [[0, P - 64]] },
      beforeScav: { [C]: all, [C + 1]: all, [C + 2]: [] },
      hits: [pc(pb(C + 2, P - 64), ones64, 0n)],
      afterAlloc: { [C]: all, [C + 1]: all, [C + 2]: all },
    },
    {
      name: 'NotContiguous',
      beforeAlloc: { [C]: all, [C + 0xff]: [[0, 0]] },
      beforeScav: { [C]: all, [C + 0xff]: [[31, 67]] },
      hits: [pc(pb(C + 0xff, 0), ones64, ((1n << 33n) - 1n) << 31n)],
      afterAlloc: { [C]: all, [C + 0xff]: [[0, 64]] },
      afterScav: { [C]: all, [C + 0xff]: [[64, 34]] },
    },
    {
      name: 'First',
      beforeAlloc: { [C]: [[0, 32], [33, 31], [96, 32]] },
      beforeScav: { [C]: [[1, 4], [31, 5], [66, 2]] },
      hits: [pc(pb(C, 0), 1n << 32n, 1n << 32n), pc(pb(C, 64), (1n << 32n) - 1n, 0x3n << 2n)],
      afterAlloc: { [C]: [[0, 128]] },
    },
    {
      name: 'Fail',
      beforeAlloc: { [C]: all },
      hits: [pc(0, 0n, 0n), pc(0, 0n, 0n), pc(0, 0n, 0n)],
      afterAlloc: { [C]: all },
    },
    {
      name: 'RetainScavBits',
      beforeAlloc: { [C]: [[0, 1], [10, 2]] },
      beforeScav: { [C]: [[0, 4], [11, 1]] },
      hits: [pc(pb(C, 0), ~(0x1n | (0x3n << 10n)) & ones64, 0x7n << 1n)],
      afterAlloc: { [C]: [[0, 64]] },
      afterScav: { [C]: [[0, 1], [11, 1]] },
    },
  ];
  // 64-bit only; the same idea as TestPageAllocAlloc/DiscontiguousMappedSumBoundary.
  const chunkIdxBigJump = 0x100000;
  const sumsPerPhysPage = g.physPageSize / pallocSumBytes;
  const b = C - (C % sumsPerPhysPage);
  cases.push({
    name: 'DiscontiguousMappedSumBoundary',
    beforeAlloc: { [b + sumsPerPhysPage - 1]: [[0, P - 1]], [b + chunkIdxBigJump]: [[1, P - 1]] },
    beforeScav: { [b + sumsPerPhysPage - 1]: [], [b + chunkIdxBigJump]: [] },
    hits: [pc(pb(b + sumsPerPhysPage - 1, P - 64), 1n << 63n, 0n), pc(pb(b + chunkIdxBigJump, 0), 1n, 0n), pc(0, 0n, 0n)],
    afterAlloc: { [b + sumsPerPhysPage - 1]: all, [b + chunkIdxBigJump]: all },
  });
  return cases;
}
