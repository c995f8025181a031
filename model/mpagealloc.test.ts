import { describe, expect, test } from 'vitest';
import { pageAllocFingerprint } from '../spec/pagealloc/modelView.js';
import { catchRefusal, catchThrow } from '../testing/heap.js';
import { chunkBase, chunkIndex, chunkL1 } from './chunks.js';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import { Geometry, defaultGeometry as g, hex, small } from './geometry.js';
import { PageAlloc } from './mpagealloc.js';
import { OffAddr } from './mranges.js';
import { ModelError } from './throw.js';

const C = baseChunkIdx(g);
const P = g.pageSize;

describe('pageAlloc.alloc: named scenarios', () => {
  test('StraddleTwoChunks: a run across a chunk boundary is found from the leaf summaries', () => {
    const p = newPageAlloc(g, [
      { chunk: C, alloc: [{ I: 0, N: 500 }] },
      { chunk: C + 1, alloc: [{ I: 20, N: 492 }] },
    ]);
    // 12 free pages end chunk C, 20 start C+1: a 30-page run straddles.
    expect(hex(p.alloc(30)[0])).toBe(hex(pageBase(g, C, 500)));
  });

  test('LargerThanAChunk: 1025 pages over three free chunks, from an inner summary', () => {
    const p = newPageAlloc(g, [{ chunk: C }, { chunk: C + 1 }, { chunk: C + 2 }]);
    expect(p.alloc(1025)[0]).toBe(pageBase(g, C, 0));
    expect(p.alloc(512)[0]).toBe(0); // 511 left
    expect(p.alloc(511)[0]).toBe(pageBase(g, C + 2, 1));
  });

  test('GapBreaksRun: free pages on both sides of an ungrown chunk do not make one run', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 500 }] }, { chunk: C + 2 }]);
    expect(p.alloc(20)[0]).toBe(pageBase(g, C + 2, 0));
  });

  test('SummaryAtChunkEdge: freeing the last page of a chunk updates end and the parent', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }, { chunk: C + 1, alloc: [{ I: 0, N: 512 }] }]);
    p.free(pageBase(g, C, 511), 1);
    p.free(pageBase(g, C + 1, 0), 1);
    // The only free pages straddle the boundary: a 2-page alloc must find them via the parent.
    expect(p.alloc(2)[0]).toBe(pageBase(g, C, 511));
  });

  test('ScavengedBytes: alloc reports the scavenged pages it took and clears them', () => {
    const p = newPageAlloc(g, [{ chunk: C, scav: [{ I: 2, N: 3 }] }]);
    expect(p.alloc(4)).toEqual([pageBase(g, C, 0), 2 * P]);
    expect(p.chunkOf(C).scavenged.popcntRange(0, 4)).toBe(0);
  });

  test('ExhaustionSetsMaxSearchAddr: alloc(1) failing means the heap is full', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 511 }] }]);
    expect(p.alloc(1)[0]).toBe(pageBase(g, C, 511));
    expect(p.alloc(1)[0]).toBe(0);
    expect(p.searchAddr.addr()).toBe(g.maxOffAddr);
    p.free(pageBase(g, C, 3), 1);
    expect(p.searchAddr.addr()).toBe(pageBase(g, C, 3));
  });

  test('GrowBelowLowersSearchAddrAndStart', () => {
    const p = new PageAlloc(g);
    p.grow(chunkBase(g, C), g.pallocChunkBytes);
    p.grow(chunkBase(g, C - 2), g.pallocChunkBytes);
    expect([p.start, p.end]).toEqual([C - 2, C + 1]);
    expect(p.searchAddr.addr()).toBe(chunkBase(g, C - 2));
    expect(p.inUse.ranges.length).toBe(2);
    expect(p.alloc(1)[0]).toBe(chunkBase(g, C - 2));
  });
});

