import { describe, expect, test } from 'vitest';
import { heapFingerprint } from '../spec/mheap/fingerprint.js';
import { Geometry, hex, linuxAmd64 } from './geometry.js';
import { arenaHintAddrs } from './malloc.js';
import { gcMarkTermination, gcStart } from './mgc.js';
import { sweepAll } from './mgcsweep.js';
import { MHeap } from './mheap.js';
import { makeSpanClass, spanAllocHeap, spanAllocStack, spanAllocWorkBuf } from './spanclass.js';
import { GoThrow, ModelError } from './throw.js';
import { catchRefusal } from '../testing/heap.js';

const heapClass = makeSpanClass(0, true);
const MiB = 1 << 20;

describe('allocSpan paths', () => {
  test('PageCachePath: a small span comes from the P\'s page cache once it holds pages', () => {
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    h.alloc(1, heapClass, p); // grows the heap; the cache is still empty
    const s = h.alloc(1, heapClass, p)!; // refills the cache, takes page 1 from it
    expect(p.pcache.empty()).toBe(false);
    expect(hex(p.pcache.base)).toBe('0xc000000000');
    expect(hex(s.base())).toBe('0xc000002000');
  });

  test('LockedPath: 16 pages or more never use the page cache', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = h.alloc(16, heapClass, h.p(0))!;
    expect(hex(s.base())).toBe('0xc000000000');
    expect(h.p(0).pcache.empty()).toBe(true);
  });

  test('the heap grows in whole chunks, in arenas at the amd64 hints', () => {
    const h = new MHeap({});
    expect(arenaHintAddrs(h.g).slice(0, 2).map(hex)).toEqual(['0xc000000000', '0x1c000000000']);
    h.alloc(1, heapClass, h.p(0));
    expect(h.pages.inUse.totalBytes).toBe(4 * MiB);
    expect([hex(h.curArena.base), hex(h.curArena.end)]).toEqual(['0xc000400000', '0xc004000000']);
    expect(h.allArenas).toHaveLength(1);
  });

  test('GrowContiguous: a second arena right after the first extends the current arena', () => {
    const h = new MHeap({});
    h.alloc(8000, heapClass, h.p(0)); // 62.5 MiB: 16 chunks, the first arena
    const s = h.alloc(1024, heapClass, h.p(0))!; // needs more: the next arena, contiguous
    expect(h.allArenas).toHaveLength(2);
    expect(hex(h.curArena.end)).toBe('0xc008000000');
    // First fit: the span starts in the 192 free pages at the end of the first arena and straddles into the second.
    expect(hex(s.base())).toBe('0xc003e80000');
    expect(h.spanOf(0xc004000000)).toBe(s);
    expect(h.arenaOf(0xc004000000)!.zeroedBase).toBe((1024 - 192) * 8192);
  });

  test('GrowDiscontiguous: when the next hint is taken, the heap moves to the next hint and hands over the rest', () => {
    const h = new MHeap({});
    h.alloc(1, heapClass, h.p(0));
    h.os.addForeign(0xc004000000, 64 * MiB); // someone maps right after our arena
    h.alloc(8000, heapClass, h.p(0)); // does not fit in what is left of the first arena
    expect(h.allArenas.map((ai) => hex(ai * h.g.heapArenaBytes + h.g.arenaBaseOffset))).toEqual(['0xc000000000', '0x1c000000000']);
    // The rest of the first arena was handed to the page allocator before switching.
    expect(h.pages.inUse.ranges.map((r) => hex(r.base.addr()))).toEqual(['0xc000000000', '0x1c000000000']);
    expect(hex(h.pages.inUse.ranges[0]!.limit.addr())).toBe('0xc004000000');
  });

  test('OutOfMemory: when the OS refuses, alloc returns nil and nothing is half-allocated', () => {
    const h = new MHeap({ osLimitBytes: 64 * MiB });
    h.alloc(1, heapClass, h.p(0));
    expect(h.alloc(9000, heapClass, h.p(0))).toBeNull(); // needs a second arena
    expect(h.pagesInUse).toBe(1);
    expect(h.gcController.heapInUse.load()).toBe(8192);
  });
});

