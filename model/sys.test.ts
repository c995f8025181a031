import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { hexWord, leadingZeros64, maskHi, maskLo, onesCount64, shlHi, shlLo, shrHi, shrLo, toU64, trailingZeros64, u64Hi, u64Lo } from './sys.js';

// The reference: bigint arithmetic on the same 64-bit value.
const M = (1n << 64n) - 1n;
const tz = (x: bigint): number => (x === 0n ? 64 : x.toString(2).length - x.toString(2).lastIndexOf('1') - 1);
const lz = (x: bigint): number => (x === 0n ? 64 : 64 - x.toString(2).length);
const pop = (x: bigint): number => [...x.toString(2)].filter((c) => c === '1').length;

// Words with runs and edges, not just uniform noise.
const word = fc.oneof(fc.bigInt({ min: 0n, max: M }), fc.constantFrom(0n, 1n, M, 1n << 63n, 0xffffffffn, 0xffffffffn << 32n), fc.tuple(fc.nat(63), fc.integer({ min: 1, max: 64 })).map(([s, n]) => (((1n << BigInt(n)) - 1n) << BigInt(s)) & M));

describe('sys on (lo, hi) halves equals 64-bit arithmetic', () => {
  prop.prop([word])('TrailingZeros64, LeadingZeros64, OnesCount64', (x) => {
    expect(trailingZeros64(u64Lo(x), u64Hi(x))).toBe(tz(x));
    expect(leadingZeros64(u64Lo(x), u64Hi(x))).toBe(lz(x));
    expect(onesCount64(u64Lo(x), u64Hi(x))).toBe(pop(x));
  });

  prop.prop([word, fc.nat(63)])('x >> s and x << s', (x, s) => {
    expect(toU64(shrLo(u64Lo(x), u64Hi(x), s), shrHi(u64Hi(x), s))).toBe(x >> BigInt(s));
    expect(toU64(shlLo(u64Lo(x), s), shlHi(u64Lo(x), u64Hi(x), s))).toBe((x << BigInt(s)) & M);
  });

  prop.prop([fc.nat(63).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 1, max: 64 - s })))])('((1 << n) - 1) << s', ([s, n]) => {
    expect(toU64(maskLo(s, n), maskHi(s, n))).toBe(((1n << BigInt(n)) - 1n) << BigInt(s));
  });
});

// Every shift count, not a sample: the 32-bit halves change code path at s = 0, 32 and above.
describe('sys shifts at every count', () => {
  test('x >> s and x << s for s = 0..63, on words with both halves set', () => {
    const bad: string[] = [];
    // The last: a low half with bits the high half lacks (and the reverse), so
    // that mixing up the halves at s = 32 shows.
    for (const x of [0x8000000180000001n, 0xfedcba9876543210n, M, 0x0123456789abcdefn]) {
      const lo = u64Lo(x);
      const hi = u64Hi(x);
      for (let s = 0; s < 64; s++) {
        const r = x >> BigInt(s);
        const l = (x << BigInt(s)) & M;
        if (toU64(shrLo(lo, hi, s), shrHi(hi, s)) !== r) bad.push(`${x} >> ${s}`);
        if (toU64(shlLo(lo, s), shlHi(lo, hi, s)) !== l) bad.push(`${x} << ${s}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test("hexWord is Go's %#016x: 0x and 16 lowercase hex digits", () => {
    expect(hexWord(0xdeadbeefn)).toBe('0x00000000deadbeef');
    expect(hexWord(0n)).toBe('0x0000000000000000');
    expect(hexWord(-1n)).toBe('0xffffffffffffffff');
  });
});
