import { describe, expect, test } from 'vitest';
import { catchRefusal, catchThrow } from '../testing/heap.js';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import { Geometry, defaultGeometry as g, linuxAmd64 } from './geometry.js';
import { fillAligned, findScavengeCandidate, scavenge, scavengeOne } from './mgcscavenge.js';
import { PallocData } from './mpallocbits.js';
import { GoThrow } from './throw.js';

const C = baseChunkIdx(g);
const P = g.pageSize;

describe('fillAligned', () => {
  test("Go's doc example: fillAligned(0x0100a3, 8) == 0xff00ff", () => {
    expect(fillAligned(0x0100a3, 0, 8)).toEqual([0xff00ff, 0]);
  });
  test('m = 64 fills the whole word if any bit is set', () => {
    expect(fillAligned(0, 0x80000000, 64)).toEqual([0xffffffff, 0xffffffff]);
    expect(fillAligned(0, 0, 64)).toEqual([0, 0]);
  });
  test('a bad m throws Go\'s message', () => {
    expect(() => fillAligned(1, 0, 3)).toThrow(GoThrow);
    expect(() => fillAligned(1, 0, 3)).toThrow('fatal error: bad m value');
  });
});

describe('findScavengeCandidate', () => {
  test('min must be a non-zero power of 2 (Go\'s throw, verbatim)', () => {
    const d = new PallocData(512);
    expect(() => findScavengeCandidate(g, d, 511, 3, 3)).toThrow('fatal error: min must be a non-zero power of 2');
    expect(() => findScavengeCandidate(g, d, 511, 0, 3)).toThrow('fatal error: min must be a non-zero power of 2');
    expect(() => findScavengeCandidate(g, d, 511, 128, 128)).toThrow('fatal error: min too large');
  });

  test('searches downward from the hint\'s word: free pages above it are not found', () => {
    const d = new PallocData(512);
    d.allocRange(0, 500);
    expect(findScavengeCandidate(g, d, 100, 1, 512)).toEqual([0, 0]);
    expect(findScavengeCandidate(g, d, 511, 1, 512)).toEqual([500, 12]);
  });

  test('keeps a free, unscavenged huge page whole (2 MiB here: 256 pages)', () => {
    const d = new PallocData(512);
    // Free [200, 512): asking for 10 pages would break the huge page [256, 512); take it whole.
    d.allocRange(0, 200);
    expect(findScavengeCandidate(g, d, 511, 1, 10)).toEqual([256, 256]);
  });
});

describe('scavenge', () => {
  test('releases highest addresses first, in order, until asked', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 100 }] }, { chunk: C + 1, alloc: [{ I: 0, N: 512 }] }]);
    p.free(pageBase(g, C + 1, 500), 12);
    // 12 pages at the top of C+1 go first (the free that raised the cursor).
    expect(p.scavenge(12 * P, true)).toBe(12 * P);
    expect(p.chunkOf(C + 1).scavenged.popcntRange(500, 12)).toBe(12);
    expect(p.chunkOf(C).scavenged.popcntRange(0, 512)).toBe(0);
    // Then everything else that is free: C's [100, 512).
    expect(p.scavenge(Infinity, true)).toBe(412 * P);
    expect(p.scavenge(Infinity, true)).toBe(0);
  });
});

describe('go1.21: a background scavenge can orphan free pages (found by the pagealloc suite)', () => {
  test('page 64 stays free and unscavenged through every later scavenge, forced or not', () => {
    const p = newPageAlloc(g, []);
    p.grow(pageBase(g, C, 0), g.pallocChunkBytes);
    const [a1] = p.alloc(1); // page 0
    p.free(a1, 1); // raises both cursors' sources: freeHWM = page 0
    p.scav.index.nextGen(); // background cursor = page 0
    const c = p.allocToCache(); // pages 0..63 go to a cache
    const [a2] = p.alloc(1); // page 64
    p.free(a2, 1); // page 64: free, unscavenged; the background cursor stays at page 0
    // The background scavenger searches down from page 0's word, finds nothing, and
    // marks the chunk empty "for now" although page 64 is free and unscavenged.
    expect(p.scavenge(P, false)).toBe(0);
    expect(p.scav.index.load(C).isEmpty()).toBe(true);
    // Nothing looks at the chunk again until another free into it.
    expect(p.scavenge(Infinity, true)).toBe(0);
    expect(p.scavenge(Infinity, false)).toBe(0);
    expect(p.chunkOf(C).get(64)).toBe(0);
    expect(p.chunkOf(C).scavenged.get(64)).toBe(0);
    // A free into the chunk makes it visible again.
    c.flush(p);
    expect(p.scavenge(Infinity, true)).toBeGreaterThan(0);
    expect(p.chunkOf(C).scavenged.get(64)).toBe(1);
  });
});

describe('runtime/mgcscavenge.go @ go1.21: throws carry their site and print', () => {
  test('fillAligned: throw("bad m value"), site runtime/mgcscavenge.go · fillAligned', () => {
    const e = catchThrow(() => fillAligned(1, 0, 128));
    expect([e.goMessage, e.site]).toEqual(['bad m value', 'runtime/mgcscavenge.go · fillAligned']);
  });
  test('(*pallocData).findScavengeCandidate: print("runtime: min = ", min) before each throw', () => {
    const d = new PallocData(512);
    const a = catchThrow(() => findScavengeCandidate(g, d, 511, 3, 3));
    expect([a.goMessage, a.site, a.detail]).toEqual(['min must be a non-zero power of 2', 'runtime/mgcscavenge.go · (*pallocData).findScavengeCandidate', 'min = 3']);
    // maxPagesPerPhysPage = maxPhysPageSize / pageSize = 512 KiB / 8 KiB = 64.
    const b = catchThrow(() => findScavengeCandidate(g, d, 511, 128, 128));
    expect([b.goMessage, b.site, b.detail]).toEqual(['min too large', 'runtime/mgcscavenge.go · (*pallocData).findScavengeCandidate', 'min = 128']);
  });
});

