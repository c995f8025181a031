import { describe, expect, test } from 'vitest';
import { pageAllocFingerprint } from '../spec/pagealloc/modelView.js';
import { chunkBase } from './chunks.js';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import { Geometry, defaultGeometry as g, hex, small } from './geometry.js';
import { PageAlloc } from './mpagealloc.js';
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
