import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { summarizeBits } from '../spec/pagealloc/summary.js';
import { PallocBits, PallocData, findBitRange64, notFound, popcount } from './mpallocbits.js';
import { u64Hi, u64Lo } from './sys.js';

const pages = 512;

/** A bitmap with the given allocated ranges [start, n). */
function bits(...used: [number, number][]): PallocBits {
  const b = new PallocBits(pages);
  for (const [i, n] of used) b.allocRange(i, n);
  return b;
}

/** Obvious first fit over the bitmap, starting at searchIdx's 64-page word (find's hint is word-granular). */
function naiveFind(b: PallocBits, npages: number, searchIdx: number): number {
  let run = 0;
  for (let i = searchIdx - (searchIdx % 64); i < pages; i++) {
    run = b.get(i) === 0 ? run + 1 : 0;
    if (run === npages) return i - npages + 1;
  }
  return notFound;
}

/** Allocated ranges, as random runs: the shapes the search algorithms care about. */
const ranges = fc.array(fc.tuple(fc.nat(pages - 1), fc.integer({ min: 1, max: 200 })).map(([i, n]): [number, number] => [i, Math.min(n, pages - i)]), { maxLength: 12 });

describe('pallocBits.find', () => {
  // Named cases, as Go's tests name theirs.
  const cases: { name: string; used: [number, number][]; npages: number; searchIdx: number; want: number; wantSearchIdx?: number }[] = [
    { name: 'AllFree1', used: [], npages: 1, searchIdx: 0, want: 0, wantSearchIdx: 0 },
    { name: 'WordGranularHint', used: [[1, 200]], npages: 1, searchIdx: 5, want: 0, wantSearchIdx: 0 },
    { name: 'AcrossWordBoundary2', used: [[0, 63], [65, 100]], npages: 2, searchIdx: 0, want: 63, wantSearchIdx: 63 },
    { name: 'AcrossWordBoundary64', used: [[0, 32], [96, 416]], npages: 64, searchIdx: 0, want: 32, wantSearchIdx: 32 },
    { name: 'InteriorRunSkipsEdges', used: [[0, 10], [13, 50], [64, 448]], npages: 3, searchIdx: 0, want: 10, wantSearchIdx: 10 },
    { name: 'Large65AtChunkEnd', used: [[0, 447]], npages: 65, searchIdx: 0, want: 447, wantSearchIdx: 447 },
    { name: 'Large65TooBig', used: [[0, 448]], npages: 65, searchIdx: 0, want: notFound },
    { name: 'LargeSpansThreeWords', used: [[0, 60], [200, 312]], npages: 140, searchIdx: 0, want: 60, wantSearchIdx: 60 },
    { name: 'WholeChunk', used: [], npages: 512, searchIdx: 0, want: 0, wantSearchIdx: 0 },
    { name: 'NoneFree', used: [[0, 512]], npages: 1, searchIdx: 0, want: notFound },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [j, s] = bits(...c.used).find(c.npages, c.searchIdx);
      expect(j).toBe(c.want);
      if (c.wantSearchIdx !== undefined) expect(s).toBe(c.wantSearchIdx);
    });
  }

  prop.prop([ranges, fc.integer({ min: 1, max: 600 }), fc.nat(pages - 1)])('is first fit from the hint\'s word', (used, npages, searchIdx) => {
    const b = bits(...used);
    const [j, s] = b.find(npages, searchIdx);
    expect(j).toBe(naiveFind(b, npages, searchIdx));
    // The second result is the first free page seen (when there is a free page in range).
    if (j !== notFound) expect(s).toBe(naiveFind(b, 1, searchIdx));
  });
});

