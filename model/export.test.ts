// runtime/export_test.go @ go1.21 · NewPageAlloc, as the real runtime's hook
// builds its state (go1.21.12 and go1.26.8 have the same text): the scavenge
// index sees every alloc range's N pages, overlapping ranges included.

import { describe, expect, test } from 'vitest';
import type { BitRange, ChunkInit } from './export.js';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import { defaultGeometry as g, Geometry, small } from './geometry.js';
import { GoThrow, ModelError } from './throw.js';

const C = baseChunkIdx(g);

describe('NewPageAlloc and the scavenge index', () => {
  test('OverlappingRangesCountTwice: index.alloc(ci, s.N) per range, whatever the bitmap already holds', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 10 }, { I: 5, N: 10 }] }]);
    expect(p.chunkOf(C).popcntRange(0, g.pallocChunkPages)).toBe(15);
    // Go: 10 + 10, as the go1.26.8 runtime's index op prints it for the same chunks.
    expect(p.scav.index.load(C).inUse).toBe(20);
  });

  test('TooManyPages: ranges adding up to more than a chunk throw as Go does', () => {
    const build = () => newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }, { I: 0, N: 1 }] }]);
    expect(build).toThrow(GoThrow);
    expect(build).toThrow(/too many pages allocated in chunk\?/);
  });
});

// Go's NewPageAlloc trusts its test tables; the model refuses a table that
// would make Go index out of its maps or corrupt a bitmap (ModelError
// "NewPageAlloc: ..."), one reason per check, before any state is built.
describe('NewPageAlloc refuses malformed tables', () => {
  const sg = new Geometry(small); // 64-page chunks, 2048 of them, from address 0
  const refused = (geo: Geometry, chunks: ChunkInit[], why: string) => {
    const build = () => newPageAlloc(geo, chunks);
    expect(build).toThrow(ModelError);
    expect(build).toThrow(`NewPageAlloc: ${why}`);
  };

  test('a chunk index must be a positive integer (chunk 0 means "none" in pageAlloc.start and the scavenge index)', () => {
    refused(g, [{ chunk: 0 }], 'chunk 0 is not a positive chunk index');
    refused(sg, [{ chunk: 0 }], 'chunk 0 is not a positive chunk index');
    refused(sg, [{ chunk: -1 }], 'chunk -1 is not a positive chunk index');
    refused(sg, [{ chunk: 1.5 }], 'chunk 1.5 is not a positive chunk index');
    refused(sg, [{ chunk: NaN }], 'chunk NaN is not a positive chunk index');
    expect(newPageAlloc(sg, [{ chunk: 1 }]).start).toBe(1);
  });

  test('a chunk must lie in the address space: the last one is accepted, one past it is not', () => {
    expect(newPageAlloc(sg, [{ chunk: 2047 }]).end).toBe(2048);
    refused(sg, [{ chunk: 2048 }], 'chunk 2048 is outside the address space');
    expect(newPageAlloc(g, [{ chunk: 2 ** 26 - 1 }]).end).toBe(2 ** 26);
    refused(g, [{ chunk: 2 ** 26 }], `chunk ${2 ** 26} is outside the address space`);
  });

  test('a chunk may be listed once (Go keys its tables by chunk)', () => {
    refused(sg, [{ chunk: 3 }, { chunk: 4 }, { chunk: 3 }], 'chunk 3 is listed twice');
  });

  test('BitRange{I, N} must lie inside its chunk: I >= 0, N >= 0, I + N <= pallocChunkPages', () => {
    const one = (r: BitRange, kind: 'alloc' | 'scav' = 'alloc'): ChunkInit[] => [{ chunk: 5, [kind]: [r] }];
    const why = (i: number | string, n: number | string) => `range {${i}, ${n}} is outside chunk 5 (64 pages)`;
    refused(sg, one({ I: -1, N: 1 }), why(-1, 1));
    refused(sg, one({ I: 0, N: -1 }), why(0, -1));
    refused(sg, one({ I: 0.5, N: 1 }), why(0.5, 1));
    refused(sg, one({ I: 0, N: 0.5 }), why(0, 0.5));
    refused(sg, one({ I: 1, N: 64 }), why(1, 64));
    refused(sg, one({ I: 0, N: 65 }), why(0, 65));
    refused(sg, one({ I: 64, N: 1 }, 'scav'), why(64, 1));
    // The boundary: a range ending exactly at the chunk's end is accepted.
    const p = newPageAlloc(sg, [{ chunk: 5, alloc: [{ I: 60, N: 4 }], scav: [{ I: 0, N: 64 }] }]);
    expect(p.chunkOf(5).popcntRange(0, 64)).toBe(4);
    expect(p.chunkOf(5).scavenged.popcntRange(0, 64)).toBe(60);
  });
});

