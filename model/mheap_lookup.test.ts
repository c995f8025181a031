// From an address to its span (runtime/mheap.go @ go1.21 · spanOf,
// spanOfUnchecked, spanOfHeap, inheap, inHeapOrStack), at the edges: both
// sides of an arena's and of a span's bounds, and outside the arena map.

import { describe, expect, test } from 'vitest';
import { arenaBase, HeapArena } from './heaparena.js';
import { MHeap } from './mheap.js';
import { inHeapOrStack, inheap, spanOf, spanOfHeap, spanOfUnchecked } from './mheap_lookup.js';
import { MSpan } from './mspan.js';
import { makeSpanClass, spanAllocStack } from './spanclass.js';
import { ModelError } from './throw.js';

const heapClass = makeSpanClass(0, true);
const MiB = 1 << 20;

/** A heap with a 48-byte-class span (170 objects, limit 8160 bytes into its page) from mcentral.grow, at 0xc000000000. */
function withSmallSpan(): { h: MHeap; s: MSpan } {
  const h = new MHeap({});
  const s = h.central[makeSpanClass(5, true)]!.grow(h, h.p(0))!;
  expect([s.base(), s.limit - s.base(), s.npages]).toEqual([0xc000000000, 170 * 48, 1]);
  return { h, s };
}

describe('spanOf', () => {
  test('nil outside the arena map: below arenaBaseOffset, at 2^47 and above (Go: ri.l2() >= len(arenas[0]))', () => {
    const { h } = withSmallSpan();
    const g = h.g;
    for (const p of [g.arenaBaseOffset - 1, g.arenaBaseOffset - g.heapArenaBytes, g.arenaBaseOffset + 2 ** g.heapAddrBits, 2 ** 48]) {
      expect(spanOf(h, p)).toBeNull();
      expect([inheap(h, p), inHeapOrStack(h, p)]).toEqual([false, false]);
    }
  });

  test('nil in an arena the heap never reserved, and on a page of its arena no span ever held', () => {
    const { h } = withSmallSpan();
    expect(spanOf(h, 0xc000000000 - 1)).toBeNull(); // the arena below
    expect(spanOf(h, 0xc004000000)).toBeNull(); // the arena above
    expect(spanOf(h, 0xc000002000)).toBeNull(); // page 1: handed to the page allocator, never in a span
    expect(spanOf(h, 0xc003ffffff)).toBeNull(); // the arena's last byte
  });

  test("every byte of a span's pages maps to it, to the page's last byte (past limit too); the next page does not", () => {
    const { h, s } = withSmallSpan();
    for (const p of [s.base(), s.base() + 47, s.limit - 1, s.limit, s.base() + 8191]) expect(spanOf(h, p)).toBe(s);
    expect(spanOf(h, s.base() + 8192)).toBeNull();
  });

  test('a span straddling two arenas is found from both', () => {
    const h = new MHeap({});
    h.alloc(8000, heapClass, h.p(0));
    const s = h.alloc(1024, heapClass, h.p(0))!; // from 0xc003e80000, into the second arena
    for (const p of [s.base(), 0xc003ffffff, 0xc004000000, s.base() + 1024 * 8192 - 1]) expect(spanOf(h, p)).toBe(s);
    expect(spanOf(h, s.base() + 1024 * 8192)).toBeNull();
  });

  // spanOf is a lookup in the arena map: index 0 (the arena at arenaBaseOffset)
  // is an index like any other (Go checks only ri.l2() against len(arenas[0])).
  test('arena index 0 is looked up like any other', () => {
    const h = new MHeap({});
    const g = h.g;
    const ha = new HeapArena(0, g.pagesPerArena);
    const s = new MSpan(1);
    s.init(arenaBase(g, 0) + 5 * g.pageSize, 1);
    ha.spans[5] = s;
    h.arenas.set(0, ha);
    expect(spanOf(h, s.base())).toBe(s);
    expect(spanOf(h, s.base() + g.pageSize - 1)).toBe(s);
    expect(spanOf(h, s.base() - 1)).toBeNull();
    expect(spanOf(h, arenaBase(g, 0) + g.heapArenaBytes)).toBeNull(); // arena 1: none
  });
});

describe('spanOfUnchecked', () => {
  test("the span of an address in an allocated arena, nil for a page no span held", () => {
    const { h, s } = withSmallSpan();
    expect(spanOfUnchecked(h, s.base() + 100)).toBe(s);
    expect(spanOfUnchecked(h, 0xc000002000)).toBeNull();
  });

  test('refuses an address in no allocated arena (Go would fault on the nil heapArena)', () => {
    const { h } = withSmallSpan();
    let e: unknown;
    try {
      spanOfUnchecked(h, 0xc004000000);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ModelError);
    expect([(e as ModelError).op, (e as ModelError).reason]).toEqual(['spanOfUnchecked', 'p is not in an allocated heap arena (Go would fault)']);
  });
});

describe('spanOfHeap, inheap, inHeapOrStack', () => {
  test('an in-use heap span: from base to limit - 1, not at limit (the tail past the last object)', () => {
    const { h, s } = withSmallSpan();
    for (const p of [s.base(), s.limit - 1]) {
      expect(spanOfHeap(h, p)).toBe(s);
      expect([inheap(h, p), inHeapOrStack(h, p)]).toEqual([true, true]);
    }
    for (const p of [s.limit, s.base() + 8191, s.base() - 1, s.base() + 8192]) {
      expect(spanOfHeap(h, p)).toBeNull();
      expect([inheap(h, p), inHeapOrStack(h, p)]).toEqual([false, false]);
    }
  });

  test('a freed span: spanOf keeps the stale span, but nothing is in the heap there', () => {
    const { h, s } = withSmallSpan();
    h.freeSpan(s, h.p(0));
    expect(s.state.get()).toBe('mSpanDead');
    expect(spanOf(h, s.base())).toBe(s);
    expect(spanOfHeap(h, s.base())).toBeNull();
    expect([inheap(h, s.base()), inHeapOrStack(h, s.base())]).toEqual([false, false]);
  });

  test('a manual span (a stack) is not in the heap, but is in heap or stack, up to its limit', () => {
    const h = new MHeap({});
    const s = h.allocManual(4, spanAllocStack, h.p(0))!;
    expect(s.state.get()).toBe('mSpanManual');
    expect(spanOf(h, s.base())).toBe(s);
    for (const p of [s.base(), s.limit - 1]) {
      expect(spanOfHeap(h, p)).toBeNull();
      expect([inheap(h, p), inHeapOrStack(h, p)]).toEqual([false, true]);
    }
    expect(inHeapOrStack(h, s.limit)).toBe(false);
    expect(s.limit - s.base()).toBe(4 * 8192);
    expect(h.pages.inUse.totalBytes).toBe(4 * MiB);
  });
});