describe('refused inputs leave the allocator unchanged', () => {
  const fresh = (): PageAlloc => newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 100 }] }, { chunk: C + 1 }]);
  const cases: [string, (p: PageAlloc) => unknown, RegExp][] = [
    ['alloc(0)', (p) => p.alloc(0), /npages must be a positive integer/],
    ['alloc(-3)', (p) => p.alloc(-3), /npages must be a positive integer/],
    ['alloc(1.5)', (p) => p.alloc(1.5), /npages must be a positive integer/],
    ['free of free pages', (p) => p.free(pageBase(g, C, 100), 2), /2 of the 2 pages .* are not allocated/],
    ['free partly free', (p) => p.free(pageBase(g, C, 99), 2), /1 of the 2 pages .* are not allocated/],
    ['free outside grown memory', (p) => p.free(pageBase(g, C + 5, 0), 1), /not inside memory the page allocator has grown/],
    ['free unaligned', (p) => p.free(pageBase(g, C, 0) + 4096, 1), /not a page-aligned address/],
    ['free npages 0', (p) => p.free(pageBase(g, C, 0), 0), /npages must be a positive integer/],
    ['grow overlapping', (p) => p.grow(chunkBase(g, C + 1), g.pallocChunkBytes), /overlaps memory already grown/],
    ['grow unaligned', (p) => p.grow(chunkBase(g, C + 3) + P, g.pallocChunkBytes), /not aligned to pallocChunkBytes/],
    ['grow outside the address space', (p) => p.grow(2 ** 47, g.pallocChunkBytes), /outside the 48-bit address space/],
    ['grow of size 0', (p) => p.grow(chunkBase(g, C + 3), 0), /must be positive/],
    ['scavenge(-1)', (p) => p.scavenge(-1, true), /nbytes must be a non-negative integer/],
  ];
  for (const [name, f, msg] of cases) {
    test(name, () => {
      const p = fresh();
      const before = pageAllocFingerprint(p);
      expect(() => f(p)).toThrow(ModelError);
      expect(() => f(p)).toThrow(msg);
      expect(pageAllocFingerprint(p)).toBe(before);
    });
  }

  test('freeing pages a live page cache owns', () => {
    const p = newPageAlloc(g, [{ chunk: C }]);
    const c = p.allocToCache();
    const before = pageAllocFingerprint(p);
    expect(() => p.free(pageBase(g, C, 10), 1)).toThrow(/owned by the page cache at 0x3000000000/);
    expect(pageAllocFingerprint(p)).toBe(before);
    c.flush(p);
    expect(() => p.free(pageBase(g, C, 10), 1)).toThrow(/not allocated/);
  });
});

describe('other geometries run the same code', () => {
  test('small: allocations straddle 64-page chunks', () => {
    const sg = new Geometry(small);
    const p = newPageAlloc(sg, [{ chunk: 1, alloc: [{ I: 0, N: 60 }] }, { chunk: 2 }]);
    expect(p.alloc(10)[0]).toBe(pageBase(sg, 1, 60));
    // 58 pages are left, all in chunk 2: 64 do not fit, 58 do.
    expect(p.alloc(64)[0]).toBe(0);
    expect(p.alloc(58)[0]).toBe(pageBase(sg, 2, 6));
  });
});

// ---- Go's behaviour at each step of the page allocator, one test per mechanism.

/** Overwrite chunk ci's leaf summary (a corrupted radix tree, to reach Go's "bad summary data" throw). */
function setLeafSummary(p: PageAlloc, ci: number, start: number, max: number, end: number): void {
  const leaf = p.summary[g.summaryLevels - 1]!;
  const pg = leaf.page(ci);
  const k = leaf.slot(ci);
  pg[k] = p.sums.packLo(start, max, end);
  pg[k + 1] = p.sums.packHi(start, max, end);
}

/** Chunk ci's leaf summary as [start, max, end]. */
function leafSummary(p: PageAlloc, ci: number): [number, number, number] {
  const leaf = p.summary[g.summaryLevels - 1]!;
  const pg = leaf.page(ci);
  const k = leaf.slot(ci);
  return [...p.sums.unpack(pg[k]!, pg[k + 1]!)] as [number, number, number];
}

describe('runtime/mpagealloc.go · (*pageAlloc).init @ go1.21', () => {
  test('NewPageAlloc makes a test allocator (test = true) with the full L1 chunk map', () => {
    const p = new PageAlloc(g);
    expect(p.test).toBe(true);
    // chunks [1 << pallocChunksL1Bits]*[1 << pallocChunksL2Bits]pallocData: 2^13 L1 entries on linux/amd64.
    expect(p.chunks.length).toBe(2 ** 13);
    // Nothing grown: searchAddr is maxOffAddr, no summary memory mapped (sysInit only reserves; index.init returns 0).
    expect(p.searchAddr.addr()).toBe(g.maxOffAddr);
    expect(p.summaryMappedReady).toBe(0);
  });

  test('chunkOf a chunk whose L2 block is not mapped is refused (Go: nil dereference)', () => {
    const p = new PageAlloc(g);
    const e = catchRefusal(() => p.chunkOf(C));
    expect(e.op).toBe('pageAlloc.chunkOf');
    expect(e.reason).toBe(`invalid memory address: chunk ${C} has no L2 block`);
  });
});

