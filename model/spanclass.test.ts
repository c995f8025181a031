import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { _NumSizeClasses, tinySizeClass } from './sizeclasses.js';
import {
  makeSpanClass,
  manual,
  noscan,
  numSpanClasses,
  sizeclass,
  spanAllocHeap,
  spanAllocPtrScalarBits,
  spanAllocStack,
  spanAllocTypeValue,
  spanAllocTypes,
  spanAllocWorkBuf,
  spanClass,
  tinySpanClass,
} from './spanclass.js';
import { ModelError } from './throw.js';

describe('spanClass', () => {
  test('numSpanClasses is two per size class', () => {
    expect(numSpanClasses).toBe(136);
    expect(numSpanClasses).toBe(2 * _NumSizeClasses);
  });

  test('tinySpanClass is the noscan span class of tinySizeClass', () => {
    expect(tinySpanClass).toBe(5);
    expect(tinySpanClass).toBe(makeSpanClass(tinySizeClass, true));
    expect([sizeclass(tinySpanClass), noscan(tinySpanClass)]).toEqual([tinySizeClass, true]);
  });

  test('makeSpanClass is a bijection from 68 size classes x noscan onto 0..numSpanClasses-1, inverted by sizeclass/noscan', () => {
    const seen = new Set<number>();
    for (let c = 0; c < _NumSizeClasses; c++) {
      for (const ns of [false, true]) {
        const sc = makeSpanClass(c, ns);
        expect(sc).toBeGreaterThanOrEqual(0);
        expect(sc).toBeLessThan(numSpanClasses);
        expect(sizeclass(sc)).toBe(c);
        expect(noscan(sc)).toBe(ns);
        seen.add(sc);
      }
    }
    expect(seen.size).toBe(numSpanClasses);
  });

  prop.prop([fc.integer({ min: 0, max: numSpanClasses - 1 })])('every span class is makeSpanClass(sizeclass(sc), noscan(sc))', (i) => {
    const sc = spanClass(i);
    expect(makeSpanClass(sizeclass(sc), noscan(sc))).toBe(sc);
  });

  test('out-of-range conversions are refused, naming the conversion, the range and the value', () => {
    for (const i of [-1, numSpanClasses, 255, 0.5]) expect(() => spanClass(i)).toThrow(ModelError);
    for (const c of [-1, _NumSizeClasses, 128, 1.5]) expect(() => makeSpanClass(c, false)).toThrow(ModelError);
    expect(() => spanClass(136)).toThrow(new ModelError('spanClass', 'span class must be an integer in [0, 136), got 136'));
    expect(() => makeSpanClass(68, true)).toThrow(new ModelError('makeSpanClass', 'size class must be an integer in [0, 68), got 68'));
  });
});

describe('spanAllocType', () => {
  test("the named constants are Go's names, in Go's iota order", () => {
    expect(spanAllocTypes).toEqual([spanAllocHeap, spanAllocStack, spanAllocPtrScalarBits, spanAllocWorkBuf]);
    expect(spanAllocTypes).toEqual(['spanAllocHeap', 'spanAllocStack', 'spanAllocPtrScalarBits', 'spanAllocWorkBuf']);
    spanAllocTypes.forEach((t, i) => expect(spanAllocTypeValue[t]).toBe(i));
    expect(Object.keys(spanAllocTypeValue).sort()).toEqual([...spanAllocTypes].sort());
  });

  test('manual is false only for spanAllocHeap', () => {
    expect(spanAllocTypes.filter((t) => !manual(t))).toEqual([spanAllocHeap]);
  });
});
