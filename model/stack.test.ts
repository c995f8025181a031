import { describe, expect, test } from 'vitest';
import { gcMarkTermination, gcStart } from './mgc.js';
import { MHeap } from './mheap.js';
import { fixedStack, freeStackSpans, stackalloc, stackCacheSize, stackfree, stacklog2 } from './stack.js';
import { GoThrow } from './throw.js';

const KiB = 1024;

describe('stack pool (small stacks)', () => {
  test('StackPoolCarvesASpan: the first 2 KiB stack takes a 32 KiB stack span and is its highest stack', () => {
    const h = new MHeap({ nprocs: 1 });
    const st = stackalloc(h, 2 * KiB, h.p(0));
    const s = h.spanOf(st.lo)!;
    expect(s.state.get()).toBe('mSpanManual');
    expect(s.npages * h.g.pageSize).toBe(stackCacheSize);
    expect(s.elemsize).toBe(fixedStack);
    expect(st.lo).toBe(s.base() + stackCacheSize - fixedStack);
    expect(s.allocCount).toBe(1);
  });

  test('StackPoolFreeInGCoff: the last stack freed in _GCoff gives the span back to the heap', () => {
    const h = new MHeap({ nprocs: 1 });
    const a = stackalloc(h, 4 * KiB, h.p(0));
    const b = stackalloc(h, 4 * KiB, h.p(0));
    const s = h.spanOf(a.lo)!;
    expect(h.spanOf(b.lo)).toBe(s);
    stackfree(h, a, h.p(0));
    expect(s.state.get()).toBe('mSpanManual');
    stackfree(h, b, h.p(0));
    expect(s.state.get()).toBe('mSpanDead');
    expect(h.heapStats.inStacks).toBe(0);
  });

  test('StackPoolFreeDuringGC: an emptied span stays a stack span until freeStackSpans', () => {
    const h = new MHeap({ nprocs: 1 });
    const a = stackalloc(h, 8 * KiB, h.p(0));
    const s = h.spanOf(a.lo)!;
    gcStart(h);
    stackfree(h, a, h.p(0));
    expect(s.state.get()).toBe('mSpanManual');
    expect(s.allocCount).toBe(0);
    gcMarkTermination(h, h.p(0)); // freeStackSpans, in _GCoff
    expect(s.state.get()).toBe('mSpanDead');
  });
});

describe('large stacks', () => {
  test('LargeStackFreeInGCoff: a 64 KiB stack is an 8-page span of its own, freed at once in _GCoff', () => {
    const h = new MHeap({ nprocs: 1 });
    const st = stackalloc(h, 64 * KiB, h.p(0));
    const s = h.spanOf(st.lo)!;
    expect([s.npages, s.elemsize, st.hi - st.lo]).toEqual([8, 64 * KiB, 64 * KiB]);
    stackfree(h, st, h.p(0));
    expect(s.state.get()).toBe('mSpanDead');
  });

  test('LargeStackFreeDuringGC (Go issue 11267): the span waits in stackLarge, is reused for a stack, and freed at mark termination', () => {
    const h = new MHeap({ nprocs: 1 });
    const st = stackalloc(h, 128 * KiB, h.p(0));
    const s = h.spanOf(st.lo)!;
    gcStart(h);
    stackfree(h, st, h.p(0));
    expect(s.state.get()).toBe('mSpanManual');
    expect(h.stacks.stackLargeFree[stacklog2(16)]!.first).toBe(s);
    const again = stackalloc(h, 128 * KiB, h.p(0));
    expect(again.lo).toBe(st.lo); // the same span, never given back to the heap
    stackfree(h, again, h.p(0));
    freeStackSpans(h, h.p(0)); // as mark termination does, here still in _GCmark: Go calls it only after _GCoff
    expect(s.state.get()).toBe('mSpanDead');
  });

  test("stackfree of something that is not a stack span throws Go's message", () => {
    const h = new MHeap({ nprocs: 1 });
    const s = h.alloc(4, 0, h.p(0))!;
    expect(() => stackfree(h, { lo: s.base(), hi: s.base() + 32 * KiB }, h.p(0))).toThrow(GoThrow);
    expect(() => stackfree(h, { lo: s.base(), hi: s.base() + 32 * KiB }, h.p(0))).toThrow('bad span state');
    expect(() => stackalloc(h, 3 * KiB, h.p(0))).toThrow('stack size not a power of 2');
  });
});
