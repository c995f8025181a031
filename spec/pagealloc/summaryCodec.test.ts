import { fc, test as prop } from '@fast-check/vitest';
import { expect, test } from 'vitest';
import { decodeSum } from './summaryCodec.js';

/** Go's packing, as Go writes it, in bigint: start | max<<L | end<<2L, or 1<<63 for all-maxPackedValue. */
function pack(L: number, s: number, m: number, e: number): bigint {
  if (s === 2 ** L && m === 2 ** L && e === 2 ** L) return 1n << 63n;
  return BigInt(s) | (BigInt(m) << BigInt(L)) | (BigInt(e) << BigInt(2 * L));
}

const halves = (v: bigint): [number, number] => [Number(v & 0xffffffffn), Number(v >> 32n)];

test('the all-free summary is bit 63 alone (linux/amd64, L = 21)', () => {
  expect(decodeSum(0, 0x80000000, 21)).toEqual([2 ** 21, 2 ** 21, 2 ** 21]);
});

for (const L of [21, 13, 8, 10]) {
  prop.prop([fc.nat({ max: 2 ** L - 1 }), fc.nat({ max: 2 ** L - 1 }), fc.nat({ max: 2 ** L - 1 })])(`decodes Go's packing for every field value (L = ${L})`, (s, m, e) => {
    const [lo, hi] = halves(pack(L, s, m, e));
    expect(decodeSum(lo, hi, L)).toEqual([s, m, e]);
  });
}
