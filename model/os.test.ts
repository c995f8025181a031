import { describe, expect, test } from 'vitest';
import { OSMemory } from './os.js';

// The model's kernel (os.ts): a hint is granted only if its whole range is
// free; no hint places the mapping top-down below mmapTop at physical-page
// granularity (as Linux's mmap does); a reservation past the limit is
// refused; sysFreeOS gives back part or all of one reservation. Expected
// addresses below are worked out by hand from those rules.
const P = 4096;
const top = 0x7f0000000000;

describe('sysReserve', () => {
  test('no hint: top-down from mmapTop (rounded down to a physical page), each below the last', () => {
    const os = new OSMemory(Infinity, top + 123, P);
    expect(os.sysReserve(0, 64 << 20)).toBe(top - (64 << 20));
    expect(os.sysReserve(0, P)).toBe(top - (64 << 20) - P);
    expect(os.reservedBytes).toBe((64 << 20) + P);
    expect(os.calls).toEqual([
      { op: 'sysReserve', v: 0, n: 64 << 20, got: top - (64 << 20) },
      { op: 'sysReserve', v: 0, n: P, got: top - (64 << 20) - P },
    ]);
  });

  test('no hint: the mapping goes below the lowest of the regions it would clash with', () => {
    const os = new OSMemory(Infinity, top, P);
    expect(os.sysReserve(top - 3 * P, 2 * P)).toBe(top - 3 * P); // [top-3P, top-P)
    os.addForeign(top - P, 10); // [top-P, top)
    // [top-2P, top) clashes with both: the next try ends at top-3P.
    expect(os.sysReserve(0, 2 * P)).toBe(top - 5 * P);
    // A gap exactly the size asked for is taken (ranges are half-open).
    const gap = new OSMemory(Infinity, top, P);
    gap.addForeign(top - P, P);
    expect(gap.sysReserve(top - 4 * P, 2 * P)).toBe(top - 4 * P);
    expect(gap.sysReserve(0, P)).toBe(top - 2 * P);
    expect(gap.sysReserve(0, P)).toBe(top - 5 * P);
  });

  test('no hint and no room below mmapTop: 0', () => {
    const os = new OSMemory(Infinity, 4 * P, P);
    expect(os.sysReserve(0, 8 * P)).toBe(0);
    expect(os.sysReserve(0, 3 * P)).toBe(P);
    expect(os.sysReserve(0, P)).toBe(0); // only [0, P) is left, and 0 means failure
    expect(os.reservedBytes).toBe(3 * P);
  });

  test('a hint: granted when the whole range is free, 0 when any of it is taken; adjacent ranges do not clash', () => {
    const os = new OSMemory(Infinity, top, P);
    const a = 0xc000000000;
    expect(os.sysReserve(a, 16 * P)).toBe(a);
    expect(os.sysReserve(a + 16 * P, P)).toBe(a + 16 * P);
    expect(os.sysReserve(a - P, P)).toBe(a - P);
    expect(os.sysReserve(a + 15 * P, 2 * P)).toBe(0);
    expect(os.sysReserve(a - 2 * P, 2 * P)).toBe(0);
    expect(os.sysReserve(a + 4 * P, P)).toBe(0);
    os.addForeign(a + 100 * P, 1); // one physical page
    expect(os.sysReserve(a + 100 * P, P)).toBe(0);
    expect(os.sysReserve(a + 101 * P, P)).toBe(a + 101 * P);
    expect(os.reservedBytes).toBe(19 * P);
  });

  test('the limit: reserving up to it exactly is granted, past it refused', () => {
    const os = new OSMemory(4 * P, top, P);
    expect(os.sysReserve(0, 3 * P)).toBe(top - 3 * P);
    expect(os.sysReserve(0, 2 * P)).toBe(0);
    expect(os.sysReserve(0, P)).toBe(top - 4 * P);
    expect(os.sysReserve(0xc000000000, P)).toBe(0);
    expect(os.reservedBytes).toBe(4 * P);
  });
});

describe('sysFreeOS', () => {
  test('trims a reservation at its start or end, splits it in the middle, removes it whole', () => {
    const os = new OSMemory(Infinity, top, P);
    const a = 0xc000000000;
    os.sysReserve(a, 10 * P);
    os.sysFreeOS(a, P);
    expect(os.reserved).toEqual([{ base: a + P, limit: a + 10 * P }]);
    os.sysFreeOS(a + 9 * P, P);
    expect(os.reserved).toEqual([{ base: a + P, limit: a + 9 * P }]);
    os.sysFreeOS(a + 4 * P, 2 * P);
    expect(os.reserved).toEqual([
      { base: a + P, limit: a + 4 * P },
      { base: a + 6 * P, limit: a + 9 * P },
    ]);
    expect(os.reservedBytes).toBe(6 * P);
    expect([os.isReserved(a + P, a + 4 * P), os.isReserved(a + 3 * P, a + 7 * P), os.isReserved(a + 6 * P, a + 9 * P), os.isReserved(a + 4 * P, a + 5 * P)]).toEqual([true, false, true, false]);
    os.sysFreeOS(a + P, 3 * P);
    expect(os.reserved).toEqual([{ base: a + 6 * P, limit: a + 9 * P }]);
    expect(os.reservedBytes).toBe(3 * P);
    // Freed memory can be reserved again.
    expect(os.sysReserve(a, 6 * P)).toBe(a);
  });

  test('a range in no single reservation changes nothing (but is recorded)', () => {
    const os = new OSMemory(Infinity, top, P);
    const a = 0xc000000000;
    os.sysReserve(a, 2 * P);
    os.sysReserve(a + 2 * P, 2 * P);
    os.sysFreeOS(a + P, 2 * P); // straddles the two
    os.sysFreeOS(a + 8 * P, P);
    expect(os.reserved).toEqual([
      { base: a, limit: a + 2 * P },
      { base: a + 2 * P, limit: a + 4 * P },
    ]);
    expect(os.reservedBytes).toBe(4 * P);
    expect(os.calls.map((c) => c.op)).toEqual(['sysReserve', 'sysReserve', 'sysFreeOS', 'sysFreeOS']);
    expect(os.calls[2]).toEqual({ op: 'sysFreeOS', v: a + P, n: 2 * P, got: 0 });
  });
});

describe('foreign mappings', () => {
  test('mmapAnywhere: rounded up to physical pages, placed top-down; 0 when nothing fits', () => {
    const os = new OSMemory(Infinity, top, P);
    expect(os.mmapAnywhere(P + 1)).toBe(top - 2 * P);
    expect(os.foreign).toEqual([{ base: top - 2 * P, limit: top }]);
    expect(os.sysReserve(0, P)).toBe(top - 3 * P);
    expect(os.reservedBytes).toBe(P);
    const small = new OSMemory(Infinity, 2 * P, P);
    expect(small.mmapAnywhere(4 * P)).toBe(0);
    expect(small.foreign).toEqual([]);
  });

  test('addForeign rounds the end up to a physical page', () => {
    const os = new OSMemory(Infinity, top, P);
    os.addForeign(0xc000000000, P + 1);
    expect(os.foreign).toEqual([{ base: 0xc000000000, limit: 0xc000000000 + 2 * P }]);
    expect(os.isReserved(0xc000000000, 0xc000000000 + P)).toBe(false);
  });
});