describe('runtime/mpagealloc.go · (*pageAlloc).grow, mpagealloc_64bit.go · sysGrow @ go1.21', () => {
  test('grow maps an L2 block of the chunk map: [1 << pallocChunksL2Bits]pallocData', () => {
    const p = new PageAlloc(g);
    p.grow(chunkBase(g, C), g.pallocChunkBytes);
    // pallocChunksL2Bits = heapAddrBits - logPallocChunkBytes - pallocChunksL1Bits = 48 - 22 - 13 = 13.
    expect(p.chunks[chunkL1(g, C)]!.length).toBe(2 ** 13);
  });

  test('summaryMappedReady counts the summary and index memory sysGrow maps', () => {
    const p = new PageAlloc(g);
    p.grow(chunkBase(g, C), g.pallocChunkBytes);
    // Summaries: blockAlignSummaryRange maps level 0 whole (2^14 entries * 8 bytes = 128 KiB) and one
    // 8-entry block at each of levels 1..4, each inside one 4096-byte physical page: 131072 + 4*4096.
    // Index: chunks [alignDown(C, 512), alignUp(C+1, 512)) of 8-byte atomicScavChunkData = 4096 bytes
    // (C = 0xc000 + 2^25 is 512-aligned). index.grow's second sysGrow maps nothing more.
    expect(p.summaryMappedReady).toBe(131072 + 4 * 4096 + 4096);
    // A second growth 4096 chunks up: new leaf (level 4) and level-3 pages (C/8 and (C+4096)/8 are
    // 512 entries apart); levels 0..2 already mapped. The index extends down to what it has:
    // needMin = haveMax = C+512, needMax = C+4096+512: 4096 entries * 8 bytes.
    p.grow(chunkBase(g, C + 4096), g.pallocChunkBytes);
    expect(p.summaryMappedReady).toBe(131072 + 4 * 4096 + 4096 + 2 * 4096 + 4096 * 8);
  });

  const cb = g.pallocChunkBytes;
  const growRefusals: [string, number, number, string][] = [
    ['a fractional base', chunkBase(g, C) + 0.5, cb, 'base and size must be integers'],
    ['a fractional size', chunkBase(g, C), cb + 0.5, 'base and size must be integers'],
    ['a size that is not whole chunks', chunkBase(g, C), cb + P, `[${hex(chunkBase(g, C))}, +${cb + P}) is not aligned to pallocChunkBytes (${cb})`],
    ['a range running past the top of the address space', 2 ** 47 - cb, 2 * cb, `[0x7fffffc00000, +${2 * cb}) is outside the 48-bit address space`],
  ];
  for (const [name, base, size, reason] of growRefusals) {
    test(`grow refuses ${name}`, () => {
      const p = new PageAlloc(g);
      const before = pageAllocFingerprint(p);
      const e = catchRefusal(() => p.grow(base, size));
      expect(e.op).toBe('pageAlloc.grow');
      expect(e.reason).toBe(reason);
      expect(pageAllocFingerprint(p)).toBe(before);
    });
  }

  // runtime/mranges.go · makeAddrRange @ go1.21: (base-arenaBaseOffset >= base) != (limit-arenaBaseOffset >= limit)
  // throws. grow's range [base, base+size) gets there; the model throws before changing anything.
  const growThrows: [string, number, number, string][] = [
    ['a range crossing address 0 (from 0xffff... to 0x0000...)', -cb, 2 * cb, `base = 0xffffffffffc00000, limit = ${hex(cb)}`],
    // limit = 2^64 wraps to 0, in the low half: 0 - arenaBaseOffset = 0x800000000000 >= 0.
    ['the last chunk of the high half, whose limit wraps to 0', -cb, cb, 'base = 0xffffffffffc00000, limit = 0x0'],
  ];
  for (const [name, base, size, detail] of growThrows) {
    test(`grow throws for ${name}, before any state changes`, () => {
      const p = new PageAlloc(g);
      const before = pageAllocFingerprint(p);
      const e = catchThrow(() => p.grow(base, size));
      expect([e.goMessage, e.site, e.detail]).toEqual(['addr range base and limit are not in the same memory segment', 'runtime/mranges.go · makeAddrRange', detail]);
      expect(pageAllocFingerprint(p)).toBe(before);
    });
  }

  // Heap addresses on amd64 are [0xffff800000000000, 0x00007fffffffffff]: each half is fine on its own.
  const growAccepted: [string, number, number][] = [
    ['the last chunk below 2^47', 2 ** 47 - cb, cb],
    ['two chunks in the high half', -4 * cb, 2 * cb],
    ['the chunk at address 0', 0, cb],
    ['two chunks just above address 0', cb, 2 * cb],
  ];
  for (const [name, base, size] of growAccepted) {
    test(`grow accepts ${name}`, () => {
      const p = new PageAlloc(g);
      p.grow(base, size);
      expect(p.inUse.ranges.map((r) => [r.base.addr(), r.limit.addr()])).toEqual([[base, base + size]]);
      expect([p.start, p.end]).toEqual([chunkIndex(g, base), chunkIndex(g, base + size)]);
    });
  }
});

