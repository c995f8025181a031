// runtime/malloc.go @ go1.21 · mallocgc, split at its publication barrier
// (mallocgcStart reserves the slot; mallocgcFinish publishes the object).
//
// The size paths against Go's sizeclasses.go tables (tiny below 16 bytes
// when noscan; size_to_class8 up to 1016 bytes, size_to_class128 above, with
// a scan and a noscan span class each; over 32 KiB a span of whole pages),
// the tiny allocator's alignment and block reuse, freeIndexForScan moving
// only at the publication barrier (Go issue 54596), allocate-black during
// the GC, and the two throws.

import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { image, catchRefusal, catchThrow } from '../testing/heap.js';
import { mallocgcFinish, mallocgcStart } from './mallocgc.js';
import type { Malloc } from './mallocgc.js';
import { isFree, objIndex } from './mbitmap.js';
import { gcMarkTermination, gcStart } from './mgc.js';
import { markObject } from './mgcmark.js';
import { MHeap } from './mheap.js';
import type { P } from './proc.js';
import { class_to_size, divRoundUp, largeSizeDiv, size_to_class128, size_to_class8, smallSizeDiv, smallSizeMax } from './sizeclasses.js';
import { makeSpanClass } from './spanclass.js';
import { ModelError } from './throw.js';

const tinySpanClass = makeSpanClass(2, true); // Go's _TinySizeClass = 2, noscan

function malloc(h: MHeap, size: number, noscan = true, p: P = h.p(0), needzero = true): Malloc {
  const m = mallocgcStart(h, size, noscan, needzero, p);
  mallocgcFinish(h, m, p);
  return m;
}

/** Go's size class for a small size: size_to_class8 up to smallSizeMax-8, else size_to_class128. */
function goClass(size: number): number {
  return size <= smallSizeMax - 8 ? size_to_class8[divRoundUp(size, smallSizeDiv)]! : size_to_class128[divRoundUp(size - smallSizeMax, largeSizeDiv)]!;
}

describe('size paths', () => {
  prop.prop([fc.integer({ min: 1, max: 32768 }), fc.boolean()])("a small size gets Go's size class, scan or noscan; noscan below 16 bytes is tiny", (size, noscan) => {
    const h = new MHeap({ nprocs: 1 });
    const m = malloc(h, size, noscan);
    if (noscan && size < 16) {
      expect([m.path, m.span.spanclass, m.size]).toEqual(['tiny', tinySpanClass, 16]);
    } else {
      const c = goClass(size);
      expect([m.path, m.span.spanclass, m.size, m.span.elemsize]).toEqual(['small', makeSpanClass(c, noscan), class_to_size[c], class_to_size[c]]);
      expect(class_to_size[c]).toBeGreaterThanOrEqual(size);
    }
    expect((m.x - m.span.base()) % m.span.elemsize).toBe(0);
  });

  test('named sizes (Go: size_to_class8, size_to_class128)', () => {
    const cases: [size: number, noscan: boolean, path: Malloc['path'], spanClass: number][] = [
      [1, false, 'small', makeSpanClass(1, false)], // 8 B, scan: not tiny
      [8, true, 'tiny', tinySpanClass],
      [15, true, 'tiny', tinySpanClass],
      [16, true, 'small', makeSpanClass(2, true)], // 16 is not < maxTinySize: a class-2 object of its own
      [17, true, 'small', makeSpanClass(3, true)], // 24 B
      [1016, false, 'small', makeSpanClass(32, false)], // last size_to_class8 size: 1024 B
      [1017, false, 'small', makeSpanClass(32, false)], // first size_to_class128 size
      [1025, true, 'small', makeSpanClass(33, true)], // 1152 B
      [32768, true, 'small', makeSpanClass(67, true)],
      [32769, true, 'large', makeSpanClass(0, true)],
    ];
    for (const [size, noscan, path, spc] of cases) {
      const m = malloc(new MHeap({ nprocs: 1 }), size, noscan);
      expect([size, m.path, m.span.spanclass]).toEqual([size, path, spc]);
    }
  });

  prop.prop([fc.integer({ min: 32769, max: 1 << 22 }), fc.boolean()])('over 32 KiB: a span of its own, ceil(size/8192) pages, size class 0, the object at its base', (size, noscan) => {
    const h = new MHeap({ nprocs: 1 });
    const m = malloc(h, size, noscan);
    const npages = Math.ceil(size / 8192);
    expect([m.path, m.span.spanclass, m.span.npages, m.size, m.x]).toEqual(['large', makeSpanClass(0, noscan), npages, npages * 8192, m.span.base()]);
    expect([m.span.freeindex, m.span.allocCount, m.span.freeIndexForScan]).toEqual([1, 1, 1]);
  });

  test('size 0 is refused (Go returns &zerobase without allocating), changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    const before = image(h);
    expect(() => mallocgcStart(h, 0, true, true, h.p(0))).toThrow(ModelError);
    expect(image(h)).toBe(before);
  });
});

