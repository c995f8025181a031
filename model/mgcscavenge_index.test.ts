import { describe, expect, test } from 'vitest';
import { catchRefusal, catchThrow } from '../testing/heap.js';
import { defaultGeometry as g } from './geometry.js';
import { ScavChunkData, ScavengeIndex, scavChunkHasFree, shouldScavenge } from './mgcscavenge_index.js';
import { ModelError } from './throw.js';

const perPage = g.physPageSize / 8; // atomicScavChunkData entries per physical page: 512
const chunkAddr = (ci: number): number => g.arenaBaseOffset + ci * g.pallocChunkBytes;
const hiOcc = g.scavChunkHiOccPages; // scavChunkHiOccFrac * pallocChunkPages = 0.96875 * 512 = 496

// sysGrow maps the index between distant arenas too; a page of it reads as
// zero until its first store, as memory Go's sysMap maps does.
describe('scavengeIndex pages', () => {
  const chunk = chunkAddr;
  const grown = (): ScavengeIndex => {
    const x = new ScavengeIndex(g, false);
    x.grow(chunk(100 * perPage), chunk(100 * perPage + 1));
    x.grow(chunk(110 * perPage), chunk(110 * perPage + 1));
    return x;
  };

  test('the gap between two grown ranges is mapped, reads as zero, and is listed as zero pages', () => {
    const x = grown();
    for (const ci of [100 * perPage, 105 * perPage + 7, 110 * perPage]) {
      expect(x.mapped(ci)).toBe(true);
      expect(x.packed(ci)).toBe(0n);
    }
    const units = x.mappedUnits();
    expect(units.map(([u]) => u)).toEqual(Array.from({ length: 11 }, (_, k) => 100 + k));
    for (const [, w] of units) expect(w.every((v) => v === 0)).toBe(true);
    expect(x.mapped(99 * perPage)).toBe(false);
    expect(() => x.load(99 * perPage)).toThrow(ModelError);
  });

  test('a store backs its page alone: the others still read zero, and so does the next read of them', () => {
    const x = grown();
    const a = 105 * perPage + 7;
    x.packed(a); // a read first, so the store must not write through a cached read page
    x.store(a, new ScavChunkData(3, 2, 9, 1));
    expect(x.load(a)).toEqual(new ScavChunkData(3, 2, 9, 1));
    for (const ci of [105 * perPage + 6, 104 * perPage + 7, 106 * perPage]) expect(x.packed(ci)).toBe(0n);
    expect(x.load(a)).toEqual(new ScavChunkData(3, 2, 9, 1));
    const nonzero = x.mappedUnits().filter(([, w]) => w.some((v) => v !== 0));
    expect(nonzero.map(([u]) => u)).toEqual([105]);
  });
});


describe('runtime/mpagealloc_64bit.go · (*scavengeIndex).sysGrow @ go1.21', () => {
  test('print("runtime: base = ", hex(base), ", limit = ", hex(limit)); throw("sysGrow bounds not aligned to pallocChunkBytes")', () => {
    const x = new ScavengeIndex(g, false);
    // arenaBaseOffset = -2^47 is the uintptr 0xffff800000000000; a chunk is 4 MiB = 0x400000.
    const e = catchThrow(() => x.sysGrow(chunkAddr(0) + 0x1000, chunkAddr(1)));
    expect([e.goMessage, e.site, e.detail]).toEqual([
      'sysGrow bounds not aligned to pallocChunkBytes',
      'runtime/mpagealloc_64bit.go · (*scavengeIndex).sysGrow',
      'base = 0xffff800000001000, limit = 0xffff800000400000',
    ]);
    const f = catchThrow(() => x.sysGrow(chunkAddr(0), chunkAddr(1) + 0x2000));
    expect(f.detail).toBe('base = 0xffff800000000000, limit = 0xffff800000402000');
    expect(x.mappedUnits()).toEqual([]);
  });

  test('a grow below what is mapped maps down to it: the mapped units are listed in ascending order', () => {
    const x = new ScavengeIndex(g, false);
    x.grow(chunkAddr(110 * perPage), chunkAddr(110 * perPage + 1));
    x.grow(chunkAddr(100 * perPage), chunkAddr(100 * perPage + 1));
    expect([x.min, x.max, x.minHeapIdx]).toEqual([100 * perPage, 111 * perPage, 100 * perPage]);
    expect(x.mappedUnits().map(([u]) => u)).toEqual(Array.from({ length: 11 }, (_, k) => 100 + k));
  });
});

describe('scavengeIndex.chunks: an entry that is not mapped faults', () => {
  test('a fresh index has nothing mapped: loading chunk 512 (unit 1) faults', () => {
    const x = new ScavengeIndex(g, false);
    const e = catchRefusal(() => x.load(perPage));
    expect(e.message).toBe(`scavengeIndex.chunks: unexpected fault address: chunks[${perPage}] is not mapped`);
  });
});

