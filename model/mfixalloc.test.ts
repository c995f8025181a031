// runtime/mfixalloc.go @ go1.21 · (*fixalloc).init, alloc, free. Go counts
// inuse in bytes (f.size per object); the model counts objects.

import { describe, expect, test } from 'vitest';
import { FixAlloc } from './mfixalloc.js';

interface Obj {
  id: number;
  field: number;
}

function mk(): { f: FixAlloc<Obj>; made: Obj[]; firsts: Obj[]; cleared: Obj[] } {
  const made: Obj[] = [];
  const firsts: Obj[] = [];
  const cleared: Obj[] = [];
  const f = new FixAlloc<Obj>(
    () => {
      const o = { id: made.length, field: 0 };
      made.push(o);
      return o;
    },
    (p) => firsts.push(p),
    (p) => {
      cleared.push(p);
      p.field = 0;
    },
  );
  return { f, made, firsts, cleared };
}

describe('fixalloc', () => {
  test('init: zero is true by default (mheap.init turns it off for spanalloc)', () => {
    expect(mk().f.zero).toBe(true);
  });

  test('inuse counts objects handed out and not freed', () => {
    const { f } = mk();
    expect(f.inuse).toBe(0);
    const a = f.alloc();
    const b = f.alloc();
    expect(f.inuse).toBe(2);
    f.free(a);
    expect(f.inuse).toBe(1);
    f.alloc(); // reuses a
    expect(f.inuse).toBe(2);
    f.free(b);
    expect(f.inuse).toBe(1);
  });

  test('first runs once per new object, never on reuse; the free list is LIFO', () => {
    const { f, made, firsts } = mk();
    const a = f.alloc();
    const b = f.alloc();
    expect(firsts).toEqual([a, b]);
    f.free(a);
    f.free(b);
    expect(f.freeList()).toEqual([a, b]);
    expect(f.alloc()).toBe(b);
    expect(f.alloc()).toBe(a);
    expect(f.freeList()).toEqual([]);
    expect(made).toHaveLength(2);
    expect(firsts).toEqual([a, b]);
    const c = f.alloc(); // list empty: a new object
    expect(made).toHaveLength(3);
    expect(firsts).toEqual([a, b, c]);
  });

  test('a reused object is zeroed when zero is set', () => {
    const { f, cleared } = mk();
    const a = f.alloc();
    expect(cleared).toEqual([]); // a new object is not cleared (it comes up zeroed)
    a.field = 42;
    f.free(a);
    expect(f.alloc()).toBe(a);
    expect(a.field).toBe(0);
    expect(cleared).toEqual([a]);
  });

  test('a reused object keeps its fields when zero is unset (spanalloc: a recycled mspan keeps its sweepgen)', () => {
    const { f, cleared } = mk();
    f.zero = false;
    const a = f.alloc();
    a.field = 42;
    f.free(a);
    expect(f.alloc()).toBe(a);
    expect(a.field).toBe(42);
    expect(cleared).toEqual([]);
  });

  test('first may be nil: alloc then only makes the object', () => {
    const f = new FixAlloc<Obj>(() => ({ id: 7, field: 0 }), null, (p) => void (p.field = 0));
    expect(f.alloc()).toEqual({ id: 7, field: 0 });
    expect(f.inuse).toBe(1);
  });
});
