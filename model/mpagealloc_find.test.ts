import { describe, expect, test } from 'vitest';
import { catchThrow } from '../testing/heap.js';
import { chunkBase, offAddrToLevelIndex } from './chunks.js';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import type { GeometryParams } from './geometry.js';
import { Geometry, defaultGeometry as g, hex, small } from './geometry.js';
import type { PageAlloc } from './mpagealloc.js';
import { OffAddr } from './mranges.js';

// runtime/mpagealloc.go · (*pageAlloc).find @ go1.21, called directly: both
// results, the run's base and the candidate searchAddr (firstFree.base after
// findMappedAddr), are Go's.

const C = baseChunkIdx(g);
const P = g.pageSize;
const findSite = 'runtime/mpagealloc.go · (*pageAlloc).find';

/** summary[l][idx] = packPallocSum(start, max, end), written straight into the summary memory (a corrupted tree, for Go's throws). */
function setSum(p: PageAlloc, l: number, idx: number, start: number, max: number, end: number): void {
  const lvl = p.summary[l]!;
  const pg = lvl.page(idx);
  const k = lvl.slot(idx);
  pg[k] = p.sums.packLo(start, max, end);
  pg[k + 1] = p.sums.packHi(start, max, end);
}

/** The entry of every level that covers addr. */
const levelIdx = (geo: Geometry, l: number, addr: number): number => offAddrToLevelIndex(geo, l, new OffAddr(addr));

const found = (p: PageAlloc, npages: number): [string, string] => {
  const [addr, sa] = p.find(npages);
  return [hex(addr), hex(sa.addr())];
};

describe('runtime/mpagealloc.go · pageAlloc.find @ go1.21: the firstFree window', () => {
  test('full entries are skipped: they neither narrow firstFree nor start a run', () => {
    // Go: `if sum == 0 { size = 0; continue }` before foundFree. Chunk C is
    // full, C+1 free: the first free page, and so the candidate searchAddr,
    // is C+1's first page, not C's.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }, { chunk: C + 1 }]);
    expect(found(p, 1)).toEqual([hex(chunkBase(g, C + 1)), hex(chunkBase(g, C + 1))]);
  });

  test('a full entry breaks a run: 2 free pages either side of a full chunk do not make 4', () => {
    // C ends with 2 free pages, C+1 is full, C+2 starts with 2: no 4-page run.
    // C+2 is wholly used but 2 pages: pages [2, 512) allocated there too.
    const p = newPageAlloc(g, [
      { chunk: C, alloc: [{ I: 0, N: 510 }] },
      { chunk: C + 1, alloc: [{ I: 0, N: 512 }] },
      { chunk: C + 2, alloc: [{ I: 2, N: 510 }] },
    ]);
    const [addr] = p.find(4);
    expect(addr).toBe(0);
  });

  test('the chunk search narrows firstFree to its first free page', () => {
    // Go: foundFree(offAddr{chunkBase(ci) + searchIdx*pageSize}, ...) after
    // the chunk's find(npages, 0): pages [0, 10) of C are allocated, so the
    // run and the searchAddr candidate are both page 10.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 10 }] }]);
    expect(found(p, 1)).toEqual([hex(pageBase(g, C, 10)), hex(pageBase(g, C, 10))]);
  });

  test('the window stays at the first free entry when the run lies further up', () => {
    // C has 3 free pages (its first free page is 509), C+1 is free: a 100-page
    // run is in C+1, but the first free page, the candidate searchAddr, stays in C.
    // At the leaf level the window is C's entry (the first free one), and C+1
    // lies above it; the chunk search of C+1 does not narrow it.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 509 }] }, { chunk: C + 1 }]);
    // The run: C's 3 free pages at its end plus C+1's start: it begins at C page 509.
    expect(found(p, 100)).toEqual([hex(pageBase(g, C, 509)), hex(chunkBase(g, C))]);
    const q = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 200 }, { I: 300, N: 212 }] }, { chunk: C + 1 }]);
    // 100 free pages at [200, 300) of C: max 100 >= 100, descend into C; the chunk search finds page 200.
    expect(found(q, 100)).toEqual([hex(pageBase(g, C, 200)), hex(pageBase(g, C, 200))]);
    // 101 pages: C's run of 100 is too short, C's end is 0: C+1 whole.
    expect(found(q, 101)).toEqual([hex(chunkBase(g, C + 1)), hex(chunkBase(g, C))]);
  });
});

describe('runtime/mpagealloc.go · pageAlloc.find @ go1.21: a descent past the window', () => {
  test('the run is in an entry above the first free one: the window stays at the first, its children are above it', () => {
    // C has 3 free pages in the middle ([100, 103): start 0, max 3, end 0);
    // C+8 has pages [0, 10) allocated (start 0, max 502, end 502). At level 3
    // (8-chunk entries) the window narrows to entry C..C+7, whose max 3 < 100;
    // find descends into C+8..C+15, whose children lie above the window
    // (foundFree neither narrows nor throws), and finds C+8's page 10. The
    // candidate searchAddr is the window's base, chunkBase(C).
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 100 }, { I: 103, N: 409 }] }, { chunk: C + 8, alloc: [{ I: 0, N: 10 }] }]);
    expect(found(p, 100)).toEqual([hex(pageBase(g, C + 8, 10)), hex(chunkBase(g, C))]);
  });
});

