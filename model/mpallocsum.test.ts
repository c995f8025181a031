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
