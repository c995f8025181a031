import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  _MaxSmallSize,
  _NumSizeClasses,
  _PageShift,
  _PageSize,
  class_to_allocnpages,
  class_to_divmagic,
  class_to_size,
  divRoundUp,
  largeSizeDiv,
  maxObjsPerSpan,
  maxSmallSize,
  maxTinySize,
  roundupsize,
  size_to_class128,
  size_to_class8,
  sizeToClass,
  smallSizeDiv,
  smallSizeMax,
  tinySizeClass,
} from './sizeclasses.js';
import { ModelError } from './throw.js';

/** The real size classes, 1.._NumSizeClasses-1 (class 0 is "large object"). */
const classes = Array.from({ length: _NumSizeClasses - 1 }, (_, i) => i + 1);
const size = (c: number): number => class_to_size[c]!;
const spanBytes = (c: number): number => class_to_allocnpages[c]! * _PageSize;
const nelems = (c: number): number => Math.floor(spanBytes(c) / size(c));

/** Obvious reference: the smallest class whose objects hold size bytes. */
function smallestFit(n: number): number {
  return classes.find((c) => size(c) >= n) ?? -1;
}

describe('constants', () => {
  test('page size and small-object bounds', () => {
    expect(_PageSize).toBe(8192);
    expect(2 ** _PageShift).toBe(_PageSize);
    expect(maxSmallSize).toBe(_MaxSmallSize);
    expect(size(_NumSizeClasses - 1)).toBe(_MaxSmallSize);
  });

  test('the tiny size class holds maxTinySize bytes (mallocinit: "bad TinySizeClass")', () => {
    expect(size(tinySizeClass)).toBe(maxTinySize);
  });

  test('class 0 is no class: size 0, no pages, no divMul', () => {
    expect([class_to_size[0], class_to_allocnpages[0], class_to_divmagic[0]]).toEqual([0, 0, 0]);
  });
});

describe('table shapes (Go array lengths and element types)', () => {
  test('lengths', () => {
    expect(class_to_size).toHaveLength(_NumSizeClasses);
    expect(class_to_allocnpages).toHaveLength(_NumSizeClasses);
    expect(class_to_divmagic).toHaveLength(_NumSizeClasses);
    expect(size_to_class8).toHaveLength(smallSizeMax / smallSizeDiv + 1);
    expect(size_to_class128).toHaveLength((_MaxSmallSize - smallSizeMax) / largeSizeDiv + 1);
  });

  test('entries fit their Go element types', () => {
    const fits = (t: readonly number[], bits: number): boolean => t.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** bits);
    expect(fits(class_to_size, 16)).toBe(true);
    expect(fits(class_to_allocnpages, 8)).toBe(true);
    expect(fits(class_to_divmagic, 32)).toBe(true);
    expect([...size_to_class8, ...size_to_class128].every((c) => Number.isInteger(c) && c >= 0 && c < _NumSizeClasses)).toBe(true);
  });

  test('the tables are frozen', () => {
    expect(Object.isFrozen(class_to_size) && Object.isFrozen(class_to_allocnpages) && Object.isFrozen(class_to_divmagic)).toBe(true);
    expect(Object.isFrozen(size_to_class8) && Object.isFrozen(size_to_class128)).toBe(true);
  });
});

describe('class_to_size and class_to_allocnpages', () => {
  test('sizes strictly increase', () => {
    for (const c of classes) expect(size(c)).toBeGreaterThan(size(c - 1));
  });

  test('sizes are 8-byte multiples, and largeSizeDiv multiples above smallSizeMax (else size_to_class128 could not be exact)', () => {
    for (const c of classes) {
      expect(size(c) % smallSizeDiv).toBe(0);
      if (size(c) > smallSizeMax) expect(size(c) % largeSizeDiv).toBe(0);
    }
  });

  test('every span holds at least one object and at most maxObjsPerSpan', () => {
    for (const c of classes) {
      expect(spanBytes(c)).toBeGreaterThanOrEqual(size(c));
      expect(nelems(c)).toBeGreaterThanOrEqual(1);
      expect(nelems(c)).toBeLessThanOrEqual(maxObjsPerSpan);
    }
    expect(Math.max(...classes.map(nelems))).toBe(maxObjsPerSpan);
  });

  test("tail waste is at most 1/8 of the span (mksizeclasses.go's bound)", () => {
    for (const c of classes) expect(spanBytes(c) % size(c)).toBeLessThanOrEqual(spanBytes(c) / 8);
  });
});

