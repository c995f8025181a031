import { describe, expect, test } from 'vitest';
import { GCBits, newAllocBits, newMarkBits } from './gcbits.js';

describe('gcBits', () => {
  // runtime/mheap.go @ go1.21 · newMarkBits: (nelems + 63) / 64 uint64 blocks, 8 bytes each.
  test('newMarkBits and newAllocBits take whole uint64s: ceil(nelems / 64) * 8 bytes, zeroed', () => {
    for (const [nelems, bytes] of [
      [1, 8],
      [64, 8],
      [65, 16],
      [170, 24],
      [1024, 128],
    ] as const) {
      const m = newMarkBits(nelems);
      const a = newAllocBits(nelems);
      expect([m.bytes.length, a.bytes.length]).toEqual([bytes, bytes]);
      expect([m.bytes.every((b) => b === 0), a.bytes.every((b) => b === 0)]).toEqual([true, true]);
      expect([m.nelems, a.nelems]).toEqual([nelems, nelems]);
    }
  });

  test('set and isSet address bit n as byte n/8, bit n%8 (gcBits.bitp)', () => {
    const b = new GCBits(170);
    b.set(0);
    b.set(9);
    b.set(169);
    expect([...b.bytes.slice(0, 2)]).toEqual([0b1, 0b10]);
    expect(b.bytes[21]).toBe(0b10);
    expect([0, 1, 8, 9, 168, 169].map((i) => b.isSet(i))).toEqual([true, false, false, true, false, true]);
  });

  test('count(n) counts the set bits among the first n, bit n itself excluded; by default the first nelems', () => {
    const b = new GCBits(10);
    b.set(2);
    b.set(4);
    expect([b.count(0), b.count(2), b.count(3), b.count(4), b.count(5), b.count()]).toEqual([0, 0, 1, 1, 2, 2]);
  });
});
