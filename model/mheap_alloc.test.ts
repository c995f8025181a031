// runtime/mheap.go @ go1.21 · (*mheap).alloc, allocManual, allocSpan,
// initSpan, allocNeedsZero: the model's refusals of bad input, Go's throw
// for a non-manual type, which path allocSpan takes (the P's page cache
// only for npages < pageCachePages/4 = 16, and not for physical-page
// aligned stacks), the physical-page aligned path growing the heap, and the
// zeroedBase CAS loop's overlap check.

import { describe, expect, test } from 'vitest';
import { catchRefusal, catchThrow, image } from '../testing/heap.js';
import { Geometry, hex, linuxAmd64 } from './geometry.js';
import { allocNeedsZero } from './mheap_alloc.js';
import { MHeap } from './mheap.js';
import { reclaimDone } from './mheap_reclaim.js';
import type { SpanAllocType } from './spanclass.js';
import { makeSpanClass, numSpanClasses, spanAllocHeap, spanAllocStack } from './spanclass.js';

const heapClass = makeSpanClass(0, true);
const MiB = 1 << 20;

describe('runtime/mheap.go · (*mheap).alloc and allocManual: bad input @ go1.21', () => {
  test('alloc refuses an npages that is not a positive integer, changing nothing', () => {
    for (const n of [0, -1, 1.5, NaN]) {
      const h = new MHeap({});
      const before = image(h);
      const e = catchRefusal(() => h.alloc(n, heapClass, h.p(0)));
      expect([e.op, e.reason]).toEqual(['mheap.alloc', `npages must be a positive integer, got ${String(n)}`]);
      expect(image(h)).toBe(before);
    }
  });

  test('alloc refuses a spanclass outside [0, numSpanClasses); the last one, numSpanClasses-1, is allocated', () => {
    for (const spc of [-1, numSpanClasses, 1.5, NaN]) {
      const h = new MHeap({});
      const before = image(h);
      const e = catchRefusal(() => h.alloc(1, spc, h.p(0)));
      expect([e.op, e.reason]).toEqual(['mheap.alloc', `spanclass ${String(spc)} is not in [0, ${numSpanClasses})`]);
      expect(image(h)).toBe(before);
    }
    const h = new MHeap({});
    const s = h.alloc(1, numSpanClasses - 1, h.p(0))!;
    expect(s.spanclass).toBe(numSpanClasses - 1);
    const zero = h.alloc(1, 0, h.p(0))!;
    expect(zero.spanclass).toBe(0);
  });

  test('allocManual refuses what is not a spanAllocType, and an npages that is not a positive integer', () => {
    const h = new MHeap({});
    const before = image(h);
    const e = catchRefusal(() => h.allocManual(1, 'spanAllocBogus' as SpanAllocType, h.p(0)));
    expect([e.op, e.reason]).toEqual(['mheap.allocManual', 'spanAllocBogus is not a spanAllocType']);
    const n = catchRefusal(() => h.allocManual(0, spanAllocStack, h.p(0)));
    expect([n.op, n.reason]).toEqual(['mheap.allocManual', 'npages must be a positive integer, got 0']);
    expect(image(h)).toBe(before);
  });

  test('allocManual of the heap type throws "manual span allocation called with non-manually-managed type"', () => {
    const h = new MHeap({});
    const before = image(h);
    const e = catchThrow(() => h.allocManual(1, spanAllocHeap, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['manual span allocation called with non-manually-managed type', 'runtime/mheap.go · (*mheap).allocManual']);
    expect(image(h)).toBe(before);
  });

  test('alloc reclaims only while sweeping is not done ("if !isSweepDone() { h.reclaim(npages) }"): a swept heap keeps its reclaimIndex', () => {
    const h = new MHeap({});
    expect(h.reclaimIndex).not.toBe(reclaimDone);
    const before = h.reclaimIndex;
    h.alloc(1, heapClass, h.p(0));
    expect(h.reclaimIndex).toBe(before);
  });
});

describe('runtime/mheap.go · (*mheap).allocSpan: which path @ go1.21', () => {
  test('16 pages (pageCachePages/4) take the locked path even when the heap has pages: the P\'s cache stays empty', () => {
    const h = new MHeap({ nprocs: 1 });
    h.alloc(1, heapClass, h.p(0)); // grows the heap (the cache refill found nothing)
    expect(h.p(0).pcache.empty()).toBe(true);
    const s = h.alloc(16, heapClass, h.p(0))!;
    expect(h.p(0).pcache.empty()).toBe(true);
    expect(hex(s.base())).toBe('0xc000002000'); // first fit after page 0
    h.alloc(15, heapClass, h.p(0)); // 15 pages do use the cache
    expect(h.p(0).pcache.empty()).toBe(false);
  });

  test('initSpan: a heap span\'s allocCache is all ones (^uint64(0): every object free)', () => {
    const h = new MHeap({});
    const s = h.alloc(1, makeSpanClass(2, false), h.p(0))!;
    expect(s.allocCache).toBe(0xffffffffffffffffn);
  });

  test('physPageAlignedStacks with physical pages no larger than heap pages (linux/amd64, 4 KiB; or equal, 8 KiB): stacks use the page cache as usual', () => {
    for (const physPageSize of [4096, 8192]) {
      const g = new Geometry({ ...linuxAmd64, physPageSize });
      const h = new MHeap({ geometry: g, physPageAlignedStacks: true });
      h.alloc(1, heapClass, h.p(0)); // page 0; grows the heap
      const st = h.allocManual(1, spanAllocStack, h.p(0))!;
      expect(hex(st.base())).toBe('0xc000002000');
      expect(h.p(0).pcache.empty()).toBe(false);
    }
  });

  test('physical-page aligned stacks without room for npages + physPageSize/pageSize: grow by that many, find again, align up', () => {
    const g = new Geometry({ ...linuxAmd64, physPageSize: 16384 });
    const h = new MHeap({ geometry: g, physPageAlignedStacks: true });
    h.alloc(1, heapClass, h.p(0)); // page 0; the heap is one 512-page chunk, 511 pages free
    expect(h.pages.inUse.totalBytes).toBe(4 * MiB);
    // 511 pages + 2 extra = 513 do not fit: grow(513) asks alignUp(513, 512) = 1024 pages, 8 MiB, right after the first chunk.
    const st = h.allocManual(511, spanAllocStack, h.p(0))!;
    expect(h.pages.inUse.totalBytes).toBe(12 * MiB);
    // First fit for 513 pages is page 1 (pages 1..1535 are free); aligned up to 16 KiB, page 2.
    expect(hex(st.base())).toBe('0xc000004000');
    expect([st.npages, st.state.get()]).toEqual([511, 'mSpanManual']);
    expect(h.p(0).pcache.empty()).toBe(true); // the page cache is not used
    // With room in the heap it does not grow again: 3 pages first fit at page 513 (page 1 is a lone free page), aligned up to page 514.
    const st2 = h.allocManual(1, spanAllocStack, h.p(0))!;
    expect(hex(st2.base())).toBe('0xc000404000');
    expect(h.pages.inUse.totalBytes).toBe(12 * MiB);
  });

  test('physical-page aligned stacks: after growing, find looks again for npages + physPageSize/pageSize, not less (a smaller hole below stays unused)', () => {
    const g = new Geometry({ ...linuxAmd64, physPageSize: 16384 });
    const h = new MHeap({ geometry: g, physPageAlignedStacks: true });
    h.alloc(1, heapClass, null); // page 0
    const x = h.alloc(510, heapClass, null)!; // pages 1..510
    h.alloc(1, heapClass, null); // page 511: the first chunk is full
    h.freeSpan(x, null); // a 510-page hole at pages 1..510
    // 509 pages + 2 = 511 do not fit in the hole: grow(511) adds pages 512..1023, find(511) is page 512, 16 KiB aligned.
    const st = h.allocManual(509, spanAllocStack, null)!;
    expect(hex(st.base())).toBe('0xc000400000');
    expect(h.pages.inUse.totalBytes).toBe(8 * MiB);
  });

  test('physical-page aligned stacks when the OS refuses to grow the heap: allocManual returns nil', () => {
    const g = new Geometry({ ...linuxAmd64, physPageSize: 16384 });
    const h = new MHeap({ geometry: g, physPageAlignedStacks: true, osLimitBytes: 64 * MiB });
    h.alloc(1, heapClass, h.p(0));
    expect(h.allocManual(8000, spanAllocStack, h.p(0))).toBeNull(); // needs a second arena
    expect([h.pages.inUse.totalBytes, h.heapStats.inStacks]).toEqual([4 * MiB, 0]);
  });
});

describe('runtime/mheap.go · (*mheap).allocNeedsZero @ go1.21', () => {
  test('refuses a base outside every heap arena', () => {
    const h = new MHeap({});
    const e = catchRefusal(() => allocNeedsZero(h, 0x1000, 1));
    expect([e.op, e.reason]).toEqual(['mheap.allocNeedsZero', '0x1000 is not in a heap arena']);
  });

  test('another P raising zeroedBase past our limit between the load and the CAS is no overlap: the loop just ends', () => {
    const h = new MHeap({});
    const a = h.alloc(1, heapClass, h.p(0))!; // zeroedBase = 1 page
    // We claim pages [1, 5) (fresh: no zeroing); meanwhile another P's allocation of pages [5, 8) lands: zeroedBase 8 pages.
    const needZero = allocNeedsZero(h, a.base() + 8192, 4, (ha) => (ha.zeroedBase = 8 * 8192));
    expect(needZero).toBe(false);
    expect(h.arenaOf(a.base())!.zeroedBase).toBe(8 * 8192);
  });

  test('zeroedBase moving into the region we claim throws "potentially overlapping in-use allocations detected"', () => {
    const h = new MHeap({});
    const a = h.alloc(1, heapClass, h.p(0))!; // zeroedBase = 1 page
    // We claim pages [1, 5); another P claims [1, 3) at the same time.
    const e = catchThrow(() => allocNeedsZero(h, a.base() + 8192, 4, (ha) => (ha.zeroedBase = 3 * 8192)));
    expect([e.goMessage, e.site]).toEqual(['potentially overlapping in-use allocations detected', 'runtime/mheap.go · (*mheap).allocNeedsZero']);
  });
});
