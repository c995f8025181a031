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