describe('pallocBits.summarize', () => {
  const cases: { name: string; used: [number, number][]; want: [number, number, number] }[] = [
    { name: 'AllFree', used: [], want: [512, 512, 512] },
    { name: 'NoneFree', used: [[0, 512]], want: [0, 0, 0] },
    { name: 'FirstPageUsed', used: [[0, 1]], want: [0, 511, 511] },
    { name: 'LastPageUsed', used: [[511, 1]], want: [511, 511, 0] },
    { name: 'RunInsideOneWord', used: [[0, 70], [75, 437]], want: [0, 5, 0] },
    { name: 'RunAcrossWords', used: [[0, 60], [130, 382]], want: [0, 70, 0] },
  ];
  for (const c of cases) test(c.name, () => expect(bits(...c.used).summarize()).toEqual(c.want));

  // summarize's in-word search removes max zeros from every zero run in steps of 1, 2, 4, ...
  // pages: a run inside a 32-page word with free pages above it (part of an end run that sets max)
  // is filled at one step or another; every such shape, against the spec.
  test('FilledAtLastShift: free pages 1-8 and 20-31 of a chunk otherwise in use', () => {
    expect(bits([0, 1], [9, 11], [32, 480]).summarize()).toEqual([0, 12, 0]);
  });
  test('every interior run of a word under a free top, against the spec', () => {
    const bad: string[] = [];
    for (let t = 3; t <= 32; t++) {
      for (let len = 1; len <= t - 2; len++) {
        for (let a = 1; a + len <= t - 1; a++) {
          // Pages [a, a+len) and [t, 32) of word 0 free; everything else in use.
          const b = bits([0, a], [a + len, t - a - len], [32, pages - 32]);
          const want = summarizeBits(pages, (i) => b.get(i));
          if (JSON.stringify(b.summarize()) !== JSON.stringify(want)) bad.push(`run [${a}, ${a + len}) under free [${t}, 32): ${JSON.stringify(b.summarize())}, want ${JSON.stringify(want)}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  prop.prop([ranges])('equals the obvious summary', (used) => {
    const b = bits(...used);
    expect(b.summarize()).toEqual(summarizeBits(pages, (i) => b.get(i)));
  });
});

describe('pageBits ranges', () => {
  prop.prop([ranges, fc.nat(pages - 1), fc.integer({ min: 1, max: 512 })])('popcntRange counts, clearRange clears exactly the range', (used, i, n0) => {
    const n = Math.min(n0, pages - i);
    const b = bits(...used);
    let want = 0;
    for (let k = i; k < i + n; k++) want += b.get(k);
    expect(b.popcntRange(i, n)).toBe(want);
    const before = [...Array(pages).keys()].map((k) => b.get(k));
    b.free(i, n);
    for (let k = 0; k < pages; k++) expect(b.get(k)).toBe(k >= i && k < i + n ? 0 : before[k]);
  });

  test('pallocData.allocRange clears scavenged bits under the range only', () => {
    const d = new PallocData(pages);
    d.scavenged.setRange(0, 512);
    d.allocRange(100, 30);
    expect(d.scavenged.popcntRange(0, 512)).toBe(482);
    expect(d.scavenged.popcntRange(100, 30)).toBe(0);
    expect(d.popcntRange(100, 30)).toBe(30);
  });
});

describe('findBitRange64', () => {
  const naive = (x: bigint, n: number): number => {
    let run = 0;
    for (let i = 0; i < 64; i++) {
      run = (x >> BigInt(i)) & 1n ? run + 1 : 0;
      if (run === n) return i - n + 1;
    }
    return 64;
  };
  prop.prop([fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 1, max: 64 })])('finds the first run of n ones', (x, n) => {
    const got = findBitRange64(u64Lo(x), u64Hi(x), n);
    const want = naive(x, n);
    if (want === 64) expect(got).toBeGreaterThanOrEqual(64);
    else expect(got).toBe(want);
  });
});

// Go's pageBits is [pallocChunkPages/64]uint64: set(i) is b[i/64] |= 1 << (i%64),
// and its words are what Go's tests compare (popcount is the sum of OnesCount64).
describe('pageBits as Go words', () => {
  test('set(i) sets bit i%64 of word i/64, and nothing else', () => {
    const b = new PallocBits(pages);
    for (const i of [0, 63, 64, 100, 511]) b.set(i);
    expect(b.toWords()).toEqual([1n | (1n << 63n), 1n | (1n << 36n), 0n, 0n, 0n, 0n, 0n, 1n << 63n]);
    for (let i = 0; i < pages; i++) expect([i, b.get(i)]).toEqual([i, [0, 63, 64, 100, 511].includes(i) ? 1 : 0]);
  });

  test('setWords writes Go words, toWords reads them back, popcount counts their ones', () => {
    const words = [0xffffffffffffffffn, 0n, 0x8000000000000001n, 0x00000000ffffffffn, 0xffffffff00000000n, 5n, 0n, 1n << 62n];
    const b = new PallocBits(pages);
    b.setWords(words);
    expect(b.toWords()).toEqual(words);
    expect(popcount(b)).toBe(64 + 0 + 2 + 32 + 32 + 2 + 0 + 1);
    expect([b.get(128), b.get(129), b.get(191), b.get(192 + 31), b.get(192 + 32), b.get(256 + 32), b.get(448 + 62)]).toEqual([1, 0, 1, 1, 0, 1, 1]);
  });
});

// A chunk nobody wrote reads as Go's zero value: no page allocated, none scavenged.
describe('pallocData.isZero', () => {
  test('true for a fresh chunk, false once a page is allocated or scavenged, true again once both are undone', () => {
    const d = new PallocData(pages);
    expect(d.isZero()).toBe(true);
    d.allocRange(511, 1);
    expect(d.isZero()).toBe(false);
    d.free(511, 1);
    expect(d.isZero()).toBe(true);
    d.scavenged.setRange(0, 1);
    expect(d.isZero()).toBe(false);
    d.scavenged.clearRange(0, 1);
    expect(d.isZero()).toBe(true);
  });
});
