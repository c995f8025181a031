import { describe, expect, test } from 'vitest';
import { Geometry, alignDown, alignUp, defaultGeometry as g, hex, linuxAmd64 } from './geometry.js';
import { ModelError } from './throw.js';

describe('linux/amd64 constants, as Go derives them (go-runtime-notes §1.1)', () => {
  test('pages, chunks, summaries', () => {
    expect(g.pageSize).toBe(8192);
    expect(g.pallocChunkPages).toBe(512);
    expect(g.pallocChunkBytes).toBe(4 << 20);
    expect(g.summaryL0Bits).toBe(14);
    expect(g.levelBits).toEqual([14, 3, 3, 3, 3]);
    expect(g.levelShift).toEqual([34, 31, 28, 25, 22]);
    expect(g.levelLogPages).toEqual([21, 18, 15, 12, 9]);
    expect(g.logMaxPackedValue).toBe(21);
    expect(g.pallocChunksL1Bits).toBe(13);
    expect(g.pallocChunksL2Bits).toBe(13);
  });

  test('offset address space and arenas', () => {
    expect(hex(g.arenaBaseOffset)).toBe('0xffff800000000000');
    expect(hex(g.minOffAddr)).toBe('0xffff800000000000');
    expect(hex(g.maxOffAddr)).toBe('0x7fffffffffff');
    expect(g.heapArenaBytes).toBe(64 << 20);
    expect(g.pagesPerArena).toBe(8192);
    expect(g.arenaL2Bits).toBe(22);
    expect(g.scavChunkHiOccPages).toBe(496);
    expect(g.maxPagesPerPhysPage).toBe(64);
  });

  test('alignUp and alignDown are exact on negative (kernel-half) addresses', () => {
    expect(alignDown(g.arenaBaseOffset + 5, 4096)).toBe(g.arenaBaseOffset);
    expect(alignUp(g.arenaBaseOffset + 5, 4096)).toBe(g.arenaBaseOffset + 4096);
    expect(alignUp(2 ** 47 - 4096, 4096)).toBe(2 ** 47 - 4096);
  });
});

describe('bad geometries are refused', () => {
  const cases: [string, Partial<typeof linuxAmd64>][] = [
    ['chunks smaller than one 64-bit word', { logPallocChunkPages: 5 }],
    ['physical page size not a power of two', { physPageSize: 5000 }],
    ['address space too large for exact doubles', { heapAddrBits: 52 }],
    ['huge page larger than a chunk', { physHugePageSize: 8 << 20 }],
    ['fractional constants', { pageShift: 12.5 }],
  ];
  for (const [name, p] of cases) test(name, () => expect(() => new Geometry({ ...linuxAmd64, ...p })).toThrow(ModelError));
});

