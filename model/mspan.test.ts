// runtime/mheap.go @ go1.21 · mspan: mSpanStateNames, (*mspan).layout,
// (*mspan).inList.

import { describe, expect, test } from 'vitest';
import { MHeap } from './mheap.js';
import { MSpanList } from './mspanlist.js';
import { mSpanStateNames } from './mspan.js';
import { class_to_size, sizeToClass } from './sizeclasses.js';
import { makeSpanClass } from './spanclass.js';

describe('runtime/mheap.go · mSpanStateNames @ go1.21', () => {
  test('indexed by the iota values: mSpanDead = 0, mSpanInUse = 1, mSpanManual = 2', () => {
    expect(mSpanStateNames).toEqual(['mSpanDead', 'mSpanInUse', 'mSpanManual']);
  });
});

describe('runtime/mheap.go · (*mspan).layout @ go1.21', () => {
  test('total = npages << _PageShift; size = elemsize; n = total / size', () => {
    const h = new MHeap({});
    const sc = sizeToClass(48);
    const s = h.alloc(1, makeSpanClass(sc, false), h.p(0))!;
    expect(class_to_size[sc]).toBe(48);
    // 8192 / 48 = 170 objects (32 bytes left over).
    expect(s.layout(h.g.pageSize)).toEqual([48, 170, 8192]);
    const large = h.alloc(5, makeSpanClass(0, false), h.p(0))!;
    expect(large.layout(h.g.pageSize)).toEqual([5 * 8192, 1, 5 * 8192]);
  });

  test('"if size > 0 { n = total / size }": a span with no element size has n = 0', () => {
    const h = new MHeap({});
    const s = h.allocMSpanLocked(h.p(0));
    s.init(0xc000000000, 3);
    expect(s.layout(h.g.pageSize)).toEqual([0, 0, 3 * 8192]);
  });
});

describe('runtime/mheap.go · (*mspan).inList @ go1.21', () => {
  test('"return s.list != nil": false off every list, true on one, false again once removed', () => {
    const h = new MHeap({});
    const s = h.allocMSpanLocked(h.p(0));
    s.init(0xc000000000, 1);
    expect(s.inList()).toBe(false);
    const l = new MSpanList();
    l.insert(s);
    expect(s.inList()).toBe(true);
    l.remove(s);
    expect(s.inList()).toBe(false);
  });
});