describe('class_to_divmagic', () => {
  test("equals Go's formula ^uint32(0)/size + 1", () => {
    for (const c of classes) expect(BigInt(class_to_divmagic[c]!)).toBe(0xffff_ffffn / BigInt(size(c)) + 1n);
  });

  test('(n*size)*divMul >> 32 == n for every object index n < nelems', () => {
    for (const c of classes) {
      const m = BigInt(class_to_divmagic[c]!);
      for (let n = 0; n < nelems(c); n++) {
        if ((BigInt(n * size(c)) * m) >> 32n !== BigInt(n)) expect.fail(`class ${c} n=${n}`);
      }
    }
  });

  test('offset*divMul >> 32 == offset/size for every byte offset in the span (how objIndex uses it)', () => {
    for (const c of classes) {
      const m = class_to_divmagic[c]!;
      // offset*m < 2^17 * 2^32: exact in a double.
      for (let off = 0; off < spanBytes(c); off++) {
        if (Math.floor((off * m) / 2 ** 32) !== Math.floor(off / size(c))) expect.fail(`class ${c} offset=${off}`);
      }
    }
  });
});

describe('sizeToClass (mallocgc) and roundupsize', () => {
  test('every size 1..maxSmallSize maps to the smallest class that holds it', () => {
    let c = 1;
    for (let n = 1; n <= maxSmallSize; n++) {
      while (size(c) < n) c++; // the smallest fit, walked incrementally
      if (sizeToClass(n) !== c) expect.fail(`size ${n}: got class ${sizeToClass(n)}, want ${c}`);
    }
  });

  test('size 0 gives class 0 and roundupsize 0', () => {
    expect(sizeToClass(0)).toBe(0);
    expect(roundupsize(0)).toBe(0);
  });

  prop.prop([fc.integer({ min: 1, max: maxSmallSize })])('sizeToClass agrees with the obvious smallest-fit search', (n) => {
    expect(sizeToClass(n)).toBe(smallestFit(n));
  });

  prop.prop([fc.integer({ min: 1, max: maxSmallSize })])('roundupsize of a small size is its smallest fitting class size', (n) => {
    expect(roundupsize(n)).toBe(size(smallestFit(n)));
  });

  prop.prop([fc.integer({ min: maxSmallSize, max: Number.MAX_SAFE_INTEGER })])('roundupsize of a large size is the next page multiple', (n) => {
    const r = roundupsize(n);
    expect(r % _PageSize).toBe(0);
    expect(r).toBeGreaterThanOrEqual(n);
    expect(r - n).toBeLessThan(_PageSize);
  });

  test('roundupsize is monotone and idempotent across the small/large boundary', () => {
    for (const n of [_MaxSmallSize - 1, _MaxSmallSize, _MaxSmallSize + 1, _MaxSmallSize + _PageSize]) {
      expect(roundupsize(roundupsize(n))).toBe(roundupsize(n));
      expect(roundupsize(n + 1)).toBeGreaterThanOrEqual(roundupsize(n));
    }
  });

  test('out-of-range sizes are refused', () => {
    for (const n of [-1, 1.5, maxSmallSize + 1, Number.NaN]) expect(() => sizeToClass(n)).toThrow(ModelError);
    for (const n of [-1, 0.5, 2 ** 53]) expect(() => roundupsize(n)).toThrow(ModelError);
    // Each by the function asked, with what was wrong.
    expect(() => sizeToClass(-1)).toThrow('sizeToClass: size must be an integer in [0, 32768], got -1');
    expect(() => roundupsize(-1)).toThrow('roundupsize: size must be a non-negative integer, got -1');
  });
});

describe('divRoundUp', () => {
  prop.prop([fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 12 })])('is the ceiling of n/a', (n, a) => {
    const q = divRoundUp(n, a);
    expect(q * a).toBeGreaterThanOrEqual(n);
    expect((q - 1) * a).toBeLessThan(n);
  });
});