describe('needzero and zeroedBase', () => {
  test('fresh memory needs no zeroing; memory handed out before does', () => {
    const h = new MHeap({});
    const a = h.alloc(4, heapClass, h.p(0))!;
    expect(a.needzero).toBe(0);
    expect(h.arenaOf(a.base())!.zeroedBase).toBe(4 * 8192);
    h.freeSpan(a, h.p(0));
    const b = h.alloc(6, heapClass, h.p(0))!;
    expect(hex(b.base())).toBe(hex(a.base()));
    expect(b.needzero).toBe(1);
    expect(h.arenaOf(a.base())!.zeroedBase).toBe(6 * 8192);
  });
});

describe('freeSpanLocked\'s throws, and model errors, leave the heap unchanged', () => {
  const cases: [string, (h: MHeap) => void, string][] = [
    [
      'invalid stack free',
      (h) => {
        const s = h.allocManual(1, spanAllocStack, h.p(0))!;
        s.allocCount = 1; // a stack still in use
        h.freeManual(s, spanAllocStack, h.p(0));
      },
      'fatal error: mheap.freeSpanLocked - invalid stack free',
    ],
    [
      'invalid free (not swept)',
      (h) => {
        const s = h.alloc(1, heapClass, h.p(0))!;
        gcStart(h);
        gcMarkTermination(h, h.p(0));
        h.freeSpan(s, h.p(0));
      },
      'fatal error: mheap.freeSpanLocked - invalid free',
    ],
    [
      'invalid span state (double free)',
      (h) => {
        const s = h.alloc(1, heapClass, h.p(0))!;
        h.freeSpan(s, h.p(0));
        h.freeSpan(s, h.p(0));
      },
      'fatal error: mheap.freeSpanLocked - invalid span state',
    ],
    ['allocManual of a heap type', (h) => void h.allocManual(1, 'spanAllocHeap', h.p(0)), 'fatal error: manual span allocation called with non-manually-managed type'],
  ];
  for (const [name, f, msg] of cases) {
    test(name, () => {
      const h = new MHeap({});
      let before = '';
      try {
        f(new Proxy(h, { get: (t, k) => (k === 'freeSpan' || k === 'freeManual' || k === 'allocManual' ? (...a: unknown[]) => ((before = heapFingerprint(t)), (t[k] as (...x: unknown[]) => unknown)(...a)) : t[k as keyof MHeap]) }));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(GoThrow);
        expect((e as Error).message).toBe(msg);
      }
      expect(heapFingerprint(h)).toBe(before);
    });
  }

  test('freeManual does not check the GC phase: that is its callers\' duty, as in Go', () => {
    const h = new MHeap({});
    const s = h.allocManual(2, spanAllocWorkBuf, h.p(0))!;
    gcStart(h);
    h.freeManual(s, spanAllocWorkBuf, h.p(0));
    expect(s.state.get()).toBe('mSpanDead');
  });

  test('freeManual with another allocation type than the span had is refused (Go leaves it undefined)', () => {
    const h = new MHeap({});
    const s = h.allocManual(2, spanAllocWorkBuf, h.p(0))!;
    const before = heapFingerprint(h);
    expect(() => h.freeManual(s, spanAllocStack, h.p(0))).toThrow(ModelError);
    expect(heapFingerprint(h)).toBe(before);
  });
});