describe('runtime/mpagealloc.go · pageAlloc.find @ go1.21: j0, where each block is entered', () => {
  // Go: `if searchIdx := offAddrToLevelIndex(l, p.searchAddr); searchIdx&^(entriesPerBlock-1) == i
  // { j0 = searchIdx & (entriesPerBlock - 1) }`: entries of the block below
  // searchAddr's are not looked at (the caller guarantees they are full). With
  // searchAddr set above free memory, find must skip that memory.
  test('default geometry: searchAddr at C+2 skips free chunk C+1', () => {
    // C is full, so no entry above the leaves starts with free pages (start 0)
    // and find descends to the leaves. C is 4096-chunk aligned: C, C+1, C+2
    // share every entry above the leaves, and at the leaf level j0 = (C+2) & 7 = 2.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }, { chunk: C + 1 }, { chunk: C + 2 }]);
    p.searchAddr = new OffAddr(chunkBase(g, C + 2));
    expect(found(p, 1)).toEqual([hex(chunkBase(g, C + 2)), hex(chunkBase(g, C + 2))]);
  });

  test('small geometry: searchAddr skips free memory at the root and at inner levels', () => {
    const sg = new Geometry(small);
    // small: 64-page chunks, 4 chunks per level-1 entry, 16 per root entry.
    // Chunk 1 and chunk 21 free; searchAddr at chunk 21: root j0 = 21 >> 4 = 1,
    // level-1 j0 = (21 >> 2) & 3 = 1, leaf j0 = 21 & 3 = 1.
    const p = newPageAlloc(sg, [{ chunk: 1 }, { chunk: 21 }]);
    p.searchAddr = new OffAddr(chunkBase(sg, 21));
    expect(found(p, 1)).toEqual([hex(chunkBase(sg, 21)), hex(chunkBase(sg, 21))]);
  });

  test('arenaBaseOffset -2^28: the block index is taken in the offset space (searchAddr - arenaBaseOffset)', () => {
    // A 30-bit space from -2^28: chunk index = (addr + 2^28) >> 19, so
    // address 2^28 is chunk 1024. Chunks 1030 and 1045 free, searchAddr at
    // 1045: root j0 = 1045 >> 4 = 65 skips root entry 64 (chunk 1030).
    const sg = new Geometry({ ...small, arenaBaseOffset: -(2 ** 28) });
    expect(chunkBase(sg, 1024)).toBe(2 ** 28);
    const p = newPageAlloc(sg, [{ chunk: 1030 }, { chunk: 1045 }]);
    p.searchAddr = new OffAddr(chunkBase(sg, 1045));
    expect(found(p, 1)).toEqual([hex(chunkBase(sg, 1045)), hex(chunkBase(sg, 1045))]);
  });
});

describe('runtime/mpagealloc.go · pageAlloc.find @ go1.21: summaries of every layout', () => {
  test('a wholly free root entry (max == maxPackedValue, the flag bit) holds a run of maxPackedValue pages', () => {
    // small: L = 6 + 2*2 = 10, a root entry covers 2^10 pages = 16 chunks.
    // packPallocSum stores max == maxPackedValue as 1<<63 alone; start, max
    // and end all read as maxPackedValue. Chunks 16..31 free: root entry 1.
    const sg = new Geometry(small);
    const chunks = Array.from({ length: 16 }, (_, k) => ({ chunk: 16 + k }));
    const p = newPageAlloc(sg, chunks);
    expect(found(p, 1024)).toEqual([hex(chunkBase(sg, 16)), hex(chunkBase(sg, 16))]);
  });

  // A geometry whose L = 6 + 2*3 = 12: 2L = 24 < 32 but 3L = 36 > 32, so end
  // straddles the two 32-bit halves (bits 24..35 of the pallocSum).
  const l12: GeometryParams = { ...small, summaryLevelBits: 3, heapAddrBits: 13 + 6 + 2 * 3 + 2, logHeapArenaBytes: 13 + 6 + 3 };
  test('L = 12: an end that straddles the 32-bit halves continues a run into the next root entry', () => {
    const sg = new Geometry(l12);
    expect(sg.logMaxPackedValue).toBe(12);
    // A root entry covers 2^12 pages = 64 chunks. Chunks 1..63 free: root
    // entry 0 has start 0 (chunk 0 is not grown), max = end = 63*64 = 4032.
    // Chunk 64 free: root entry 1 has start 64. find(4096): at the root,
    // entry 0 starts a run of end = 4032 pages at page 4096-4032 = 64,
    // entry 1's start 64 completes it: 4032 + 64 = 4096.
    const chunks = Array.from({ length: 64 }, (_, k) => ({ chunk: 1 + k }));
    const p = newPageAlloc(sg, chunks);
    expect(found(p, 4096)).toEqual([hex(chunkBase(sg, 1)), hex(chunkBase(sg, 1))]);
    // One page more is more than there is (4032 + 64 = 4096 pages in all).
    expect(p.find(4097)[0]).toBe(0);
  });

  // L = 6 + 2*5 = 16: 2L = 32 exactly, end is the whole high half.
  const l16: GeometryParams = { ...small, summaryLevelBits: 5, heapAddrBits: 13 + 6 + 2 * 5 + 2, logHeapArenaBytes: 13 + 6 + 3 };
  test('L = 16: end is the high half alone, not mixed with start and max', () => {
    const sg = new Geometry(l16);
    expect(sg.logMaxPackedValue).toBe(16);
    // A root entry covers 2^16 pages = 1024 chunks. Chunk 1024 free: root entry
    // 1 is (start 64, max 64, end 0); chunk 2048 free: root entry 2 is (64, 64, 0).
    // find(100): entry 1 starts a run of its end, 0 pages; entry 2's start 64
    // does not reach 100; no entry's max is 100: no run, find returns 0.
    const p = newPageAlloc(sg, [{ chunk: 1024 }, { chunk: 2048 }]);
    expect(p.find(100)[0]).toBe(0);
    expect(found(p, 64)).toEqual([hex(chunkBase(sg, 1024)), hex(chunkBase(sg, 1024))]);
  });
});

