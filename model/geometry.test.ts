import { beforeAll, describe, expect, test } from 'vitest';
import type * as GeometryModule from './geometry.js';
import type { GeometryParams } from './geometry.js';
import { ModelError } from './throw.js';

// geometry.ts builds defaultGeometry from linuxAmd64 as it loads, so a change
// to validate() (or to linuxAmd64) that refuses Go's own linux/amd64 values
// makes the import throw. A static import would then fail this file before
// any test exists, and Stryker's vitest runner sees no failing test (every
// file that imports the model fails the same way): such a mutant "survives".
// Imported in each describe's beforeAll, the same throw fails the describe,
// whose tests the runner then counts as failed (a file-level hook would not
// do: a top-level describe does not reach the file's state).
let G: typeof GeometryModule;
let g: GeometryModule.Geometry;
async function load(): Promise<void> {
  G = await import('./geometry.js');
  g = G.defaultGeometry;
}
const geometry = (p: Partial<GeometryParams>): GeometryModule.Geometry => new G.Geometry({ ...G.linuxAmd64, ...p });

describe('linux/amd64 constants, as Go derives them (go-runtime-notes §1.1)', () => {
  beforeAll(load);

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
    expect(G.hex(g.arenaBaseOffset)).toBe('0xffff800000000000');
    expect(G.hex(g.minOffAddr)).toBe('0xffff800000000000');
    expect(G.hex(g.maxOffAddr)).toBe('0x7fffffffffff');
    expect(g.heapArenaBytes).toBe(64 << 20);
    expect(g.pagesPerArena).toBe(8192);
    expect(g.arenaL2Bits).toBe(22);
    expect(g.scavChunkHiOccPages).toBe(496);
    expect(g.maxPagesPerPhysPage).toBe(64);
  });

  // malloc.go (_PageShift, heapAddrBits, arenaBaseOffset 0xffff800000000000,
  // logHeapArenaBytes = 6 + 20, arenaL1Bits), mpagealloc.go
  // (logPallocChunkPages, summaryLevelBits), mpagealloc_64bit.go
  // (summaryLevels, pallocChunksL1Bits); the host's 4 KiB pages, 2 MiB huge pages.
  test("linuxAmd64 holds Go's values", () => {
    expect({ ...G.linuxAmd64 }).toEqual({
      pageShift: 13,
      logPallocChunkPages: 9,
      summaryLevels: 5,
      summaryLevelBits: 3,
      heapAddrBits: 48,
      arenaBaseOffset: -(2 ** 47),
      pallocChunksL1Bits: 13,
      logHeapArenaBytes: 26,
      arenaL1Bits: 0,
      physPageSize: 4096,
      physHugePageSize: 2 << 20,
    });
    expect(g.params).toEqual(G.linuxAmd64);
  });

  test('the other derived constants', () => {
    // mpallocbits.go: pageBits is [pallocChunkPages / 64]uint64.
    expect(g.pallocChunkWords).toBe(8);
    expect(g.logPallocChunkBytes).toBe(22);
    // mpagealloc.go: maxPackedValue = 1 << logMaxPackedValue.
    expect(g.maxPackedValue).toBe(2 ** 21);
    // mpagealloc_64bit.go: pallocChunksL1Shift = pallocChunksL2Bits.
    expect([g.pallocChunksL1Shift, g.chunksL1Div, g.chunksL2Size]).toEqual([13, 2 ** 13, 2 ** 13]);
    expect(g.levelEntries).toEqual([2 ** 14, 8, 8, 8, 8]);
    expect(g.levelBytes).toEqual([2 ** 34, 2 ** 31, 2 ** 28, 2 ** 25, 2 ** 22]);
    expect(g.levelPages).toEqual([2 ** 21, 2 ** 18, 2 ** 15, 2 ** 12, 2 ** 9]);
    // malloc.go: arenaL1Shift = arenaL2Bits; the arena map has 1 << (arenaL1Bits + arenaL2Bits) entries.
    expect([g.arenaL1Shift, g.arenaMapEntries]).toEqual([22, 2 ** 22]);
    // mgcscavenge.go: logScavChunkInUseMax = logPallocChunkPages + 1 (a full
    // chunk's 512 must fit), scavChunkInUseMask = 1<<logScavChunkInUseMax - 1.
    expect([g.logScavChunkInUseMax, g.scavChunkInUseMask]).toEqual([10, 0x3ff]);
  });

  test('the tiny geometry derives its constants the same way', () => {
    const t = new G.Geometry(G.tiny);
    expect([t.pallocChunkPages, t.pallocChunkWords, t.logScavChunkInUseMax, t.scavChunkInUseMask]).toEqual([64, 1, 7, 0x7f]);
    expect([t.summaryL0Bits, t.levelEntries, t.pagesPerArena, t.arenaMapEntries]).toEqual([2, [4, 4], 256, 4]);
  });

  test('alignUp and alignDown are exact on negative (kernel-half) addresses', () => {
    expect(G.alignDown(g.arenaBaseOffset + 5, 4096)).toBe(g.arenaBaseOffset);
    expect(G.alignUp(g.arenaBaseOffset + 5, 4096)).toBe(g.arenaBaseOffset + 4096);
    expect(G.alignUp(2 ** 47 - 4096, 4096)).toBe(2 ** 47 - 4096);
  });
});