/** Go's tiny alignment: 8 for sizes a multiple of 8, else 4, else 2, else 1 (amd64). */
const tinyAlign = (size: number): number => (size % 8 === 0 ? 8 : size % 4 === 0 ? 4 : size % 2 === 0 ? 2 : 1);

describe('tiny allocator', () => {
  prop.prop([fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 60 })])(
    "combines noscan objects < 16 bytes in a 16-byte block at Go's alignment; a new block replaces the old one only if it has more room left",
    (sizes) => {
      const h = new MHeap({ nprocs: 1 });
      const c = h.p(0).mcache;
      let tiny = 0;
      let tinyoffset = 0;
      let combined = 0;
      const blocks = new Set<number>();
      for (const size of sizes) {
        const off = Math.ceil(tinyoffset / tinyAlign(size)) * tinyAlign(size);
        const m = malloc(h, size);
        if (tiny !== 0 && off + size <= 16) {
          expect([m.path, m.x]).toEqual(['tinyBlock', tiny + off]);
          tinyoffset = off + size;
          combined++;
        } else {
          expect(m.path).toBe('tiny');
          expect([(m.x - m.span.base()) % 16, blocks.has(m.x)]).toEqual([0, false]);
          blocks.add(m.x);
          if (size < tinyoffset || tiny === 0) [tiny, tinyoffset] = [m.x, size];
        }
        expect([c.tiny, c.tinyoffset]).toEqual([tiny, tinyoffset]);
      }
      expect(c.tinyAllocs).toBe(combined);
    },
  );

  test("TestTinyAlloc: sixteen 1-byte objects share 8-byte chunks (they fill one block)", () => {
    const h = new MHeap({ nprocs: 1 });
    const xs = Array.from({ length: 16 }, () => malloc(h, 1).x);
    expect(new Set(xs.map((x) => x - (x % 8))).size).toBe(2);
  });

  test('TestTinyAllocIssue37262: after a 4-byte object a 12-byte one shares the block at offset 4 (only 32-bit platforms align it to 8)', () => {
    const h = new MHeap({ nprocs: 1 });
    const a = malloc(h, 4);
    const b = malloc(h, 12);
    expect([b.path, b.x - a.x]).toEqual(['tinyBlock', 4]);
  });

  test('TinyReplace: a block with 4 bytes left gives way to a new one with 8 left; TinyKeep: one with 14 left stays', () => {
    const h = new MHeap({ nprocs: 1 });
    const a = malloc(h, 12);
    const b = malloc(h, 8); // does not fit in a (12+8 > 16): new block b, which has more room
    expect(malloc(h, 8).x).toBe(b.x + 8);
    const c = malloc(h, 2); // new block c, 14 left
    const d = malloc(h, 15); // does not fit: new block d, but c has more room
    expect(malloc(h, 4).x).toBe(c.x + 4);
    expect(new Set([a.x, b.x, c.x, d.x]).size).toBe(4);
  });

  test('an object in the current block publishes nothing: mallocgc returns before the barrier', () => {
    const h = new MHeap({ nprocs: 1 });
    malloc(h, 1);
    const p = h.p(0);
    const m = mallocgcStart(h, 1, true, true, p);
    expect([m.path, m.finished, p.mallocing]).toEqual(['tinyBlock', true, false]);
  });
});

