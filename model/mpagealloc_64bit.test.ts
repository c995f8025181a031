import { describe, expect, test } from 'vitest';
import { catchRefusal } from '../testing/heap.js';
import { chunkBase } from './chunks.js';
import { baseChunkIdx } from './export.js';
import { defaultGeometry as g } from './geometry.js';
import { SummaryLevel, addrsToSummaryRange, sysGrowSummaries, sysInitSummaries } from './mpagealloc_64bit.js';
import { AddrRange, OffAddr } from './mranges.js';

const C = baseChunkIdx(g);

describe('runtime/mpagealloc_64bit.go · summary memory @ go1.21', () => {
  // A level with 4096-byte pages of summary memory: 512 entries a page (pallocSumBytes = 8).
  const level = (): SummaryLevel => {
    const lvl = new SummaryLevel(3, 1 << 20, 4096, 8);
    lvl.len = 2048;
    return lvl;
  };

  test('an entry on the first page touched is its page, whichever page that is', () => {
    const lvl = level();
    lvl.map(4096, 8192); // page 1: entries [512, 1024)
    expect(lvl.page(600)).toBeInstanceOf(Uint32Array);
    expect(lvl.page(600).length).toBe(2 * 512);
    expect(lvl.slot(600)).toBe(2 * (600 - 512));
  });

  test('p.summary[l][i] out of [0, len) is an index out of range; on an unmapped page, a fault', () => {
    const lvl = level();
    // Nothing mapped yet: entry 600 (page 1) faults.
    expect(catchRefusal(() => lvl.page(600)).message).toBe('pageAlloc.summary: unexpected fault address: summary[3][600] is not mapped');
    lvl.map(0, 4096);
    expect(catchRefusal(() => lvl.page(-1)).message).toBe('pageAlloc.summary: index out of range [-1] with length 2048 at level 3');
    expect(catchRefusal(() => lvl.page(2048)).message).toBe('pageAlloc.summary: index out of range [2048] with length 2048 at level 3');
    expect(catchRefusal(() => lvl.page(600)).message).toBe('pageAlloc.summary: unexpected fault address: summary[3][600] is not mapped');
  });

  test('readable: in [0, len) and on a mapped page', () => {
    const lvl = level();
    lvl.map(0, 4 * 4096); // pages 0..3: entries [0, 2048), and len is 2048
    lvl.map(4 * 4096, 5 * 4096); // page 4 mapped, entries [2048, 2560), all >= len
    expect([0, 2047, 2048, 2100, -1].map((i) => lvl.readable(i))).toEqual([true, true, false, false, false]);
    const l2 = level();
    l2.map(4096, 8192);
    expect([0, 511, 512, 1023, 1024].map((i) => l2.readable(i))).toEqual([false, false, true, true, false]);
  });

  test('mappedPages lists the mapped pages in ascending order', () => {
    const lvl = level();
    lvl.map(3 * 4096, 4 * 4096);
    lvl.map(0, 4096);
    lvl.map(2 * 4096, 3 * 4096);
    expect(lvl.mappedPages()).toEqual([0, 2, 3]);
  });

  test('sysInit reserves 1 << (heapAddrBits - levelShift[l]) entries a level', () => {
    // amd64: levelShift = [34, 31, 28, 25, 22], heapAddrBits = 48.
    expect(sysInitSummaries(g).map((l) => [l.cap, l.len])).toEqual([
      [2 ** 14, 0],
      [2 ** 17, 0],
      [2 ** 20, 0],
      [2 ** 23, 0],
      [2 ** 26, 0],
    ]);
  });

  test('addrsToSummaryRange: [base, limit) of one chunk is one leaf entry, limit exclusive', () => {
    // lo = (base - arenaBaseOffset) >> levelShift; hi = ((limit-1) - arenaBaseOffset) >> levelShift + 1.
    expect(addrsToSummaryRange(g, 4, chunkBase(g, C), chunkBase(g, C + 1))).toEqual([C, C + 1]);
    expect(addrsToSummaryRange(g, 4, chunkBase(g, C), chunkBase(g, C + 1) - 1)).toEqual([C, C + 1]);
  });

  test('sysGrow maps the pages a range needs at each level and returns their bytes; a neighbour\'s are pruned', () => {
    const sums = sysInitSummaries(g);
    // First chunk C: the root is mapped whole (2^14 entries * 8 bytes = 128 KiB);
    // each other level needs its block of 8 entries (64 bytes) in one 4 KiB page.
    expect(sysGrowSummaries(g, sums, [], 0, chunkBase(g, C), chunkBase(g, C + 1))).toBe(128 * 1024 + 4 * 4096);
    expect(sums.map((l) => l.len)).toEqual([2 ** 14, (8204 + 1) * 8, (8204 * 8 + 1) * 8, (8204 * 64 + 1) * 8, C + 8]);
    // C+1 beside it: everything it needs C's range already mapped.
    const inUse = [new AddrRange(new OffAddr(chunkBase(g, C)), new OffAddr(chunkBase(g, C + 1)))];
    expect(sysGrowSummaries(g, sums, inUse, 1, chunkBase(g, C + 1), chunkBase(g, C + 2))).toBe(0);
  });
});
