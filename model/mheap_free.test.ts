// runtime/mheap.go @ go1.21 · (*mheap).freeSpan, freeManual,
// freeSpanLocked: the model's refusals (by op and reason), Go's throws
// (site and detail), and a span initialized without allocSpan (no
// allocation type on record) freed like any other.

import { describe, expect, test } from 'vitest';
import { catchRefusal, catchThrow, image } from '../testing/heap.js';
import { hex } from './geometry.js';
import { gcMarkTermination, gcStart } from './mgc.js';
import { MHeap } from './mheap.js';
import type { SpanAllocType } from './spanclass.js';
import { makeSpanClass, spanAllocHeap, spanAllocStack, spanAllocWorkBuf } from './spanclass.js';

const heapClass = makeSpanClass(0, true);

describe('runtime/mheap.go · freeSpan and freeManual: the model\'s refusals @ go1.21', () => {
  test('freeManual refuses what is not a spanAllocType, changing nothing', () => {
    const h = new MHeap({});
    const s = h.allocManual(1, spanAllocStack, h.p(0))!;
    const before = image(h);
    const e = catchRefusal(() => h.freeManual(s, 'spanAllocBogus' as SpanAllocType, h.p(0)));
    expect([e.op, e.reason]).toEqual(['mheap.freeManual', 'spanAllocBogus is not a spanAllocType']);
    expect(image(h)).toBe(before);
  });

  test('freeSpan refuses a span of another heap, changing nothing', () => {
    const other = new MHeap({});
    const s = other.alloc(1, heapClass, other.p(0))!;
    const h = new MHeap({});
    h.alloc(1, heapClass, h.p(0));
    const before = image(h);
    const e = catchRefusal(() => h.freeSpan(s, h.p(0)));
    expect([e.op, e.reason]).toEqual(['mheap.freeSpan', "the span is not one of this heap's spans"]);
    expect(image(h)).toBe(before);
  });

  test('freeManual with another allocation type than the span had: the reason names both', () => {
    const h = new MHeap({});
    const s = h.allocManual(2, spanAllocWorkBuf, h.p(0))!;
    const e = catchRefusal(() => h.freeManual(s, spanAllocStack, h.p(0)));
    expect([e.op, e.reason]).toEqual([
      'mheap.freeManual',
      `span ${hex(s.base())} was allocated as spanAllocWorkBuf, not spanAllocStack: freeSpanLocked would account it as the wrong kind of memory`,
    ]);
  });

  test('a span published by initSpan alone (no allocation type on record) is not refused: Go\'s own accounting check fires, heapInUse underflows', () => {
    // initSpan does not count the span in heapInUse (allocSpan does), so freeSpanLocked's gcController.heapInUse.add(-nbytes)
    // takes it below zero: mstats.go · sysMemStat.add throws "sysMemStat overflow".
    const h = new MHeap({});
    h.grow(1);
    const [base] = h.pages.alloc(1);
    const s = h.allocMSpanLocked(h.p(0));
    h.initSpan(s, spanAllocHeap, heapClass, base, 1);
    expect([s.state.get(), h.spanOf(base), h.gcController.heapInUse.load()]).toEqual(['mSpanInUse', s, 0]);
    const e = catchThrow(() => h.freeSpan(s, h.p(0)));
    expect(e.goMessage).toBe('sysMemStat overflow');
  });
});

describe('runtime/mheap.go · (*mheap).freeSpanLocked throws @ go1.21', () => {
  test('"mheap.freeSpanLocked - invalid free" at freeSpanLocked\'s site, printing the span, allocCount and both sweepgens', () => {
    const h = new MHeap({});
    const s = h.alloc(1, heapClass, h.p(0))!;
    gcStart(h);
    gcMarkTermination(h, h.p(0)); // s is now unswept: sweepgen h.sweepgen-2
    const e = catchThrow(() => h.freeSpan(s, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['mheap.freeSpanLocked - invalid free', 'runtime/mheap.go · (*mheap).freeSpanLocked']);
    expect(e.detail).toBe(`span ptr ${hex(s.base())} allocCount 0 sweepgen ${h.sweepgen - 2}/${h.sweepgen}`);
  });
});

describe('runtime/mheap.go · allocSpan and freeSpanLocked: heapStats by spanAllocType @ go1.21', () => {
  // allocSpan: `switch typ { case spanAllocHeap: stats.inHeap += nbytes; case spanAllocStack: ...
  // inStacks; ... inPtrScalarBits; ... inWorkBufs }`; freeSpanLocked subtracts the same.
  const fields = { spanAllocHeap: 'inHeap', spanAllocStack: 'inStacks', spanAllocPtrScalarBits: 'inPtrScalarBits', spanAllocWorkBuf: 'inWorkBufs' } as const;
  for (const [typ, field] of Object.entries(fields) as [keyof typeof fields, (typeof fields)[keyof typeof fields]][]) {
    test(`a ${typ} span of 3 pages adds 3 * 8192 to ${field} alone, and freeing it takes them back`, () => {
      const h = new MHeap({});
      const p = h.p(0);
      const stats = (): number[] => Object.values(fields).map((f) => h.heapStats[f]);
      const before = stats();
      const s = typ === 'spanAllocHeap' ? h.alloc(3, makeSpanClass(0, true), p)! : h.allocManual(3, typ, p)!;
      expect(stats()).toEqual(Object.values(fields).map((f, i) => before[i]! + (f === field ? 3 * 8192 : 0)));
      if (typ === 'spanAllocHeap') h.freeSpan(s, p);
      else h.freeManual(s, typ, p);
      expect(stats()).toEqual(before);
    });
  }
});