describe('runtime/mpagealloc.go · (*pageAlloc).update @ go1.21', () => {
  test('contig = false summarizes every chunk in the range from its bitmap', () => {
    const p = newPageAlloc(g, [{ chunk: C }, { chunk: C + 1 }, { chunk: C + 2 }]);
    // A non-contiguous change over three chunks, made in the bitmaps only.
    p.chunkOf(C).allocRange(500, 12);
    p.chunkOf(C + 1).allocRange(0, 100);
    p.chunkOf(C + 2).allocRange(0, 7);
    p.update(pageBase(g, C, 500), 12 + 512 + 7, false, true);
    // C: 0..499 free; C+1: 100..511 free; C+2: 7..511 free.
    expect(leafSummary(p, C)).toEqual([500, 500, 0]);
    expect(leafSummary(p, C + 1)).toEqual([0, 412, 412]);
    expect(leafSummary(p, C + 2)).toEqual([0, 505, 505]);
    // The parents follow: the 412 + 0 pages across C+1/C+2 do not join (C+2 starts allocated).
    expect(p.alloc(506)[0]).toBe(0);
    expect(p.alloc(505)[0]).toBe(pageBase(g, C + 2, 7));
  });

  test('chunkParts splits a page range into per-chunk pieces (allocRange and free)', () => {
    const p = newPageAlloc(g, [{ chunk: C }, { chunk: C + 1 }, { chunk: C + 2 }]);
    expect(p.chunkParts(pageBase(g, C, 10), 5)).toEqual([[C, 10, 5]]);
    expect(p.chunkParts(pageBase(g, C, 500), 12 + 512 + 7)).toEqual([[C, 500, 12], [C + 1, 0, 512], [C + 2, 0, 7]]);
  });
});

describe('pageAlloc.chunks: peekChunk, the readers\' view of chunkOf', () => {
  // Go's p.chunks[ci.l1()] is nil until grow maps that L2 block; the spec's readers ask for a
  // chunk without creating its block, so an unmapped block reads as no bitmaps at all.
  test('peekChunk is undefined where no L2 block exists, and the grown chunk\'s bitmaps after grow', () => {
    const p = new PageAlloc(g);
    expect(p.peekChunk(C)).toBeUndefined();
    p.grow(chunkBase(g, C), g.pallocChunkBytes);
    expect(p.peekChunk(C)).toBe(p.chunkOf(C));
    // A chunk in another L1 block is still unmapped.
    expect(p.peekChunk(C + g.chunksL2Size)).toBeUndefined();
  });
});

describe('runtime/mpagealloc.go · (*pageAlloc).findMappedAddr @ go1.21', () => {
  // if p.test || mheap_.arenas[ai.l1()] == nil || mheap_.arenas[ai.l1()][ai.l2()] == nil { consult inUse } else { return addr }
  const below = chunkBase(g, C) - g.pallocChunkBytes;
  const above = chunkBase(g, C + 5);
  const grown = (test: boolean, hooks = {}): PageAlloc => {
    const p = new PageAlloc(g, test, hooks);
    p.grow(chunkBase(g, C), g.pallocChunkBytes);
    return p;
  };
  test('outside tests, an address in a mapped arena is returned as is', () => {
    const p = grown(false, { arenaMapped: () => true });
    expect(p.findMappedAddr(new OffAddr(above)).addr()).toBe(above);
  });
  test('in tests, inUse decides even if the arena is mapped', () => {
    const p = grown(true, { arenaMapped: () => true });
    expect(p.findMappedAddr(new OffAddr(below)).addr()).toBe(chunkBase(g, C));
    expect(p.findMappedAddr(new OffAddr(above)).addr()).toBe(g.maxOffAddr);
  });
  test('outside tests, an unmapped arena (no hook: none mapped) falls back to inUse', () => {
    for (const p of [grown(false), grown(false, { arenaMapped: () => false })]) {
      expect(p.findMappedAddr(new OffAddr(below)).addr()).toBe(chunkBase(g, C));
      expect(p.findMappedAddr(new OffAddr(above)).addr()).toBe(g.maxOffAddr);
    }
  });
});

