// runtime/mcentral.go @ go1.21 · (*mcentral).cacheSpan, uncacheSpan, grow.
//
// cacheSpan's four paths, in Go's order: a partial swept span; a partial
// unswept one it acquires and sweeps, keeping it (preserve); a full unswept
// one it sweeps, if that freed an object (else it goes to the full swept
// set); a new span from the heap. Each hands the span out swept, at sg, its
// allocCache lined up with freeindex. uncacheSpan takes a span back from an
// mcache: at sg+1 (cached before the sweep began) it is swept now; at sg+3
// (swept, then cached) it goes to a swept set at sg.

import { describe, expect, test } from 'vitest';
import { image, catchThrow } from '../testing/heap.js';
import { mallocgcFinish, mallocgcStart } from './mallocgc.js';
import type { Malloc } from './mallocgc.js';
import { gcMarkTermination, gcStart } from './mgc.js';
import { markObject } from './mgcmark.js';
import type { MCentral } from './mcentral.js';
import { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import type { P } from './proc.js';
import type { Yield } from './steps.js';
import { _NumSizeClasses, class_to_allocnpages, class_to_size, sizeToClass } from './sizeclasses.js';
import { makeSpanClass } from './spanclass.js';

const u64 = (1n << 64n) - 1n;
/** 1024-byte objects: size class 32, eight to a one-page span. */
const size = 1024;
const spc = makeSpanClass(sizeToClass(size), true);

function malloc(h: MHeap, p: P = h.p(0)): Malloc {
  const m = mallocgcStart(h, size, true, true, p);
  mallocgcFinish(h, m, p);
  return m;
}

/** A heap whose P0 allocated n objects of the class and gave its span(s) back to mcentral. */
function released(n: number): { h: MHeap; c: MCentral; objs: Malloc[] } {
  const h = new MHeap({ nprocs: 1 });
  const objs = Array.from({ length: n }, () => malloc(h));
  h.p(0).mcache.releaseAll(h, h.p(0));
  return { h, c: h.central[spc]!, objs };
}

/** A GC cycle marking the given objects. */
function gc(h: MHeap, marked: readonly Malloc[], deferFlush?: (p: P) => boolean): void {
  gcStart(h);
  for (const m of marked) markObject(h, m.x);
  gcMarkTermination(h, h.p(0), deferFlush);
}

const inSet = (c: MCentral, sg: number, s: MSpan): string[] =>
  (
    [
      ['partialSwept', c.partialSwept(sg)],
      ['partialUnswept', c.partialUnswept(sg)],
      ['fullSwept', c.fullSwept(sg)],
      ['fullUnswept', c.fullUnswept(sg)],
    ] as const
  )
    .filter(([, set]) => set.contents().includes(s))
    .map(([name]) => name);

describe('cacheSpan', () => {
  test('PartialSwept: a swept span with free objects, as it is (sg), allocCache shifted to freeindex', () => {
    const { h, c, objs } = released(3);
    const s = objs[0]!.span;
    expect(inSet(c, h.sweepgen, s)).toEqual(['partialSwept']);
    expect(c.cacheSpan(h, h.p(0))).toBe(s);
    expect(c.lastPath).toBe('partialSwept');
    expect([s.sweepgen, s.freeindex]).toEqual([h.sweepgen, 3]);
    expect(s.allocCache).toBe(u64 >> 3n); // allocBits all clear (never swept); objects 3.. free
    expect(inSet(c, h.sweepgen, s)).toEqual([]);
  });

  test('PartialUnswept: a partial span that needs sweeping is acquired and swept, and kept (in no set), at sg', () => {
    const { h, c, objs } = released(3);
    gc(h, [objs[0]!, objs[2]!]);
    const s = objs[0]!.span;
    expect(s.sweepgen).toBe(h.sweepgen - 2);
    expect(c.cacheSpan(h, h.p(0))).toBe(s);
    expect(c.lastPath).toBe('partialUnswept');
    expect([s.sweepgen, s.allocCount, s.freeindex]).toEqual([h.sweepgen, 2, 0]);
    expect(s.allocCache & 0xffn).toBe(0b11111010n); // objects 0 and 2 live
    expect(inSet(c, h.sweepgen, s)).toEqual([]);
    expect(h.sweep.active.sweepers()).toBe(0);
  });

  test('FullUnswept: a full span that needs sweeping is swept; if that freed objects it is used from its first free one', () => {
    const { h, c, objs } = released(8);
    const s = objs[0]!.span;
    expect(inSet(c, h.sweepgen, s)).toEqual(['fullSwept']);
    gc(h, objs.slice(0, 6));
    expect(inSet(c, h.sweepgen, s)).toEqual(['fullUnswept']);
    expect(c.cacheSpan(h, h.p(0))).toBe(s);
    expect(c.lastPath).toBe('fullUnswept');
    expect([s.sweepgen, s.allocCount, s.freeindex]).toEqual([h.sweepgen, 6, 6]);
    expect(s.allocCache).toBe(u64 >> 6n);
    expect(inSet(c, h.sweepgen, s)).toEqual([]);
  });

  test('a full unswept span that stays full goes to the full swept set, and a new span is grown', () => {
    const { h, c, objs } = released(8);
    gc(h, objs);
    const s = objs[0]!.span;
    const got = c.cacheSpan(h, h.p(0))!;
    expect(c.lastPath).toBe('grow');
    expect(got).not.toBe(s);
    expect(s.sweepgen).toBe(h.sweepgen);
    expect(inSet(c, h.sweepgen, s)).toEqual(['fullSwept']);
  });

  test('a partial unswept span another sweeper holds (sg-1) is skipped: sweeping it and putting it away is theirs', () => {
    const { h, c, objs } = released(3);
    gc(h, [objs[0]!]);
    const s = objs[0]!.span;
    const sl = h.sweep.active.begin(h);
    sl.tryAcquire(s);
    expect(c.cacheSpan(h, h.p(0))).not.toBe(s);
    expect(c.lastPath).toBe('grow');
    expect(s.sweepgen).toBe(h.sweepgen - 1);
  });

  test('Grow: an empty heap gives a fresh span at sg, all free', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = h.central[spc]!.cacheSpan(h, h.p(0))!;
    expect(h.central[spc]!.lastPath).toBe('grow');
    expect([s.sweepgen, s.allocCount, s.freeindex, s.allocCache]).toEqual([h.sweepgen, 0, 0, u64]);
  });

  test('a full span where a partial one should be throws "span has no free objects" (the span is already popped)', () => {
    const { h, c, objs } = released(8);
    const s = objs[0]!.span;
    c.fullSwept(h.sweepgen).pop();
    c.partialSwept(h.sweepgen).push(s); // corrupt: full, on the partial set
    const e = catchThrow(() => c.cacheSpan(h, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['span has no free objects', 'runtime/mcentral.go · (*mcentral).cacheSpan']);
  });
});

describe('grow', () => {
  test("every size class, scan and noscan: a span of class_to_allocnpages pages, limit after the last whole object (Go's sizeclasses.go table)", () => {
    const h = new MHeap({ nprocs: 1 });
    for (let sc = 1; sc < _NumSizeClasses; sc++) {
      for (const noscan of [false, true]) {
        const s = h.central[makeSpanClass(sc, noscan)]!.grow(h, h.p(0))!;
        const npages = class_to_allocnpages[sc]!;
        const n = Math.floor((npages * 8192) / class_to_size[sc]!);
        expect([s.npages, s.elemsize, s.nelems, s.spanclass, s.sweepgen]).toEqual([npages, class_to_size[sc], n, makeSpanClass(sc, noscan), h.sweepgen]);
        expect(s.limit).toBe(s.base() + n * class_to_size[sc]!);
      }
    }
  });
});

describe('uncacheSpan', () => {
  test('a swept, cached span (sg+3) goes back to a swept set at sg: partial with free objects, full without', () => {
    const h = new MHeap({ nprocs: 1 });
    const c = h.central[spc]!;
    const a = Array.from({ length: 8 }, () => malloc(h))[0]!.span; // full, uncached by refill
    const b = malloc(h).span; // cached, one object
    expect([a.sweepgen, b.sweepgen]).toEqual([h.sweepgen, h.sweepgen + 3]);
    expect(inSet(c, h.sweepgen, a)).toEqual(['fullSwept']);
    c.uncacheSpan(h, b, h.p(0));
    expect(b.sweepgen).toBe(h.sweepgen);
    expect(inSet(c, h.sweepgen, b)).toEqual(['partialSwept']);
  });

  test('a span cached before the sweep began (sg+1) is swept now: partial swept at sg if something lives, freed if not', () => {
    const h = new MHeap({ nprocs: 3 });
    const live = malloc(h, h.p(1));
    const dead = malloc(h, h.p(2));
    gc(h, [live], (p) => p !== h.p(0)); // P1 and P2 flush later
    const c = h.central[spc]!;
    expect([live.span.sweepgen, dead.span.sweepgen]).toEqual([h.sweepgen + 1, h.sweepgen + 1]);
    c.uncacheSpan(h, live.span, h.p(1));
    expect([live.span.sweepgen, live.span.allocCount]).toEqual([h.sweepgen, 1]);
    expect(inSet(c, h.sweepgen, live.span)).toEqual(['partialSwept']);
    c.uncacheSpan(h, dead.span, h.p(2));
    expect([dead.span.sweepgen, dead.span.state.get()]).toEqual([h.sweepgen, 'mSpanDead']);
  });

  test('an empty span throws "uncaching span but s.allocCount == 0", changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    const c = h.central[spc]!;
    const s = c.grow(h, h.p(0))!;
    s.sweepgen = h.sweepgen + 3;
    const before = image(h);
    const e = catchThrow(() => c.uncacheSpan(h, s, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['uncaching span but s.allocCount == 0', 'runtime/mcentral.go · (*mcentral).uncacheSpan']);
    expect(image(h)).toBe(before);
  });
});

/** Everything the heap holds, as a string: equal before and after means the call changed nothing. */


/** cacheSpan run to its end, with the steps it yielded at its own points (cacheSpan: ..., not the sweeps of its sweep credit). */
function cacheSpanYields(c: MCentral, h: MHeap): { got: MSpan | null; steps: Yield[] } {
  const g = c.cacheSpanSteps(h, h.p(0));
  const steps: Yield[] = [];
  for (;;) {
    const r = g.next();
    if (r.done === true) return { got: r.value, steps: steps.filter((y) => y.at.startsWith('cacheSpan: ')) };
    steps.push(r.value);
  }
}

describe('cacheSpan, stepped where other sweepers interleave (steps.ts; runtime/mcentral.go · (*mcentral).cacheSpan @ go1.21: pop, then tryAcquire = check (s.sweepgen == sg-2) and CAS to sg-1, then sweep)', () => {
  test('a partial unswept span: popped, checked, won (held), then swept and kept', () => {
    const { h, c, objs } = released(3);
    gc(h, [objs[0]!]);
    const s = objs[0]!.span;
    expect(cacheSpanYields(c, h)).toEqual({
      got: s,
      steps: [
        { at: 'cacheSpan: popped from partialUnswept', span: s, holds: false },
        { at: 'cacheSpan: tryAcquire checked', span: s, holds: false },
        { at: 'cacheSpan: tryAcquire won', span: s, holds: true },
      ],
    });
  });

  test('a partial unswept span another sweeper holds: popped, and its check fails (no CAS is tried)', () => {
    const { h, c, objs } = released(3);
    gc(h, [objs[0]!]);
    const s = objs[0]!.span;
    h.sweep.active.begin(h).tryAcquire(s);
    const { got, steps } = cacheSpanYields(c, h);
    expect(got).not.toBe(s);
    expect(steps).toEqual([{ at: 'cacheSpan: popped from partialUnswept', span: s, holds: false }]);
  });

  test('a full unswept span that stays full: popped from fullUnswept, won, swept, put on the full swept set, and the span let go', () => {
    const { h, c, objs } = released(8);
    gc(h, objs);
    const s = objs[0]!.span;
    expect(cacheSpanYields(c, h).steps).toEqual([
      { at: 'cacheSpan: popped from fullUnswept', span: s, holds: false },
      { at: 'cacheSpan: tryAcquire checked', span: s, holds: false },
      { at: 'cacheSpan: tryAcquire won', span: s, holds: true },
      { at: 'cacheSpan: swept a full span, still full', span: null, holds: false },
    ]);
  });

  test('it first sweeps for its credit, for class_to_allocnpages*pageSize bytes (deductSweepCredit(spanBytes, 0))', () => {
    const h = new MHeap({ nprocs: 1 });
    for (let i = 0; i < 100; i++) mallocOf(h, 10 * 8192); // 1000 pages in use
    h.p(0).mcache.releaseAll(h, h.p(0));
    gc(h, []); // nothing marked: every span to sweep
    // Go's deductSweepCredit: pagesTarget = int64(sweepPagesPerByte*float64(spanBytes + heapLive - basis)); class 32 spans are one page.
    const target = Math.floor(h.sweepPagesPerByte * (class_to_allocnpages[32]! * 8192 + Math.max(0, h.gcController.heapLive - h.sweepHeapLiveBasis)));
    expect(target).toBeGreaterThan(0);
    const first = h.central[spc]!.cacheSpanSteps(h, h.p(0)).next();
    expect([first.done, first.value && 'at' in first.value ? first.value.at.startsWith('sweepone: ') : null]).toEqual([false, true]);
  });
});

function mallocOf(h: MHeap, n: number): Malloc {
  const m = mallocgcStart(h, n, true, true, h.p(0));
  mallocgcFinish(h, m, h.p(0));
  return m;
}

describe('haveSpan (runtime/mcentral.go · (*mcentral).cacheSpan @ go1.21, haveSpan: throw if n == 0 || s.freeindex == s.nelems || s.allocCount == s.nelems; then refillAllocCache(freeByteBase/8))', () => {
  test('a partial span whose freeindex is at nelems (allocCount says free objects) throws "span has no free objects"', () => {
    const { h, c, objs } = released(3);
    objs[0]!.span.freeindex = objs[0]!.span.nelems; // corrupt
    const e = catchThrow(() => c.cacheSpan(h, h.p(0)));
    expect([e.goMessage, e.site]).toEqual(['span has no free objects', 'runtime/mcentral.go · (*mcentral).cacheSpan']);
  });

  test('freeindex past the first 64 objects: allocCache is loaded from allocBits byte freeByteBase/8 (= 8 for freeindex 82) and shifted by freeindex%64', () => {
    // 16-byte objects (class 2, noscan): 512 to a one-page span.
    const h = new MHeap({ nprocs: 1 });
    const p = h.p(0);
    const objs = Array.from({ length: 200 }, () => mallocOf(h, 16));
    const s = objs[0]!.span;
    p.mcache.releaseAll(h, p);
    gc(h, [70, 71, 100, 101].map((i) => objs[i]!)); // s: partial unswept; sweeping sets allocBits 70, 71, 100, 101
    for (let i = 0; i < 80; i++) mallocOf(h, 16); // refill sweeps s; objects 0..69 and 72..81 taken: freeindex 82
    expect([p.mcache.alloc[makeSpanClass(2, true)], s.freeindex, s.allocCount]).toEqual([s, 82, 84]); // 4 live + 80
    p.mcache.releaseAll(h, p); // s to the partial swept set
    const c = h.central[makeSpanClass(2, true)]!;
    expect(c.cacheSpan(h, p)).toBe(s);
    // Bits 64..127 of ~allocBits: all free but 70, 71, 100, 101 (bits 6, 7, 36, 37); >> 18: 100, 101 at bits 18, 19.
    expect(s.allocCache).toBe((u64 >> 18n) & ~(0b11n << 18n));
  });
});

describe('cacheSpan\'s spanBudget (runtime/mcentral.go · (*mcentral).cacheSpan @ go1.21: spanBudget := 100; for ; spanBudget >= 0; spanBudget-- over partial unswept, then full unswept: at most 101 spans tried)', () => {
  /** k partial unswept spans of 4096-byte objects another sweeper holds, then one it can take. */
  function partialUnswept(k: number): { h: MHeap; c: MCentral; free: MSpan } {
    const h = new MHeap({ nprocs: 1 });
    const spc4k = makeSpanClass(sizeToClass(4096), true); // two objects to a one-page span
    const objs = Array.from({ length: 2 * (k + 1) }, () => mallocOf(h, 4096));
    h.p(0).mcache.releaseAll(h, h.p(0));
    const firsts = objs.filter((_, i) => i % 2 === 0);
    gc(h, firsts); // full unswept, one object of each live
    gc(h, firsts); // gcStart swept them: partial; now partial unswept
    const c = h.central[spc4k]!;
    const spans = c.partialUnswept(h.sweepgen).contents();
    expect(spans.length).toBe(k + 1);
    const sl = h.sweep.active.begin(h);
    for (const s of spans.slice(0, k)) expect(sl.tryAcquire(s)).toBe(true);
    return { h, c, free: spans[k]! };
  }

  test('100 held partial spans, then a free one: the 101st try takes it', () => {
    const { h, c, free } = partialUnswept(100);
    expect(c.cacheSpan(h, h.p(0))).toBe(free);
    expect(c.lastPath).toBe('partialUnswept');
  });

  test('101 held partial spans, then a free one: the budget is spent, a new span is grown', () => {
    const { h, c, free } = partialUnswept(101);
    expect(c.cacheSpan(h, h.p(0))).not.toBe(free);
    expect(c.lastPath).toBe('grow');
    expect(c.partialUnswept(h.sweepgen).contents()).toEqual([free]);
  });

  /** k full unswept spans of 8192-byte objects that stay full when swept, then one whose object died. */
  function fullUnswept(k: number): { h: MHeap; c: MCentral; free: MSpan } {
    const h = new MHeap({ nprocs: 1 });
    const spc8k = makeSpanClass(sizeToClass(8192), true); // one object to a one-page span
    const objs = Array.from({ length: k + 1 }, () => mallocOf(h, 8192));
    h.p(0).mcache.releaseAll(h, h.p(0));
    const c = h.central[spc8k]!;
    const order = c.fullSwept(h.sweepgen).contents();
    expect(order.length).toBe(k + 1);
    const free = order[k]!;
    gc(h, objs.filter((m) => m.span !== free));
    expect(c.fullUnswept(h.sweepgen).contents()).toEqual(order);
    return { h, c, free };
  }

  test('100 full spans that stay full, then one with a free object: the 101st try takes it', () => {
    const { h, c, free } = fullUnswept(100);
    expect(c.cacheSpan(h, h.p(0))).toBe(free);
    expect(c.lastPath).toBe('fullUnswept');
  });

  test('101 full spans that stay full, then one with a free object: the budget is spent, a new span is grown', () => {
    const { h, c, free } = fullUnswept(101);
    c.cacheSpan(h, h.p(0)); // (mheap.alloc's reclaim may sweep and free the last one: its MSpan may come back as the new span)
    expect(c.lastPath).toBe('grow');
    expect(c.fullUnswept(h.sweepgen).contents()).toEqual([free]);
  });
});
