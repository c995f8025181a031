// runtime/mgcmark.go @ go1.21 · greyobject (markObject): set the object's bit
// in gcmarkBits, set its span's bit in the arena's pageMarks, count the bytes
// marked (gcw.bytesMarked += span.elemsize), and only once per object. The
// model marks only in a mark phase and only heap objects (its precondition
// refusals).

import { describe, expect, test } from 'vitest';
import { mallocgcFinish, mallocgcStart } from './mallocgc.js';
import type { Malloc } from './mallocgc.js';
import { gcStart } from './mgc.js';
import { markObject } from './mgcmark.js';
import { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import { catchRefusal } from '../testing/heap.js';

function malloc(h: MHeap, size: number): Malloc {
  const m = mallocgcStart(h, size, true, true, h.p(0));
  mallocgcFinish(h, m, h.p(0));
  return m;
}

/** The span's bit in its arena's pageMarks, computed as Go's pageIndexOf does: page (p / pageSize) % pagesPerArena, byte page / 8, bit page % 8. */
function pageMarked(h: MHeap, s: MSpan): boolean {
  const page = Math.floor(s.base() / h.g.pageSize) % h.g.pagesPerArena;
  return (h.arenaOf(s.base())!.pageMarks[Math.floor(page / 8)]! & (1 << page % 8)) !== 0;
}

/** Three 64-byte objects in one span, allocated before the cycle, then gcStart: _GCmark with nothing marked. */
function setup(): { h: MHeap; objs: Malloc[] } {
  const h = new MHeap({ nprocs: 1 });
  const objs = [malloc(h, 64), malloc(h, 64), malloc(h, 64)];
  h.p(0).mcache.releaseAll(h, h.p(0));
  gcStart(h);
  return { h, objs };
}

const marks = (s: MSpan): boolean[] => Array.from({ length: s.nelems }, (_, i) => s.gcmarkBits!.isSet(i));

describe('markObject (greyobject)', () => {
  test('a pointer into an unmarked object marks it: its gcmarkBits bit, its page mark, elemsize bytes marked; newly marked', () => {
    const { h, objs } = setup();
    const s = objs[1]!.span;
    expect([h.gcphase, h.work.bytesMarked, pageMarked(h, s), marks(s).some((b) => b)]).toEqual(['_GCmark', 0, false, false]);
    expect(markObject(h, objs[1]!.x + 63)).toBe(true); // the object's last byte
    expect(marks(s).map((b, i) => (b ? i : -1)).filter((i) => i >= 0)).toEqual([1]);
    expect(pageMarked(h, s)).toBe(true);
    expect(h.work.bytesMarked).toBe(64);
  });

  test('an object already marked is not marked again: false, and no more bytes counted', () => {
    const { h, objs } = setup();
    const s = objs[0]!.span;
    expect(markObject(h, objs[0]!.x)).toBe(true);
    expect(markObject(h, objs[0]!.x + 1)).toBe(false);
    expect(h.work.bytesMarked).toBe(64);
    // Another object of the same span still counts, and the page mark stays set.
    expect(markObject(h, objs[2]!.x)).toBe(true);
    expect(h.work.bytesMarked).toBe(128);
    expect(marks(s).map((b, i) => (b ? i : -1)).filter((i) => i >= 0)).toEqual([0, 2]);
    expect(pageMarked(h, s)).toBe(true);
  });

  test('marks during _GCmarktermination too (mark termination drains the last work)', () => {
    const { h, objs } = setup();
    h.gcphase = '_GCmarktermination';
    expect(markObject(h, objs[0]!.x)).toBe(true);
    expect(h.work.bytesMarked).toBe(64);
  });

  test('outside a mark phase it refuses, marking nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    const m = malloc(h, 64);
    const e = catchRefusal(() => markObject(h, m.x));
    expect([e.op, e.reason]).toEqual(['markObject', 'the GC marks only during the mark phase (gcphase _GCoff)']);
    expect([h.work.bytesMarked, marks(m.span).some((b) => b), pageMarked(h, m.span)]).toEqual([0, false, false]);
  });

  test('an address in no heap object is refused: no arena, and just past an in-use span', () => {
    const { h, objs } = setup();
    const s = objs[0]!.span;
    expect(catchRefusal(() => markObject(h, 0)).message).toBe('markObject: 0 is not in a heap object');
    expect(catchRefusal(() => markObject(h, s.limit)).message).toBe(`markObject: ${s.limit} is not in a heap object`);
    expect(h.work.bytesMarked).toBe(0);
    expect(markObject(h, s.limit - 1)).toBe(true); // the last object's last byte
  });
});