describe('NewPageAlloc builds what Go builds', () => {
  test('a test allocator: p.init(..., test = true)', () => {
    expect(newPageAlloc(g, [{ chunk: C }]).test).toBe(true);
  });

  test('an empty range {I, 0} changes nothing (Go skips N == 0 in both tables)', () => {
    const p = newPageAlloc(g, [{ chunk: C, scav: [{ I: 0, N: 0 }], alloc: [{ I: 0, N: 0 }] }]);
    expect(p.chunkOf(C).scavenged.popcntRange(0, g.pallocChunkPages)).toBe(0);
    expect(p.chunkOf(C).popcntRange(0, g.pallocChunkPages)).toBe(0);
    expect(p.scav.index.load(C).inUse).toBe(0);
  });

  test('chunks are built in ascending order, whatever order the table lists them in', () => {
    // Go ranges over a map; the model fixes the order. When two chunks both
    // overflow, the lower one throws first: its detail, not the other's.
    const lower: ChunkInit = { chunk: C, alloc: [{ I: 0, N: 512 }, { I: 0, N: 1 }] };
    const upper: ChunkInit = { chunk: C + 1, alloc: [{ I: 0, N: 500 }, { I: 0, N: 100 }] };
    let err: unknown;
    try {
      newPageAlloc(g, [upper, lower]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GoThrow);
    expect((err as GoThrow).detail).toBe('inUse=512 npages=1');
  });
});

// BaseChunkIdx = chunkIndex(0xc000 * pallocChunkBytes) on 64-bit Go; the
// model falls back to chunk 1 unless the address space holds that base and
// 0x200000 chunks above it.
describe('BaseChunkIdx', () => {
  test('linux/amd64: the chunk of 0x3000000000, offset by arenaBaseOffset = -2^47', () => {
    expect(baseChunkIdx(g)).toBe(0xc000 + 2 ** 25);
    expect(pageBase(g, baseChunkIdx(g), 0)).toBe(0x3000000000);
  });

  test('a space that holds the base but not 0x200000 chunks above it gives chunk 1', () => {
    // 41 address bits from -2^40: 0xc000 << 19 is in the space, 0x20c000 << 19 is not (and -0x1f4000 << 19 is).
    const geo = new Geometry({ ...small, heapAddrBits: 41, arenaBaseOffset: -(2 ** 40), summaryLevels: 4, summaryLevelBits: 3 });
    expect(geo.inAddressSpace(0xc000 * geo.pallocChunkBytes)).toBe(true);
    expect(baseChunkIdx(geo)).toBe(1);
    // One more address bit holds both: the chunk of 0xc000 << 19 (2^40 / 2^19 = 2^21 chunks below address 0).
    const big = new Geometry({ ...small, heapAddrBits: 42, arenaBaseOffset: -(2 ** 40), summaryLevels: 4, summaryLevelBits: 3 });
    expect(baseChunkIdx(big)).toBe(0xc000 + 2 ** 21);
    expect(baseChunkIdx(new Geometry(small))).toBe(1);
  });
});