describe('runtime/mpagealloc.go · pageAlloc.find @ go1.21: throw("bad summary data")', () => {
  // Chunk C fully allocated, so every summary above it is 0; then the root
  // entry above C is made to claim a run of 4096 pages its children lack.
  const rootIdx = levelIdx(g, 0, chunkBase(g, C)); // (2^47 + 0xc000<<22) >> 34 = 8204
  const l1Block = levelIdx(g, 1, chunkBase(g, C)); // 8204 << 3 = 65632, the first of its block
  const corrupt = (): PageAlloc => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    setSum(p, 0, rootIdx, 0, 4096, 0);
    // Its 8 children: start 0 (no run across them), max 2048+j < 4096
    // (bits of max in both halves), end j+1 (in the high half).
    for (let j = 0; j < 8; j++) setSum(p, 1, l1Block + j, 0, 2048 + j, j + 1);
    return p;
  };

  test('a level below the root without the promised run: Go prints the parent, the level and the block, then throws', () => {
    expect(rootIdx).toBe(8204);
    expect(l1Block).toBe(65632);
    const p = corrupt();
    const e = catchThrow(() => p.find(4096));
    expect(e.goMessage).toBe('bad summary data');
    expect(e.site).toBe(findSite);
    const block = Array.from({ length: 8 }, (_, j) => `summary[1][${65632 + j}] = (0, ${2048 + j}, ${j + 1})`).join('; ');
    // j0 = 0: searchAddr is C's base, the first entry of the level-1 block.
    expect(e.detail).toBe(`summary[0][8204] = 0, 4096, 0; level = 1, npages = 4096, j0 = 0; p.searchAddr = ${hex(chunkBase(g, C))}, i = 65632; ${block}`);
  });

  test('only the block is searched: a run in the entry just past it does not count', () => {
    const p = corrupt();
    // The entry after the block (summary[1][65640], the next root entry's
    // first child) lies in the same page of summary memory; its start covers
    // npages. Go slices entries[i : i+entriesPerBlock] and throws all the same.
    const lvl = p.summary[1]!;
    const k = lvl.slot(l1Block) + 2 * 8;
    const pg = lvl.page(l1Block);
    pg[k] = p.sums.packLo(4096, 4096, 4096);
    pg[k + 1] = p.sums.packHi(4096, 4096, 4096);
    expect(catchThrow(() => p.find(4096)).goMessage).toBe('bad summary data');
  });

  test('the leaf promised a run its chunk lacks: Go prints the leaf summary and npages, then throws', () => {
    // Every entry above C, and C's own leaf, claim (0, 3000, 5); the chunk is full.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    for (let l = 0; l < g.summaryLevels; l++) setSum(p, l, levelIdx(g, l, chunkBase(g, C)), 0, 3000, 5);
    const e = catchThrow(() => p.find(3000));
    expect(e.goMessage).toBe('bad summary data');
    expect(e.site).toBe(findSite);
    expect(e.detail).toBe(`summary[4][${C}] = (0, 3000, 5), npages = 3000`);
  });
});

test('find with no free memory at all: 0 and maxSearchAddr', () => {
  // runtime/mpagealloc.go · pageAlloc.find @ go1.21: `if l == 0 { return 0, maxSearchAddr() }`.
  const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
  expect(found(p, 1)).toEqual([hex(0), hex(g.maxOffAddr)]);
  expect(P).toBe(8192);
});
