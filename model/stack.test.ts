import { describe, expect, test } from 'vitest';
import { gcMarkTermination, gcStart } from './mgc.js';
import { catchRefusal, catchThrow, image } from '../testing/heap.js';
import { Geometry, hex, linuxAmd64 } from './geometry.js';
import { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import { StackAllocator, fixedStack, freeStackSpans, stackalloc, stackCacheSize, stackfree, stacklog2 } from './stack.js';
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

// runtime/stack.go @ go1.21: the checks stackalloc, stackfree, stackpoolalloc and
// stackpoolfree make, Go's throws verbatim (message and site) and the model's refusals.
describe('runtime/stack.go · stackalloc, stackfree @ go1.21: sizes and throws', () => {
  test('stacklog2 @ go1.21: floor(log2(n)) by "for n > 1 { n >>= 1; log2++ }", so stacklog2(1) == 0', () => {
    expect([stacklog2(1), stacklog2(2), stacklog2(3), stacklog2(8), stacklog2(16)]).toEqual([0, 1, 1, 3, 4]);
  });

  test('stackLarge.free has heapAddrBits - _PageShift lists (go1.21: free [heapAddrBits - _PageShift]mSpanList): 48 - 13 = 35', () => {
    expect(new StackAllocator(48, 13).stackLargeFree).toHaveLength(35);
  });

  test('a 32 KiB stack is large: go1.21 takes the pool only for n < fixedStack<<_NumStackOrders && n < _StackCacheSize (both 32 KiB)', () => {
    const h = new MHeap({ nprocs: 1 });
    const st = stackalloc(h, 32 * KiB, h.p(0));
    const s = h.spanOf(st.lo)!;
    // A span of its own (4 pages, elemsize n), not a pool span carved into stacks.
    expect([s.npages, s.elemsize, st.lo, s.allocCount]).toEqual([4, 32 * KiB, s.base(), 0]);
    expect(h.stacks.manualFreeList.has(s)).toBe(false);
    gcStart(h);
    stackfree(h, st, h.p(0));
    // During a GC it waits in stackLarge.free[log2(4 pages)].
    expect(h.stacks.stackLargeFree[2]!.first).toBe(s);
  });

  test('stackalloc refuses n below fixedStack or not an integer (Go takes a uint32; the model asks for at least 2 KiB)', () => {
    const h = new MHeap({ nprocs: 1 });
    const e = catchRefusal(() => stackalloc(h, 1024, h.p(0)));
    expect(e.message).toBe('stackalloc: n must be an integer of at least 2048, got 1024');
    expect(catchRefusal(() => stackalloc(h, 4096.5, h.p(0))).message).toBe('stackalloc: n must be an integer of at least 2048, got 4096.5');
  });

  test('stackalloc: throw("stack size not a power of 2"), site runtime/stack.go · stackalloc', () => {
    const h = new MHeap({ nprocs: 1 });
    const e = catchThrow(() => stackalloc(h, 3 * KiB, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['stack size not a power of 2', 'runtime/stack.go · stackalloc']);
  });

  test('stackfree: throw("stack not a power of 2"), site runtime/stack.go · stackfree', () => {
    const h = new MHeap({ nprocs: 1 });
    const st = stackalloc(h, 4 * KiB, h.p(0));
    const e = catchThrow(() => stackfree(h, { lo: st.lo, hi: st.lo + 3 * KiB }, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['stack not a power of 2', 'runtime/stack.go · stackfree']);
  });

  test('stackfree of a large stack outside a stack span: println(hex(s.base()), v); throw("bad span state")', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = h.alloc(4, 0, h.p(0))!;
    const lo = s.base() + 8192;
    const e = catchThrow(() => stackfree(h, { lo, hi: lo + 32 * KiB }, h.p(0)));
    const hx = (a: number): string => `0x${(BigInt(a) + (a < 0 ? 1n << 64n : 0n)).toString(16)}`;
    expect([e.goMessage, e.site, e.detail]).toEqual(['bad span state', 'runtime/stack.go · stackfree', `${hx(s.base())} ${hx(lo)}`]);
  });

  test('stackalloc: throw("out of memory") when allocManual fails for a large stack (site stackalloc) and for a pool span (site stackpoolalloc)', () => {
    const h = new MHeap({ nprocs: 1, osLimitBytes: 0 });
    const big = catchThrow(() => stackalloc(h, 64 * KiB, h.p(0)));
    expect([big.goMessage, big.site]).toEqual(['out of memory', 'runtime/stack.go · stackalloc']);
    const small = catchThrow(() => stackalloc(h, 2 * KiB, h.p(0)));
    expect([small.goMessage, small.site]).toEqual(['out of memory', 'runtime/stack.go · stackpoolalloc']);
  });
});

describe('runtime/stack.go · stackpoolalloc @ go1.21: the checks on a new pool span and its free list', () => {
  // Go's allocSpan hands back a span whose allocCount is 0 ((*mspan).init) and whose
  // manualFreeList is 0; stackpoolalloc throws if not. Fake an allocManual that breaks this.
  const corrupt = (h: MHeap, f: (s: MSpan) => void): void => {
    const orig = h.allocManual.bind(h);
    h.allocManual = (npages, typ, pp) => {
      const s = orig(npages, typ, pp);
      if (s !== null) f(s);
      return s;
    };
  };

  test('throw("bad allocCount") if the new span has allocCount != 0', () => {
    const h = new MHeap({ nprocs: 1 });
    corrupt(h, (s) => (s.allocCount = 1));
    const e = catchThrow(() => stackalloc(h, 2 * KiB, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['bad allocCount', 'runtime/stack.go · stackpoolalloc']);
  });

  test('throw("bad manualFreeList") if the new span already has a free list', () => {
    const h = new MHeap({ nprocs: 1 });
    corrupt(h, (s) => h.stacks.manualFreeList.set(s, [s.base()]));
    const e = catchThrow(() => stackalloc(h, 2 * KiB, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['bad manualFreeList', 'runtime/stack.go · stackpoolalloc']);
  });

  test('an empty free list left over from before is not a free list (Go: s.manualFreeList.ptr() != nil)', () => {
    const h = new MHeap({ nprocs: 1 });
    corrupt(h, (s) => h.stacks.manualFreeList.set(s, []));
    const st = stackalloc(h, 2 * KiB, h.p(0));
    expect(h.spanOf(st.lo)!.allocCount).toBe(1);
  });

  test('throw("span has no free stacks") if a span on the pool list has none', () => {
    const h = new MHeap({ nprocs: 1 });
    const st = stackalloc(h, 2 * KiB, h.p(0));
    h.stacks.manualFreeList.set(h.spanOf(st.lo)!, []);
    const e = catchThrow(() => stackalloc(h, 2 * KiB, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['span has no free stacks', 'runtime/stack.go · stackpoolalloc']);
  });
});

describe('runtime/stack.go · stackpoolfree @ go1.21: what it frees', () => {
  test('throw("freeing stack not in a stack span") for a small stack in a heap span', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = h.alloc(4, 0, h.p(0))!;
    const e = catchThrow(() => stackfree(h, { lo: s.base(), hi: s.base() + 2 * KiB }, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['freeing stack not in a stack span', 'runtime/stack.go · stackpoolfree']);
  });

  test('the model refuses a small stack in a stack span that is not a pool span (a large stack span)', () => {
    const h = new MHeap({ nprocs: 1 });
    const st = stackalloc(h, 64 * KiB, h.p(0));
    const e = catchRefusal(() => stackfree(h, { lo: st.lo, hi: st.lo + 2 * KiB }, h.p(0)));
    expect(e.message).toBe(`stackpoolfree: span ${hex(st.lo)} is not a stack pool span`);
  });

  test('the model refuses a double free and a misaligned stack, and changes nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    const a = stackalloc(h, 4 * KiB, h.p(0));
    const b = stackalloc(h, 4 * KiB, h.p(0));
    const s = h.spanOf(a.lo)!;
    stackfree(h, b, h.p(0));
    const before = image(h);
    const twice = catchRefusal(() => stackfree(h, b, h.p(0)));
    expect(twice.message).toBe(`stackpoolfree: ${hex(b.lo)} is not an allocated 4096-byte stack of span ${hex(s.base())}`);
    const mid = a.lo + 2 * KiB;
    const off = catchRefusal(() => stackfree(h, { lo: mid, hi: mid + 4 * KiB }, h.p(0)));
    expect(off.message).toBe(`stackpoolfree: ${hex(mid)} is not an allocated 4096-byte stack of span ${hex(s.base())}`);
    expect(image(h)).toBe(before);
    expect(s.allocCount).toBe(1);
  });

  test('alignment is measured from the span base: 4 KiB pages, a pool span at an odd 4 KiB address, a 16 KiB stack', () => {
    const h = new MHeap({ nprocs: 1, geometry: new Geometry({ ...linuxAmd64, pageShift: 12 }) });
    h.alloc(1, 0, h.p(0)); // one page first, so the pool span starts 4 KiB past an 8 KiB boundary
    const st = stackalloc(h, 16 * KiB, h.p(0));
    const s = h.spanOf(st.lo)!;
    expect(s.base() % (8 * KiB)).toBe(4 * KiB);
    expect(st.lo).toBe(s.base() + 16 * KiB); // the higher of the span's two 16 KiB stacks
    stackfree(h, st, h.p(0));
    expect(s.allocCount).toBe(0);
  });
});

describe('runtime/stack.go · stackpoolfree @ go1.21: a stale span lookup', () => {
  // Go's spanOfUnchecked reads h.spans, which freeing does not clear: the pages of a
  // freed span still name its mspan, and fixalloc hands that mspan out again. Go's
  // stackpoolfree would then push a stack of another span onto this one's free list.
  test('the model refuses an address past the pool span that a stale spans entry maps to it', () => {
    const h = new MHeap({ nprocs: 1 });
    const big = stackalloc(h, 64 * KiB, h.p(0)); // 8 pages at big.lo
    const a = h.spanOf(big.lo)!;
    stackfree(h, big, h.p(0)); // _GCoff: the span goes back to the heap, its mspan to fixalloc
    const st = stackalloc(h, 2 * KiB, h.p(0)); // a 4-page pool span, the same mspan, at the same base
    const s = h.spanOf(st.lo)!;
    expect([s, s.base()]).toEqual([a, big.lo]);
    const x = big.lo + stackCacheSize; // page 4 of the old span: its entry still names s
    const before = image(h);
    const e = catchRefusal(() => stackfree(h, { lo: x, hi: x + 2 * KiB }, h.p(0)));
    expect(e.message).toBe(`stackpoolfree: ${hex(x)} is not an allocated 2048-byte stack of span ${hex(big.lo)}`);
    expect(image(h)).toBe(before);
  });
});