describe('span structures', () => {
  test('a recycled structure keeps its sweepgen; a heap span gets h.sweepgen', () => {
    const h = new MHeap({ nprocs: 1 });
    const m = h.allocManual(1, spanAllocStack, h.p(0))!;
    h.freeManual(m, spanAllocStack, h.p(0));
    gcStart(h);
    gcMarkTermination(h, h.p(0)); // h.sweepgen = 2
    const again = h.allocManual(1, spanAllocStack, h.p(0))!;
    expect(again).toBe(m); // LIFO: the same structure
    expect(again.sweepgen).toBe(0); // initSpan does not touch a manual span's sweepgen
    h.freeManual(again, spanAllocStack, h.p(0));
    const heap = h.alloc(1, heapClass, h.p(0))!;
    expect(heap).toBe(m);
    expect(heap.sweepgen).toBe(2);
  });

  test('allspans records each structure once, on its first allocation', () => {
    const h = new MHeap({ nprocs: 1 });
    h.alloc(1, heapClass, h.p(0)); // the mspancache refills with 64 structures
    expect(h.allspans).toHaveLength(64);
    for (let i = 0; i < 10; i++) h.freeSpan(h.alloc(1, heapClass, h.p(0))!, h.p(0));
    expect(h.allspans).toHaveLength(64);
  });

  test('spanOf can return a stale span for a free page; spanOfHeap cannot', () => {
    const h = new MHeap({});
    const s = h.alloc(2, heapClass, h.p(0))!;
    s.limit = s.base() + 2 * 8192;
    expect(h.spanOfHeap(s.base())).toBe(s);
    h.freeSpan(s, h.p(0));
    expect(h.spanOf(s.base())).toBe(s); // stale pointer, Go allows it
    expect(h.spanOfHeap(s.base())).toBeNull();
    expect(h.inHeapOrStack(s.base())).toBe(false);
  });

  test("sweeping: a span on its mcentral's swept set is unswept after the bump, then swept (and freed when nothing in it was marked)", () => {
    const h = new MHeap({});
    const s = h.alloc(1, makeSpanClass(0, false), h.p(0))!;
    s.freeindex = 1;
    s.allocCount = 1; // its one object, which nothing will mark
    h.central[s.spanclass]!.fullSwept(h.sweepgen).push(s);
    gcStart(h);
    gcMarkTermination(h, h.p(0));
    expect(s.sweepgen).toBe(0); // h.sweepgen - 2: needs sweeping
    sweepAll(h);
    expect(s.sweepgen).toBe(2);
    expect(s.state.get()).toBe('mSpanDead'); // its object died, so the large span went back to the heap
  });
});

test('physical-page aligned stacks where pages are smaller than physical pages (openbsd)', () => {
  const g = new Geometry({ ...linuxAmd64, physPageSize: 16384 });
  const h = new MHeap({ geometry: g, physPageAlignedStacks: true });
  h.alloc(1, heapClass, h.p(0)); // page 0
  const st = h.allocManual(1, spanAllocStack, h.p(0))!;
  expect((st.base() - g.arenaBaseOffset) % 16384).toBe(0);
  expect(hex(st.base())).toBe('0xc000004000');
});

describe('runtime/mheap.go · (*mheap).init and mallocinit defaults @ go1.21', () => {
  test('physPageAlignedStacks is false unless asked for (malloc.go: GOOS == "openbsd" only)', () => {
    expect(new MHeap({}).physPageAlignedStacks).toBe(false);
    expect(new MHeap({ physPageAlignedStacks: true }).physPageAlignedStacks).toBe(true);
  });

  test('h.p refuses a P that does not exist', () => {
    const h = new MHeap({ nprocs: 2 });
    expect(h.p(1).id).toBe(1);
    const e = catchRefusal(() => h.p(2));
    expect([e.op, e.reason]).toEqual(['mheap', 'there is no P 2 (GOMAXPROCS = 2)']);
  });
});

