import { describe, expect, test } from 'vitest';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import { defaultGeometry as g } from './geometry.js';
import { fillAligned, findScavengeCandidate } from './mgcscavenge.js';
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
