import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { combine } from '../spec/pagealloc/summary.js';
import { Geometry, defaultGeometry, small } from './geometry.js';
import { SumCodec, mergeSummaries, newSum3Out } from './mpallocsum.js';
import { u64Hi, u64Lo } from './sys.js';

const c = new SumCodec(defaultGeometry);

describe('packPallocSum', () => {
  test('packs start, max, end at bits 0, 21, 42 (linux/amd64)', () => {
    expect(c.pack(1, 2, 3)).toBe(1n | (2n << 21n) | (3n << 42n));
    // freeChunkSum: 512 in all three fields.
    expect(c.pack(512, 512, 512)).toBe(512n | (512n << 21n) | (512n << 42n));
    expect(c.pack(0, 0, 0)).toBe(0n);
  });

  test('max == maxPackedValue (2^21) is bit 63 alone, and unpacks to three 2^21', () => {
    expect(c.pack(1 << 21, 1 << 21, 1 << 21)).toBe(1n << 63n);
    expect(c.unpackU64(1n << 63n)).toEqual([1 << 21, 1 << 21, 1 << 21]);
  });

  prop.prop([fc.nat((1 << 21) - 1), fc.nat((1 << 21) - 1), fc.nat((1 << 21) - 1)])('unpack(pack(s, m, e)) = (s, m, e)', (s, m, e) => {
    const p = c.pack(s, m, e);
    expect(c.unpackU64(p)).toEqual([s, m, e]);
    expect(c.start(u64Lo(p), u64Hi(p))).toBe(s);
    expect(c.max(u64Lo(p), u64Hi(p))).toBe(m);
    expect(c.end(u64Lo(p), u64Hi(p))).toBe(e);
  });

  test('a small geometry packs 10-bit fields', () => {
    const sc = new SumCodec(new Geometry(small));
    expect(sc.L).toBe(10);
    expect(sc.pack(5, 6, 7)).toBe(5n | (6n << 10n) | (7n << 20n));
  });
});

describe('mergeSummaries', () => {
  // Children of 512 pages: any (start, max, end) a 512-page bitmap can have.
  const child = fc
    .tuple(fc.nat(512), fc.nat(512), fc.nat(512))
    .map(([a, b, x]): [number, number, number] => {
      if (a === 512) return [512, 512, 512];
      const start = a;
      const end = Math.min(x, 511 - start);
      const max = Math.max(start, end, Math.min(b, 512 - start - end - 1));
      return [start, max, end];
    });

  prop.prop([fc.array(child, { minLength: 8, maxLength: 8 })])('equals the spec\'s combination of children', (sums) => {
    const mem = new Uint32Array(16);
    sums.forEach(([s, m, e], i) => {
      mem[2 * i] = c.packLo(s, m, e);
      mem[2 * i + 1] = c.packHi(s, m, e);
    });
    const out = newSum3Out();
    mergeSummaries(c, mem, 0, 8, 512, out);
    expect([...out]).toEqual(combine(sums, 512));
  });
});

// Every field width the Geometry admits: logMaxPackedValue L = logPallocChunkPages
// + (summaryLevels - 1) * summaryLevelBits, from 6 to 21 (3L <= 63). The packing
// changes shape at the 32-bit halves: end starts in lo (L < 16), at bit 32 (L = 16)
// or in hi (L > 16); end straddles them for L = 11..15, max for L >= 17.
function geometryWithL(L: number): Geometry {
  for (let lc = 6; lc <= 12; lc++) {
    for (let bits = 1; bits <= 6; bits++) {
      const r = L - lc;
      if (r < 0 || r % bits !== 0 || r / bits + 1 > 8) continue;
      const heapAddrBits = 13 + lc + r + 1;
      return new Geometry({ ...small, logPallocChunkPages: lc, summaryLevels: r / bits + 1, summaryLevelBits: bits, heapAddrBits, logHeapArenaBytes: 13 + lc });
    }
  }
  throw new Error(`no geometry with L = ${L}`);
}
const widths = [...Array(16).keys()].map((i) => i + 6);

/**
 * Go's packPallocSum and pallocSum.unpack (runtime/mpagealloc.go @ go1.21) for
 * logMaxPackedValue L, on uint64s: each field masked with maxPackedValue - 1,
 * start at bit 0, max at L, end at 2L; max == maxPackedValue is 1 << 63 alone.
 */