describe('the publication barrier (Go issue 54596)', () => {
  for (const size of [1024, 40000]) {
    test(`freeIndexForScan moves to freeindex only at mallocgcFinish: until then the GC sees the slot as free (${size} bytes)`, () => {
      const h = new MHeap({ nprocs: 1 });
      const p = h.p(0);
      malloc(h, size); // the span's first object (small), or another span (large)
      const m = mallocgcStart(h, size, true, true, p);
      const s = m.span;
      const i = objIndex(s, m.x);
      expect(s.freeindex).toBe(i + 1);
      expect(s.freeIndexForScan).toBe(size > 32768 ? 0 : i);
      expect(isFree(s, i)).toBe(true);
      expect(p.mallocing).toBe(true);
      mallocgcFinish(h, m, p);
      expect([s.freeIndexForScan, isFree(s, i), p.mallocing]).toEqual([i + 1, false, false]);
    });
  }

  test('allocate black: an object published during the mark phase is marked (and its span page-marked); in _GCoff it is not', () => {
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    const before = malloc(h, 1024);
    gcStart(h);
    const m = mallocgcStart(h, 1024, true, true, p);
    const i = objIndex(m.span, m.x);
    expect(m.span.gcmarkBits!.isSet(i)).toBe(false);
    const marked = h.work.bytesMarked;
    mallocgcFinish(h, m, p);
    expect(m.span.gcmarkBits!.isSet(i)).toBe(true);
    expect(h.work.bytesMarked - marked).toBe(1024);
    const page = (m.span.base() - h.g.arenaBaseOffset) / 8192 % h.g.pagesPerArena; // the span's first page in its arena
    expect((h.arenaOf(m.span.base())!.pageMarks[page >> 3]! >> (page & 7)) & 1).toBe(1);
    expect(m.span.gcmarkBits!.isSet(objIndex(before.span, before.x))).toBe(false); // allocated in _GCoff: not marked
  });

  test('needzero: a fresh span needs no clearing; a slot freed by sweeping does, when the caller asks for zeroed memory', () => {
    const h = new MHeap({ nprocs: 1 });
    const [a, b] = [malloc(h, 1024), malloc(h, 1024)];
    expect([a.cleared, b.cleared]).toEqual([false, false]);
    h.p(0).mcache.releaseAll(h, h.p(0));
    gcStart(h);
    markObject(h, a.x);
    gcMarkTermination(h, h.p(0)); // b dies
    const again = malloc(h, 1024, true, h.p(0), false); // sweeps a's span (cacheSpan), takes b's slot
    expect([again.x, again.span.needzero, again.cleared]).toEqual([b.x, 1, false]);
    expect(malloc(h, 1024).cleared).toBe(true);
  });
});