describe('bad geometries are refused', () => {
  beforeAll(load);

  const cases: [string, Partial<GeometryParams>][] = [
    ['chunks smaller than one 64-bit word', { logPallocChunkPages: 5 }],
    ['physical page size not a power of two', { physPageSize: 5000 }],
    ['address space too large for exact doubles', { heapAddrBits: 52 }],
    ['huge page larger than a chunk', { physHugePageSize: 8 << 20 }],
    ['fractional constants', { pageShift: 12.5 }],
  ];
  for (const [name, p] of cases) test(name, () => expect(() => geometry(p)).toThrow(ModelError));
});

// malloc.go mallocinit throws "bad system huge page size" unless
// physHugePageSize is a power of two. validate's integer check reads the
// object's own fields (Object.entries); a params object that inherits its
// values skips it, and the power-of-two test alone keeps a fraction out.
describe('validate: own and inherited fields', () => {
  beforeAll(load);

  test('refused: a fractional huge page size, inherited', () => {
    const { physHugePageSize: _, ...own } = G.linuxAmd64;
    const p = Object.assign(Object.create({ physHugePageSize: 0.5 }) as GeometryParams, own);
    expect(p.physHugePageSize).toBe(0.5);
    expect(() => new G.Geometry(p)).toThrow('Geometry: physHugePageSize must be 0 or a power of two no larger than a chunk');
    const q = Object.assign(Object.create({ physHugePageSize: 1 << 20 }) as GeometryParams, own);
    expect(new G.Geometry(q).physHugePageSize).toBe(1 << 20);
  });
});

// Each of validate's bounds, at the bound (accepted) and one past it (refused
// by that check alone: every other check passes, worked out by hand from
// linux/amd64's values; logPallocChunkBytes = logPallocChunkPages + pageShift,
// summaryL0Bits = heapAddrBits - logPallocChunkBytes - (summaryLevels - 1) * summaryLevelBits,
// logMaxPackedValue = logPallocChunkPages + (summaryLevels - 1) * summaryLevelBits).
describe('validate: every bound, on both sides', () => {
  beforeAll(load);

  const ok: [string, Partial<GeometryParams>][] = [
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
  for (const [name, p] of ok) test(`accepted: ${name}`, () => expect(() => geometry(p)).not.toThrow());

  const refused: [string, Partial<GeometryParams>, string][] = [
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
  for (const [name, p, why] of refused) test(`refused: ${name}`, () => expect(() => geometry(p)).toThrow(`Geometry: ${why}`));
});

describe('addresses', () => {
  beforeAll(load);

  // mranges.go: maxOffAddr = (1<<heapAddrBits - 1) + arenaBaseOffset. A
  // 30-bit space at amd64's kernel-half offset tops out at
  // 0xffff80003fffffff, a negative number below int32's range: it must stay
  // exact, not be cut to 32 bits.
  test('maxOffAddr of a small space in the kernel half', () => {
    const k = new G.Geometry({ ...G.small, arenaBaseOffset: -(2 ** 47) });
    expect(G.hex(k.maxOffAddr)).toBe('0xffff80003fffffff');
    expect(k.maxOffAddr).toBe(-(2 ** 47) + 2 ** 30 - 1);
    expect([k.inAddressSpace(k.maxOffAddr), k.inAddressSpace(k.maxOffAddr + 1), k.inAddressSpace(-(2 ** 47))]).toEqual([true, false, true]);
  });


  test('inAddressSpace: [arenaBaseOffset, arenaBaseOffset + 2^heapAddrBits), safe integers only', () => {
    expect([g.inAddressSpace(g.arenaBaseOffset), g.inAddressSpace(g.arenaBaseOffset - 1), g.inAddressSpace(2 ** 47 - 1), g.inAddressSpace(2 ** 47)]).toEqual([true, false, true, false]);
    expect([g.inAddressSpace(0xc000000000 + 0.5), g.inAddressSpace(NaN), g.inAddressSpace(2 ** 53)]).toEqual([false, false, false]);
    expect(g.offset(0xc000000000)).toBe(0xc000000000 + 2 ** 47);
  });

  test("hex is Go's uintptr print", () => {
    expect([G.hex(0), G.hex(255), G.hex(-1), G.hex(0xc000000000)]).toEqual(['0x0', '0xff', '0xffffffffffffffff', '0xc000000000']);
  });
});