// Each of validate's bounds, at the bound (accepted) and one past it (refused
// by that check alone: every other check passes, worked out by hand from
// linux/amd64's values; logPallocChunkBytes = logPallocChunkPages + pageShift,
// summaryL0Bits = heapAddrBits - logPallocChunkBytes - (summaryLevels - 1) * summaryLevelBits,
// logMaxPackedValue = logPallocChunkPages + (summaryLevels - 1) * summaryLevelBits).
describe('validate: every bound, on both sides', () => {
  const ok: [string, Partial<typeof linuxAmd64>][] = [
    ['pageShift 12', { pageShift: 12 }],
    ['pageShift 16', { pageShift: 16 }],
    ['logPallocChunkPages 6 (L0 16 bits, no huge pages)', { logPallocChunkPages: 6, heapAddrBits: 47, physHugePageSize: 0 }],
    ['logPallocChunkPages 12 (4 levels: 3L = 63)', { logPallocChunkPages: 12, summaryLevels: 4 }],
    ['summaryLevels 1', { summaryLevels: 1, heapAddrBits: 38 }],
    ['summaryLevels 8 of 1 bit', { summaryLevels: 8, summaryLevelBits: 1, heapAddrBits: 45 }],
    ['summaryLevelBits 1', { summaryLevelBits: 1, heapAddrBits: 42 }],
    ['summaryLevelBits 6', { summaryLevels: 2, summaryLevelBits: 6, heapAddrBits: 44 }],
    ['a 1-bit root level', { heapAddrBits: 35 }],
    ['3 * logMaxPackedValue = 63 exactly', {}],
    ['arenaBaseOffset 0 with the space up to 2^47', { arenaBaseOffset: 0, heapAddrBits: 47 }],
    ['pallocChunksL1Bits 0', { pallocChunksL1Bits: 0 }],
    ['pallocChunksL1Bits 26: no L2 bits', { pallocChunksL1Bits: 26 }],
    ['an arena of one chunk', { logHeapArenaBytes: 22 }],
    ['an arena as large as the space', { logHeapArenaBytes: 48 }],
    ['arenaL1Bits 22: no arena L2 bits', { arenaL1Bits: 22 }],
    ['physPageSize 512 KiB (maxPhysPageSize)', { physPageSize: 512 << 10 }],
    ['physHugePageSize of a whole chunk', { physHugePageSize: 4 << 20 }],
    ['no huge pages', { physHugePageSize: 0 }],
  ];
  for (const [name, p] of ok) test(`accepted: ${name}`, () => expect(() => new Geometry({ ...linuxAmd64, ...p })).not.toThrow());

  const refused: [string, Partial<typeof linuxAmd64>, string][] = [
    ['a fraction', { pageShift: 12.5 }, 'pageShift must be an integer, got 12.5'],
    ['pageShift 11', { pageShift: 11 }, 'pageShift 11 is outside [12, 16]'],
    ['pageShift 17', { pageShift: 17 }, 'pageShift 17 is outside [12, 16]'],
    ['logPallocChunkPages 5', { logPallocChunkPages: 5, heapAddrBits: 46, physHugePageSize: 0 }, 'logPallocChunkPages 5 < 6'],
    ['logPallocChunkPages 13', { logPallocChunkPages: 13, summaryLevels: 3 }, 'logPallocChunkPages 13 > 12'],
    ['summaryLevels 0', { summaryLevels: 0, heapAddrBits: 38 }, 'summaryLevels 0 is outside [1, 8]'],
    ['summaryLevels 9', { summaryLevels: 9, summaryLevelBits: 1, heapAddrBits: 46 }, 'summaryLevels 9 is outside [1, 8]'],
    ['summaryLevelBits 0', { summaryLevelBits: 0, heapAddrBits: 38 }, 'summaryLevelBits 0 is outside [1, 6]'],
    ['summaryLevelBits 7', { summaryLevels: 2, summaryLevelBits: 7, heapAddrBits: 45 }, 'summaryLevelBits 7 is outside [1, 6]'],
    ['no root level bits', { heapAddrBits: 34 }, 'heapAddrBits 34 leaves no bits for the root summary level'],
    ['a 17-bit root level', { logPallocChunkPages: 6, physHugePageSize: 0 }, 'the root summary level would have 2^17 entries; at most 2^16'],
    ['3 * logMaxPackedValue = 66', { logPallocChunkPages: 10 }, 'summaries do not fit in a 64-bit pallocSum'],
    ['heapAddrBits 49', { heapAddrBits: 49 }, 'heapAddrBits 49 > 48: addresses must stay exact doubles'],
    ['a positive arenaBaseOffset', { arenaBaseOffset: 2 ** 22, heapAddrBits: 40 }, 'arenaBaseOffset must be in [-2^47, 0]'],
    ['arenaBaseOffset below -2^47', { arenaBaseOffset: -(2 ** 47) - 2 ** 22 }, 'arenaBaseOffset must be in [-2^47, 0]'],
    ['an address space past 2^47', { arenaBaseOffset: 0 }, 'arenaBaseOffset must be in [-2^47, 0]'],
    ['arenaBaseOffset not chunk-aligned', { arenaBaseOffset: -(2 ** 47) + 2 ** 21, heapAddrBits: 47 }, 'arenaBaseOffset must be chunk-aligned'],
    ['pallocChunksL1Bits -1', { pallocChunksL1Bits: -1 }, 'pallocChunksL1Bits -1 is outside [0, chunk index bits]'],
    ['pallocChunksL1Bits 27', { pallocChunksL1Bits: 27 }, 'pallocChunksL1Bits 27 is outside [0, chunk index bits]'],
    ['an arena smaller than a chunk', { logHeapArenaBytes: 21 }, 'an arena must hold whole chunks'],
    ['an arena larger than the space', { logHeapArenaBytes: 49 }, 'an arena cannot exceed the address space'],
    ['arenaL1Bits -1', { arenaL1Bits: -1 }, 'arenaL1Bits is out of range'],
    ['arenaL1Bits 23', { arenaL1Bits: 23 }, 'arenaL1Bits is out of range'],
    ['physPageSize 2 KiB', { physPageSize: 2048 }, 'bad system page size'],
    ['physPageSize 1 MiB', { physPageSize: 1 << 20 }, 'bad system page size'],
    ['physHugePageSize not a power of two', { physHugePageSize: 3 << 20 }, 'physHugePageSize must be 0 or a power of two no larger than a chunk'],
    ['physHugePageSize of two chunks', { physHugePageSize: 8 << 20 }, 'physHugePageSize must be 0 or a power of two no larger than a chunk'],
  ];
  for (const [name, p, why] of refused) test(`refused: ${name}`, () => expect(() => new Geometry({ ...linuxAmd64, ...p })).toThrow(`Geometry: ${why}`));
});

describe('addresses', () => {
  test('inAddressSpace: [arenaBaseOffset, arenaBaseOffset + 2^heapAddrBits), safe integers only', () => {
    expect([g.inAddressSpace(g.arenaBaseOffset), g.inAddressSpace(g.arenaBaseOffset - 1), g.inAddressSpace(2 ** 47 - 1), g.inAddressSpace(2 ** 47)]).toEqual([true, false, true, false]);
    expect([g.inAddressSpace(0xc000000000 + 0.5), g.inAddressSpace(NaN), g.inAddressSpace(2 ** 53)]).toEqual([false, false, false]);
    expect(g.offset(0xc000000000)).toBe(0xc000000000 + 2 ** 47);
  });

  test("hex is Go's uintptr print", () => {
    expect([hex(0), hex(255), hex(-1), hex(0xc000000000)]).toEqual(['0x0', '0xff', '0xffffffffffffffff', '0xc000000000']);
  });
});