describe('runtime/mpagealloc.go · (*pageAlloc).alloc @ go1.21', () => {
  test('alloc(0) is refused by pageAlloc.alloc', () => {
    const p = newPageAlloc(g, [{ chunk: C }]);
    const e = catchRefusal(() => p.alloc(0));
    expect(e.op).toBe('pageAlloc.alloc');
    expect(e.reason).toBe('npages must be a positive integer, got 0');
  });

  test('searchAddr in chunk p.end (the heap is full): out of memory, searchAddr untouched', () => {
    // if chunkIndex(p.searchAddr.addr()) >= p.end { return 0, 0 }
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    p.searchAddr = new OffAddr(chunkBase(g, C + 1));
    expect(p.alloc(1)).toEqual([0, 0]);
    expect(p.searchAddr.addr()).toBe(chunkBase(g, C + 1));
  });

  test('the fast path moves searchAddr to the first free page the chunk search saw', () => {
    // Pages 0..9 allocated: findSmallN(5, 0) returns (10, newSearchIdx = 10), and
    // p.searchAddr = chunkBase(i) + searchIdx*pageSize, as it is above the old one.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 10 }] }]);
    expect(p.searchAddr.addr()).toBe(chunkBase(g, C));
    expect(p.alloc(5)).toEqual([pageBase(g, C, 10), 0]);
    expect(p.searchAddr.addr()).toBe(pageBase(g, C, 10));
  });

  test('the slow path never lowers searchAddr (if p.searchAddr.lessThan(searchAddr))', () => {
    // C has free pages 300 and 400 only; C+1 is free.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 300 }, { I: 301, N: 99 }, { I: 401, N: 111 }] }, { chunk: C + 1 }]);
    expect(p.alloc(1)[0]).toBe(pageBase(g, C, 300));
    expect(p.searchAddr.addr()).toBe(pageBase(g, C, 300));
    // Two pages: not in C (max 1), so find walks the tree; its firstFree candidate is chunk C's
    // base (C's leaf entry had free pages), below searchAddr: searchAddr stays at page 300.
    expect(p.alloc(2)[0]).toBe(pageBase(g, C + 1, 0));
    expect(p.searchAddr.addr()).toBe(pageBase(g, C, 300));
  });

  test('a leaf summary that promises pages the bitmap lacks: fatal error "bad summary data"', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    setLeafSummary(p, C, 0, 5, 0);
    const e = catchThrow(() => p.alloc(5));
    expect(e.goMessage).toBe('bad summary data');
    expect(e.site).toBe('runtime/mpagealloc.go · (*pageAlloc).alloc');
    // print("runtime: max = ", max, ", npages = ", npages, "\n"); print("runtime: searchIdx = ", ..., ", p.searchAddr = ", hex(...))
    expect(e.detail).toBe(`max = 5, npages = 5, searchIdx = 0, p.searchAddr = ${hex(chunkBase(g, C))}`);
  });
});

describe('runtime/mpagealloc.go · (*pageAlloc).free @ go1.21', () => {
  test('npages 0 is refused by pageAlloc.free', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    const e = catchRefusal(() => p.free(pageBase(g, C, 0), 0));
    expect(e.op).toBe('pageAlloc.free');
    expect(e.reason).toBe('npages must be a positive integer, got 0');
  });

  test('freeing free pages is refused by pageAlloc.free', () => {
    const p = newPageAlloc(g, [{ chunk: C }]);
    const e = catchRefusal(() => p.free(pageBase(g, C, 4), 2));
    expect(e.op).toBe('pageAlloc.free');
    expect(e.reason).toBe(`2 of the 2 pages at ${hex(pageBase(g, C, 4))} are not allocated`);
  });

  test('a range running past the end of grown memory is refused', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    const before = pageAllocFingerprint(p);
    const e = catchRefusal(() => p.free(pageBase(g, C, 511), 2));
    expect(e.op).toBe('pageAlloc.free');
    expect(e.reason).toBe(`[${hex(pageBase(g, C, 511))}, +2 pages) is not inside memory the page allocator has grown`);
    expect(pageAllocFingerprint(p)).toBe(before);
  });

  test('a range reaching into a live page cache is refused, counting only the cache\'s pages', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 64 }] }]);
    const c = p.allocToCache();
    expect(c.base).toBe(pageBase(g, C, 64));
    const before = pageAllocFingerprint(p);
    // Pages 60..67: 60..63 allocated, 64..67 allocated in the bitmap but owned by the cache.
    const e = catchRefusal(() => p.free(pageBase(g, C, 60), 8));
    expect(e.op).toBe('pageAlloc.free');
    expect(e.reason).toBe(`4 of the pages at [${hex(pageBase(g, C, 60))}, +8) are owned by the page cache at ${hex(pageBase(g, C, 64))}`);
    expect(pageAllocFingerprint(p)).toBe(before);
  });
});