describe('runtime/mgcscavenge.go · (*scavChunkData).alloc, free @ go1.21: print("runtime: inUse=", sc.inUse, " npages=", npages) and throw', () => {
  const ci = 100 * perPage;
  const grown = (inUse: number): ScavengeIndex => {
    const x = new ScavengeIndex(g, false);
    x.grow(chunkAddr(ci), chunkAddr(ci + 1));
    x.store(ci, new ScavChunkData(inUse, 0, 0, 0));
    return x;
  };
  const alloc = ['too many pages allocated in chunk?', 'runtime/mgcscavenge.go · (*scavChunkData).alloc'];
  const free = ['allocated pages below zero?', 'runtime/mgcscavenge.go · (*scavChunkData).free'];

  test('alloc: uint(sc.inUse)+npages > pallocChunkPages throws (510 + 3 > 512), and 510 + 2 does not', () => {
    const x = grown(510);
    for (const f of [() => x.checkAlloc(ci, 3), () => x.alloc(ci, 3)]) {
      const e = catchThrow(f);
      expect([e.goMessage, e.site, e.detail]).toEqual([...alloc, 'inUse=510 npages=3']);
    }
    expect(x.load(ci).inUse).toBe(510);
    x.checkAlloc(ci, 2);
    x.alloc(ci, 2);
    expect(x.load(ci).inUse).toBe(512);
  });

  test('free: uint(sc.inUse) < npages throws (2 < 3), and freeing 2 does not', () => {
    const x = grown(2);
    for (const f of [() => x.checkFree(ci, 3), () => x.free(ci, 0, 3)]) {
      const e = catchThrow(f);
      expect([e.goMessage, e.site, e.detail]).toEqual([...free, 'inUse=2 npages=3']);
    }
    expect(x.load(ci).inUse).toBe(2);
    x.checkFree(ci, 2);
    x.free(ci, 0, 2);
    expect(x.load(ci).inUse).toBe(0);
  });
});

describe('runtime/mgcscavenge.go · (*scavengeIndex).free @ go1.21: searchAddrForce is raised only if it is below addr', () => {
  test('a free at the (unmarked) forced cursor leaves it unmarked: (offAddr{searchAddr}).lessThan(offAddr{addr}) is strict', () => {
    const C = 100 * perPage;
    const x = new ScavengeIndex(g, false);
    x.grow(chunkAddr(C), chunkAddr(C + 2));
    x.alloc(C, 1);
    x.alloc(C + 1, 1);
    x.free(C, 511, 1);
    x.free(C + 1, 0, 1); // searchAddrForce = chunkBase(C+1), marked
    expect(x.searchAddrForce.Load()).toEqual([chunkAddr(C + 1), true]);
    x.setEmpty(C + 1);
    // find skips C+1 and moves the marked cursor down to C's top page, unmarked.
    const top = chunkAddr(C) + 511 * g.pageSize;
    expect(x.find(true)).toEqual([C, 511]);
    expect(x.searchAddrForce.Load()).toEqual([top, false]);
    x.alloc(C, 1);
    x.free(C, 511, 1); // addr == searchAddr: not lessThan, no StoreMarked
    expect(x.searchAddrForce.Load()).toEqual([top, false]);
  });
});

describe('runtime/mgcscavenge.go · scavChunkData.shouldScavenge @ go1.21: dense means inUse >= scavChunkHiOccPages', () => {
  const sc = (inUse: number, lastInUse: number, gen: number): ScavChunkData => new ScavChunkData(inUse, lastInUse, gen, scavChunkHasFree);
  test('current generation: scavenge only if inUse < hiOcc && lastInUse < hiOcc', () => {
    expect(shouldScavenge(sc(hiOcc - 1, hiOcc - 1, 7), 7, false, hiOcc)).toBe(true);
    expect(shouldScavenge(sc(hiOcc, 0, 7), 7, false, hiOcc)).toBe(false);
    expect(shouldScavenge(sc(0, hiOcc, 7), 7, false, hiOcc)).toBe(false);
    expect(shouldScavenge(sc(hiOcc + 1, 0, 7), 7, false, hiOcc)).toBe(false);
  });
  test('a later generation: inUse alone decides (lastInUse is stale)', () => {
    expect(shouldScavenge(sc(hiOcc - 1, 512, 6), 7, false, hiOcc)).toBe(true);
    expect(shouldScavenge(sc(hiOcc, 0, 6), 7, false, hiOcc)).toBe(false);
    expect(shouldScavenge(sc(512, 0, 6), 7, false, hiOcc)).toBe(false);
  });
  test('forced: anything not empty; empty: never', () => {
    expect(shouldScavenge(sc(512, 512, 7), 7, true, hiOcc)).toBe(true);
    expect(shouldScavenge(new ScavChunkData(0, 0, 7, 0), 7, true, hiOcc)).toBe(false);
  });
});