describe('runtime/mheap.go · the mheap methods initSpan, setSpans, freeSpanLocked, freeMSpanLocked @ go1.21', () => {
  test('initSpan and setSpans publish a span in the spans map; freeSpanLocked gives its pages back; freeMSpanLocked its structure to the P', () => {
    const h = new MHeap({});
    const p = h.p(0);
    h.grow(2);
    const [base] = h.pages.alloc(2);
    const s = h.allocMSpanLocked(p);
    h.initSpan(s, spanAllocStack, 0, base, 2);
    expect([s.state.get(), s.npages, h.spanOf(base), h.spanOf(base + 8192)]).toEqual(['mSpanManual', 2, s, s]);
    const t = h.allocMSpanLocked(p);
    h.setSpans(base + 8192, 1, t);
    expect([h.spanOf(base), h.spanOf(base + 8192)]).toEqual([s, t]);
    const st = h.allocManual(1, spanAllocStack, p)!;
    expect(h.heapStats.inStacks).toBe(8192);
    const len = p.mspancache.len;
    h.freeSpanLocked(st, spanAllocStack, p);
    expect([st.state.get(), h.heapStats.inStacks, p.mspancache.len]).toEqual(['mSpanDead', 0, len + 1]);
    expect(h.pages.alloc(1)[0]).toBe(st.base()); // its page is free again: first fit finds it
    h.freeMSpanLocked(t, p);
    expect(p.mspancache.len).toBe(len + 2);
    expect(p.mspancache.buf[len + 1]).toBe(t);
  });
});


describe('runtime/mheap.go · the mheap methods allocSpan, allocNeedsZero, tryAllocMSpan, spanOfUnchecked, inheap @ go1.21', () => {
  test('tryAllocMSpan is nil for no P or an empty mspancache, and takes one structure from a filled one', () => {
    const h = new MHeap({});
    const p = h.p(0);
    // `if pp == nil || pp.mspancache.len == 0 { return nil }`
    expect([h.tryAllocMSpan(null), h.tryAllocMSpan(p)]).toEqual([null, null]);
    // allocSpan's allocMSpanLocked refills the empty cache (to len(buf)/2) and takes one.
    h.allocSpan(3, spanAllocHeap, heapClass, p);
    const len = p.mspancache.len;
    expect(len).toBeGreaterThan(0);
    expect(h.tryAllocMSpan(p)).not.toBe(null);
    expect(p.mspancache.len).toBe(len - 1);
  });

  test('allocSpan hands out an in-use span that spanOfUnchecked and inheap find on each of its pages', () => {
    const h = new MHeap({});
    const s = h.allocSpan(3, spanAllocHeap, heapClass, h.p(0))!;
    expect([s.npages, s.state.get()]).toEqual([3, 'mSpanInUse']);
    const pages = [0, 1, 2].map((i) => s.base() + i * 8192);
    expect(pages.map((a) => h.spanOfUnchecked(a))).toEqual([s, s, s]);
    // inheap is spanOfHeap(b) != nil, and spanOf refuses b >= s.limit: allocSpan leaves a heap
    // span's limit 0 for its caller to set (mcache.allocLarge: s.limit = s.base() + size).
    expect(pages.map((a) => h.inheap(a + 100))).toEqual([false, false, false]);
    s.limit = s.base() + 3 * 8192;
    // Then every page of it is in the heap; address 0 is in no arena.
    expect([...pages.map((a) => h.inheap(a + 100)), h.inheap(0)]).toEqual([true, true, true, false]);
  });

  test('allocNeedsZero: memory below the arena\'s zeroedBase was handed out before; fresh memory is zero once, then not', () => {
    const h = new MHeap({});
    const s = h.allocSpan(3, spanAllocHeap, heapClass, h.p(0))!;
    // allocSpan asked for s's pages, so zeroedBase is s's limit: s's pages would need zeroing now.
    expect(h.allocNeedsZero(s.base(), 1)).toBe(true);
    const next = s.base() + 3 * 8192;
    expect(h.allocNeedsZero(next, 2)).toBe(false);
    // The call moved zeroedBase past [next, +2 pages): asking again, they need zeroing.
    expect(h.allocNeedsZero(next, 2)).toBe(true);
  });
});