function goPack(L: number, start: number, max: number, end: number): bigint {
  const mpv = 1n << BigInt(L);
  if (BigInt(max) === mpv) return 1n << 63n;
  return (BigInt(start) & (mpv - 1n)) | ((BigInt(max) & (mpv - 1n)) << BigInt(L)) | ((BigInt(end) & (mpv - 1n)) << BigInt(2 * L));
}
function goUnpack(L: number, p: bigint): [number, number, number] {
  const mpv = 1n << BigInt(L);
  if (p & (1n << 63n)) return [Number(mpv), Number(mpv), Number(mpv)];
  return [Number(p & (mpv - 1n)), Number((p >> BigInt(L)) & (mpv - 1n)), Number((p >> BigInt(2 * L)) & (mpv - 1n))];
}

describe('packPallocSum and unpack at every field width, against Go\'s uint64 definitions', () => {
  test('the widths are all there', () => {
    expect(widths.map((L) => geometryWithL(L).logMaxPackedValue)).toEqual(widths);
  });

  for (const L of widths) {
    test(`L = ${L}`, () => {
      const sc = new SumCodec(geometryWithL(L));
      const mpv = 2 ** L;
      // Fields below 2^L, plus values Go masks (up to 2^(L+1)), plus max == maxPackedValue with any start and end.
      const field = fc.oneof(fc.nat(mpv - 1), fc.constantFrom(0, 1, mpv - 1, mpv >>> 1), fc.nat(2 * mpv - 1));
      const maxField = fc.oneof(field, fc.constant(mpv));
      fc.assert(
        fc.property(field, maxField, field, (s, m, e) => {
          const want = goPack(L, s, m, e);
          const lo = c32(want);
          const hi = Number(want >> 32n);
          expect([sc.packLo(s, m, e), sc.packHi(s, m, e)]).toEqual([lo, hi]);
          expect(sc.pack(s, m, e)).toBe(want);
          expect([sc.start(lo, hi), sc.max(lo, hi), sc.end(lo, hi)]).toEqual(goUnpack(L, want));
          expect(sc.unpackU64(want)).toEqual(goUnpack(L, want));
        }),
        { seed: L, numRuns: 200 },
      );
      // Every bit of each field, alone: a field that lands in the wrong half loses it.
      for (let b = 0; b < L; b++) {
        for (const [s, m, e] of [[2 ** b, 0, 0], [0, 2 ** b, 0], [0, 0, 2 ** b]] as const) {
          const want = goPack(L, s, m, e);
          expect(toU(sc.packLo(s, m, e), sc.packHi(s, m, e)), `L=${L} pack(${s}, ${m}, ${e})`).toBe(want);
          expect(sc.unpack(c32(want), Number(want >> 32n)), `L=${L} unpack(${want})`).toEqual([s, m, e]);
        }
      }
    });
  }

  test('max == maxPackedValue packs as bit 63 alone, whatever start and end are (Go tests max only)', () => {
    expect(c.pack(5, 1 << 21, 7)).toBe(1n << 63n);
    expect(c.pack(0, 1 << 21, 0)).toBe(1n << 63n);
    expect([c.packLo(3, 1 << 21, 1), c.packHi(3, 1 << 21, 1)]).toEqual([0, 0x80000000]);
  });
});

const c32 = (x: bigint): number => Number(x & 0xffffffffn);
const toU = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

describe('mergeSummaries at every field width', () => {
  /** Any summary a bitmap of full pages can have: [full, full, full] when wholly free. */
  const childOf = (full: number) =>
    fc.tuple(fc.oneof(fc.nat(full), fc.constant(full)), fc.nat(full), fc.oneof(fc.nat(full), fc.constant(full - 1))).map(([a, b, x]): [number, number, number] => {
      if (a === full) return [full, full, full];
      const start = a;
      const end = Math.min(x, full - 1 - start);
      const max = Math.max(start, end, Math.min(b, full - start - end - 1));
      return [start, max, end];
    });

  for (const L of widths) {
    test(`L = ${L}: equals the spec's combination, children of up to maxPackedValue pages (which pack as the flag)`, () => {
      const sc = new SumCodec(geometryWithL(L));
      for (const full of [2 ** L, 2 ** (L - 1), 2 ** (L - 3)]) {
        fc.assert(
          fc.property(fc.array(childOf(full), { minLength: 1, maxLength: 8 }), (sums) => {
            const mem = new Uint32Array(2 * sums.length + 4);
            // Entries from 2 on: `first` is honoured.
            sums.forEach(([s, m, e], i) => {
              mem[4 + 2 * i] = sc.packLo(s, m, e);
              mem[4 + 2 * i + 1] = sc.packHi(s, m, e);
            });
            const out = newSum3Out();
            mergeSummaries(sc, mem, 2, sums.length, full, out);
            expect([...out]).toEqual(combine(sums, full));
          }),
          { seed: L, numRuns: 60 },
        );
      }
    });
  }
});