describe('throws', () => {
  test('"mallocgc called with gcphase == _GCmarktermination", changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    malloc(h, 64);
    h.gcphase = '_GCmarktermination'; // the world is stopped in mark termination
    const before = image(h);
    const e = catchThrow(() => mallocgcStart(h, 64, true, true, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['mallocgc called with gcphase == _GCmarktermination', 'runtime/malloc.go · mallocgc']);
    expect(image(h)).toBe(before);
  });

  test('"malloc deadlock": a second mallocgc on a P whose first has not finished, changing nothing; another P may allocate', () => {
    const h = new MHeap({ nprocs: 2 });
    mallocgcStart(h, 64, true, true, h.p(0));
    const before = image(h);
    const e = catchThrow(() => mallocgcStart(h, 64, true, true, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['malloc deadlock', 'runtime/malloc.go · mallocgc']);
    expect(image(h)).toBe(before);
    expect(malloc(h, 64, true, h.p(1)).path).toBe('small');
  });
});

/** Everything the heap holds, as a string: equal before and after means the call changed nothing. */


describe('what mallocgc reports (runtime/malloc.go · mallocgc @ go1.21)', () => {
  test('size 0 is refused with its reason (Go returns &zerobase: the model takes sizes from 1)', () => {
    const h = new MHeap({ nprocs: 1 });
    expect(catchRefusal(() => mallocgcStart(h, 0, true, true, h.p(0))).message).toBe('mallocgc: size must be a positive integer, got 0');
    expect(catchRefusal(() => mallocgcStart(h, 1.5, true, true, h.p(0))).message).toBe('mallocgc: size must be a positive integer, got 1.5');
  });

  test('refilled only when nextFree refilled the cached span: not for nextFreeFast, not for a large object (allocLarge, no mcache span), not in the tiny block', () => {
    const h = new MHeap({ nprocs: 1 });
    const first = malloc(h, 1024); // emptymspan: nextFree refills
    const second = malloc(h, 1024); // nextFreeFast from the cached span
    const large = malloc(h, 40000);
    const block = malloc(h, 1); // a new tiny block: emptymspan for the tiny class, refilled
    const inBlock = malloc(h, 1); // fits in it
    expect([first.refilled, second.refilled, large.refilled, block.refilled, inBlock.refilled]).toEqual([true, false, false, true, false]);
  });

  test('cleared: a new tiny block is always zeroed (Go writes its two words); an object in the current block is not (Go returns before any clearing)', () => {
    const h = new MHeap({ nprocs: 1 });
    const block = malloc(h, 1, true, h.p(0), false);
    const inBlock = malloc(h, 1);
    expect([block.path, block.cleared, inBlock.path, inBlock.cleared]).toEqual(['tiny', true, 'tinyBlock', false]);
  });

  test('cleared, large: only when the caller asks (needzero) and the span needs zeroing (span.needzero, set when its pages were freed)', () => {
    const h = new MHeap({ nprocs: 1 });
    const big = 16 * 8192; // 16 pages: not from the P's page cache (npages < pageCachePages/4 only), so a freed run is found again first-fit
    const fresh = malloc(h, big); // fresh pages: span.needzero 0
    expect([fresh.span.needzero, fresh.cleared]).toEqual([0, false]);
    h.p(0).mcache.releaseAll(h, h.p(0));
    gcStart(h);
    gcMarkTermination(h, h.p(0)); // nothing marked: fresh dies
    gcStart(h); // finishsweep_m frees its span: its pages need zeroing
    gcMarkTermination(h, h.p(0));
    const noZero = malloc(h, big, true, h.p(0), false); // the same pages again
    expect([noZero.x, noZero.span.needzero, noZero.cleared]).toEqual([fresh.x, 1, false]);
    h.p(0).mcache.releaseAll(h, h.p(0));
    gcStart(h);
    gcMarkTermination(h, h.p(0));
    gcStart(h);
    gcMarkTermination(h, h.p(0));
    const zero = malloc(h, big);
    expect([zero.x, zero.span.needzero, zero.cleared]).toEqual([fresh.x, 1, true]);
  });

  test('mallocgcFinish publishes once: finished after it; a tiny-block object (already finished) is not marked again during the mark phase, nor is a second finish', () => {
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    gcStart(h);
    const block = malloc(h, 1); // a new block: marked black, 16 bytes
    const small = malloc(h, 1024);
    expect([block.finished, small.finished, h.work.bytesMarked]).toEqual([true, true, 16 + 1024]);
    const inBlock = mallocgcStart(h, 1, true, true, p);
    expect(inBlock.path).toBe('tinyBlock');
    mallocgcFinish(h, inBlock, p);
    mallocgcFinish(h, small, p);
    expect(h.work.bytesMarked).toBe(16 + 1024);
  });
});