describe('runtime/mgcscavenge.go · scavengeOne: if !p.test { sysUnused; stats } @ go1.21', () => {
  test('notifyScavenged calls onScavenged only outside tests', () => {
    const seen: [number, number][] = [];
    const onScavenged = (a: number, n: number): void => void seen.push([a, n]);
    new PageAlloc(g, true, { onScavenged }).notifyScavenged(chunkBase(g, C), 3);
    expect(seen).toEqual([]);
    new PageAlloc(g, false, { onScavenged }).notifyScavenged(chunkBase(g, C), 3);
    expect(seen).toEqual([[chunkBase(g, C), 3]]);
  });
});

describe('runtime/mpagealloc.go · (*pageAlloc).alloc: the fast path reads only the leaf summary of searchAddr\'s chunk @ go1.21', () => {
  // if pallocChunkPages-chunkPageIndex(p.searchAddr.addr()) >= uint(npages) { if max := p.summary[len(p.summary)-1][i].max(); max >= uint(npages) { chunk find, or throw } }
  // Each case corrupts one leaf summary (the parents keep the true, all-allocated state), so which
  // summary alloc reads shows: the fast path throws "bad summary data"; the slow path (find) sees no free page.
  const full = (): PageAlloc => newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }, { chunk: C + 1, alloc: [{ I: 0, N: 512 }] }]);

  test('an exact fit after searchAddr (512 - si == npages) takes the fast path', () => {
    const p = full();
    p.searchAddr = new OffAddr(pageBase(g, C, 507));
    setLeafSummary(p, C, 0, 5, 0);
    const e = catchThrow(() => p.alloc(5));
    expect(e.site).toBe('runtime/mpagealloc.go · (*pageAlloc).alloc');
    expect(e.detail).toBe(`max = 5, npages = 5, searchIdx = 507, p.searchAddr = ${hex(pageBase(g, C, 507))}`);
  });

  test('npages not fitting after searchAddr (512 - si < npages) skips it: find sees nothing free', () => {
    const p = full();
    p.searchAddr = new OffAddr(pageBase(g, C, 510));
    setLeafSummary(p, C, 0, 5, 0);
    expect(p.alloc(5)).toEqual([0, 0]);
    expect(p.searchAddr.addr()).toBe(pageBase(g, C, 510));
  });

  test('the max read is chunk i\'s own summary, not its neighbour\'s', () => {
    const p = full();
    p.searchAddr = new OffAddr(chunkBase(g, C + 1));
    // Chunk C (below searchAddr) claims a 4096-page max: its high bits are in the hi word next to C+1's entry.
    setLeafSummary(p, C, 0, 4096, 0);
    expect(p.alloc(1)).toEqual([0, 0]);
    // alloc(1) failing: if npages == 1 { p.searchAddr = maxOffAddr }
    expect(p.searchAddr.addr()).toBe(g.maxOffAddr);
  });

  test('a fast-path hit returns without find: a root that shows nothing free is not read', () => {
    const p = newPageAlloc(g, [{ chunk: C }]);
    const root = p.summary[0]!;
    const r = Math.floor((chunkBase(g, C) - g.arenaBaseOffset) / g.levelBytes[0]!);
    root.page(r)[root.slot(r)] = 0;
    root.page(r)[root.slot(r) + 1] = 0;
    // (NewPageAlloc clears the chunk's scavenged bits: no scavenged bytes.)
    expect(p.alloc(3)).toEqual([pageBase(g, C, 0), 0]);
  });
});