describe('runtime/mgcscavenge.go · (*pallocData).findScavengeCandidate @ go1.21: a run that continues into lower words', () => {
  // Go: "for j := i - 1; j >= 0; j-- { x := fillAligned(...); run += LeadingZeros64(x); if x != 0 { break } }":
  // the run stops in the first lower word with any 1 (scavenged or in use), wherever in the word that 1 is.
  test('the run stops in a word whose 1s are all in its low half (pages 64-73 in use)', () => {
    const d = new PallocData(512);
    d.allocRange(0, 512);
    d.free(74, 192 - 74);
    d.free(63, 1); // free, but below the in-use pages 64-73: not part of the run
    // Word 2 (pages 128-191) is free: run 64; word 1 has 54 leading zeros (pages 74-127): run 118, stop.
    expect(findScavengeCandidate(g, d, 511, 1, 512)).toEqual([74, 118]);
  });
  test('the run stops in a word whose 1s are all in its high half (page 100 in use)', () => {
    const d = new PallocData(512);
    d.allocRange(0, 512);
    d.free(101, 192 - 101);
    d.free(64, 100 - 64);
    d.free(63, 1);
    // Word 2 free: run 64; word 1 has 27 leading zeros (pages 101-127) above page 100: run 91, stop.
    expect(findScavengeCandidate(g, d, 511, 1, 512)).toEqual([101, 91]);
  });
});

describe('runtime/mgcscavenge.go · (*pallocData).findScavengeCandidate @ go1.21: huge pages only when physHugePageSize > pageSize && physHugePageSize > physPageSize', () => {
  test('64 KiB system pages and 64 KiB huge pages: no huge page to keep whole, one page is one page', () => {
    const g2 = new Geometry({ ...linuxAmd64, physPageSize: 64 << 10, physHugePageSize: 64 << 10 });
    expect(findScavengeCandidate(g2, new PallocData(512), 511, 1, 1)).toEqual([511, 1]);
  });
  test('4 KiB system pages and 64 KiB huge pages (8 pages): one page widens to its whole free huge page', () => {
    const g4 = new Geometry({ ...linuxAmd64, physPageSize: 4 << 10, physHugePageSize: 64 << 10 });
    // start 511, hugePageAbove = 512 <= end 512; hugePageBelow = 504 >= end - run = 0.
    expect(findScavengeCandidate(g4, new PallocData(512), 511, 1, 1)).toEqual([504, 8]);
  });
});

describe('runtime/mgcscavenge.go · (*pageAlloc).scavengeOne @ go1.21', () => {
  test('maxPages = max / pageSize, plus one if max % pageSize != 0: max = pageSize + 1 byte takes 2 pages', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 500 }] }]);
    // Free [500, 512): the top 2 pages, no huge page boundary crossed (hugePageBelow 256 < end - run 500).
    expect(scavengeOne(p, C, 511, P + 1)).toBe(2 * P);
    expect(p.chunkOf(C).scavenged.popcntRange(500, 12)).toBe(2);
    expect(p.chunkOf(C).scavenged.popcntRange(510, 2)).toBe(2);
  });

  test('the check reads the chunk\'s whole leaf summary: 4096-page chunks, whose max (4096) lies in the summary\'s high word', () => {
    // logPallocChunkPages 12 with 4 levels of 3 bits: logMaxPackedValue = 21, so max occupies bits 21-41 and
    // 4096 = 1 << 12 is bit 33. A free, unscavenged chunk is scavenged whole: 4096 pages.
    const g3 = new Geometry({ ...linuxAmd64, logPallocChunkPages: 12, summaryLevels: 4, summaryLevelBits: 3 });
    const c3 = baseChunkIdx(g3);
    const p = newPageAlloc(g3, [{ chunk: c3, alloc: [] }]);
    expect(scavengeOne(p, c3, 4095, Infinity)).toBe(4096 * g3.pageSize);
  });
});

describe('runtime/mgcscavenge.go · (*pageAlloc).scavenge @ go1.21: nbytes', () => {
  test('nbytes 0 releases nothing ("for released < nbytes" never runs)', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 100 }] }]);
    expect(scavenge(p, 0, true)).toBe(0);
    expect(p.chunkOf(C).scavenged.popcntRange(0, 512)).toBe(0);
  });
  test('the model refuses an nbytes that is not a uintptr (negative, fractional, NaN); Infinity is ^uintptr(0)', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 100 }] }]);
    for (const n of [-1, 1.5, NaN]) {
      expect(catchRefusal(() => scavenge(p, n, true)).message).toBe(`pageAlloc.scavenge: nbytes must be a non-negative integer or Infinity, got ${String(n)}`);
    }
    expect(p.chunkOf(C).scavenged.popcntRange(0, 512)).toBe(0);
    expect(scavenge(p, Infinity, true)).toBe(412 * P);
  });
});
