// runtime/mgcsweep.go @ go1.21: activeSweep, sweepLocker.tryAcquire, sweep
// and its dispositions, sweepone step by step, ensureSwept, deductSweepCredit.
//
// Every expectation is Go's: the sweepgen table on mspan.sweepgen (sg-2
// needs sweeping, sg-1 being swept, sg swept, sg+1 cached before the sweep
// began, sg+3 swept and cached), the comments of activeSweep, and what
// sweep does with a span by its marks.
//
// Two of sweep's throws cannot be provoked by any input, in the model as in
// Go: "mspan.sweep: bad span state after sweep" re-checks, after the bits
// are swapped, what was checked on entry; only a concurrent writer of
// s.state or s.sweepgen could change them in between, and nothing runs
// inside a model step. "swept cached span" follows it and asks whether
// s.sweepgen, just found to be sg-1, is sg+1 or sg+3: never.

import { describe, expect, test } from 'vitest';
import { image, catchThrow } from '../testing/heap.js';
import { mallocgcFinish, mallocgcStart } from './mallocgc.js';
import type { Malloc } from './mallocgc.js';
import { gcMarkTermination, gcStart, gcSweep } from './mgc.js';
import { markObject } from './mgcmark.js';
import { SweepData, SweeponeG, deductSweepCredit, ensureSwept, gcPaceSweeper, isSweepDone, nextSpanForSweep, sweep, sweepAll, sweepClassDone, sweepDrainedMask, sweepone, sweeponeSteps } from './mgcsweep.js';
import { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import type { P } from './proc.js';
import { sizeToClass } from './sizeclasses.js';
import { makeSpanClass, spanAllocStack } from './spanclass.js';

// A page-sized object: class 51 holds one 8192-byte object per 1-page span, so each malloc takes a span of its own.
const onePerSpan = 8192;
// 1024-byte objects: class 32, eight to a 1-page span.
const eightPerSpan = 1024;

function malloc(h: MHeap, size: number, p: P = h.p(0)): Malloc {
  const m = mallocgcStart(h, size, true, true, p);
  mallocgcFinish(h, m, p);
  return m;
}

/** One GC cycle: mark what the mutator reaches, end the mark phase on P0. */
function gc(h: MHeap, reach: readonly number[], deferFlush?: (p: P) => boolean): void {
  gcStart(h);
  for (const x of reach) markObject(h, x);
  gcMarkTermination(h, h.p(0), deferFlush);
}

/** Spans that need sweeping: n one-object spans, given back to mcentral, then a GC that marks the objects of those keep says. */
function unsweptSpans(n: number, keep: (i: number) => boolean = () => false): { h: MHeap; spans: MSpan[] } {
  const h = new MHeap({ nprocs: 1 });
  const ms = Array.from({ length: n }, () => malloc(h, onePerSpan));
  h.p(0).mcache.releaseAll(h, h.p(0));
  gc(h, ms.filter((_, i) => keep(i)).map((m) => m.x));
  return { h, spans: ms.map((m) => m.span) };
}

describe('activeSweep', () => {
  test('gcinit: no sweep on the first cycle (drained, no sweepers): isSweepDone, and begin gives an invalid locker', () => {
    const h = new MHeap({});
    expect(isSweepDone(h)).toBe(true);
    expect(h.sweep.active.begin(h).valid).toBe(false);
    expect(h.sweep.active.sweepers()).toBe(0);
  });

  test('a sweeper that began keeps isSweepDone false after the sets are drained, until it ends', () => {
    const h = new MHeap({});
    gcSweep(h); // a new sweep generation: reset
    expect(isSweepDone(h)).toBe(false);
    const sl = h.sweep.active.begin(h);
    expect([sl.valid, sl.sweepGen, h.sweep.active.sweepers()]).toEqual([true, h.sweepgen, 1]);
    expect(h.sweep.active.markDrained()).toBe(true);
    expect(h.sweep.active.markDrained()).toBe(false); // only the first call marks
    expect(isSweepDone(h)).toBe(false);
    // Drained: a new sweeper gets an invalid locker whose sweepGen is still valid, and is not counted.
    const late = h.sweep.active.begin(h);
    expect([late.valid, late.sweepGen, h.sweep.active.sweepers()]).toEqual([false, h.sweepgen, 1]);
    h.sweep.active.end(h, sl);
    expect(isSweepDone(h)).toBe(true);
  });

  test('a second end for one begin throws "mismatched begin/end of activeSweep", drained or not, and leaves the state alone', () => {
    for (const drain of [false, true]) {
      const h = new MHeap({});
      gcSweep(h);
      const sl = h.sweep.active.begin(h);
      if (drain) h.sweep.active.markDrained();
      h.sweep.active.end(h, sl);
      const state = h.sweep.active.state;
      expect(state).toBe(drain ? sweepDrainedMask : 0);
      const e = catchThrow(() => h.sweep.active.end(h, sl));
      expect([e.goMessage, e.site]).toEqual(['mismatched begin/end of activeSweep', 'runtime/mgcsweep.go · (*activeSweep).end']);
      expect(h.sweep.active.state).toBe(state);
    }
  });

  test('end of a sweeper that began before gcSweep throws "sweeper left outstanding across sweep generations", changing nothing', () => {
    const h = new MHeap({});
    gcSweep(h);
    const sl = h.sweep.active.begin(h);
    gcSweep(h);
    const before = image(h);
    const e = catchThrow(() => h.sweep.active.end(h, sl));
    expect([e.goMessage, e.site]).toEqual(['sweeper left outstanding across sweep generations', 'runtime/mgcsweep.go · (*activeSweep).end']);
    expect(image(h)).toBe(before);
  });
});

describe('sweepLocker.tryAcquire', () => {
  test('only moves a span that needs sweeping, sg-2, to sg-1 (being swept); every other relation is left alone', () => {
    const { h, spans } = unsweptSpans(1);
    const s = spans[0]!;
    const sg = h.sweepgen;
    const sl = h.sweep.active.begin(h);
    for (const d of [-1, 0, 1, 3]) {
      s.sweepgen = sg + d;
      expect(sl.tryAcquire(s)).toBe(false);
      expect(s.sweepgen).toBe(sg + d);
    }
    s.sweepgen = sg - 2;
    expect(sl.tryAcquire(s)).toBe(true);
    expect(s.sweepgen).toBe(sg - 1);
    expect(sl.tryAcquire(s)).toBe(false); // a second sweeper cannot take it
  });

  test('an invalid locker throws "use of invalid sweepLocker", changing nothing', () => {
    const { h, spans } = unsweptSpans(1);
    h.sweep.active.markDrained();
    const sl = h.sweep.active.begin(h);
    const before = image(h);
    const e = catchThrow(() => sl.tryAcquire(spans[0]!));
    expect([e.goMessage, e.site]).toEqual(['use of invalid sweepLocker', 'runtime/mgcsweep.go · (*sweepLocker).tryAcquire']);
    expect(image(h)).toBe(before);
  });
});

/** A span of eight 1024-byte objects, n of them allocated, given back to mcentral; then a GC marking those in marked. */
function smallSpan(n: number, marked: readonly number[]): { h: MHeap; s: MSpan; objs: number[] } {
  const h = new MHeap({ nprocs: 1 });
  const objs = Array.from({ length: n }, () => malloc(h, eightPerSpan).x);
  const s = h.spanOf(objs[0]!)!;
  h.p(0).mcache.releaseAll(h, h.p(0));
  gc(h, marked.map((i) => objs[i]!));
  return { h, s, objs };
}

/** Acquire s as a sweeper would, then sweep it. */
function acquireAndSweep(h: MHeap, s: MSpan, preserve: boolean): boolean {
  const sl = h.sweep.active.begin(h);
  expect(sl.tryAcquire(s)).toBe(true);
  const freed = sweep(h, s, preserve);
  h.sweep.active.end(h, sl);
  return freed;
}

describe('sweep', () => {
  const sc = sizeToClass(eightPerSpan);
  const spc = makeSpanClass(sc, true);

  test('the marks become the allocation bits: unmarked objects are freed, the span goes to the partial swept set at sg', () => {
    const { h, s } = smallSpan(5, [1, 3]);
    const sg = h.sweepgen;
    expect(s.sweepgen).toBe(sg - 2);
    const freeCount = h.heapStats.smallFreeCount[sc]!;
    expect(acquireAndSweep(h, s, false)).toBe(false);
    expect([s.sweepgen, s.allocCount, s.freeindex, s.freeIndexForScan, s.needzero]).toEqual([sg, 2, 0, 0, 1]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((i) => s.allocBits!.isSet(i))).toEqual([1, 3]);
    expect(s.gcmarkBits!.count()).toBe(0); // fresh mark bits for the next cycle
    expect(s.allocCache & 0xffn).toBe(0b11110101n); // refilled from the new allocBits: objects 1 and 3 taken
    expect(h.central[spc]!.partialSwept(sg).contents()).toContain(s);
    expect(h.heapStats.smallFreeCount[sc]! - freeCount).toBe(3);
  });

  test('a span with every object marked goes to the full swept set, and needs no zeroing (nothing was freed)', () => {
    const all = [0, 1, 2, 3, 4, 5, 6, 7];
    const { h, s } = smallSpan(8, all);
    expect(acquireAndSweep(h, s, false)).toBe(false);
    expect([s.allocCount, s.needzero]).toEqual([8, 0]);
    expect(h.central[spc]!.fullSwept(h.sweepgen).contents()).toContain(s);
  });

  test('a small span with nothing marked goes back to the heap', () => {
    const { h, s } = smallSpan(3, []);
    const inUse = h.pagesInUse;
    expect(acquireAndSweep(h, s, false)).toBe(true);
    expect([s.state.get(), h.pagesInUse]).toEqual(['mSpanDead', inUse - 1]);
  });

  test('preserve: swept at sg, but neither freed nor put on a set (cacheSpan keeps it)', () => {
    const { h, s } = smallSpan(3, []);
    expect(acquireAndSweep(h, s, true)).toBe(false);
    expect([s.state.get(), s.sweepgen, s.allocCount]).toEqual(['mSpanInUse', h.sweepgen, 0]);
    const c = h.central[spc]!;
    expect([c.partialSwept(h.sweepgen), c.fullSwept(h.sweepgen)].some((set) => set.contents().includes(s))).toBe(false);
  });

  test('a large span whose object died is freed (largeFree counts it); one whose object lives goes to the full swept set', () => {
    const h = new MHeap({ nprocs: 1 });
    const dead = malloc(h, 40000);
    const live = malloc(h, 40000);
    gc(h, [live.x]);
    const freed = h.heapStats.largeFree;
    expect(acquireAndSweep(h, dead.span, false)).toBe(true);
    expect(dead.span.state.get()).toBe('mSpanDead');
    expect(h.heapStats.largeFree - freed).toBe(5 * 8192);
    expect(acquireAndSweep(h, live.span, false)).toBe(false);
    expect(h.central[makeSpanClass(0, true)]!.fullSwept(h.sweepgen).contents()).toContain(live.span);
  });

  test('a span nobody acquired (sg-2), a swept one (sg) or a dead one: "mspan.sweep: bad span state", changing nothing', () => {
    const { h, s } = smallSpan(3, []);
    const sg = h.sweepgen;
    const dead = h.allocManual(1, spanAllocStack, h.p(0))!;
    h.freeManual(dead, spanAllocStack, h.p(0));
    for (const [span, sweepgen] of [[s, sg - 2], [s, sg], [dead, sg - 1]] as const) {
      span.sweepgen = sweepgen;
      const before = image(h);
      const e = catchThrow(() => sweep(h, span, false));
      expect([e.goMessage, e.site]).toEqual(['mspan.sweep: bad span state', 'runtime/mgcsweep.go · (*sweepLocked).sweep']);
      expect(image(h)).toBe(before);
    }
  });

  test('a marked free object (a pointer to a free slot) throws "found pointer to free object", changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    const x = malloc(h, eightPerSpan).x;
    const s = h.spanOf(x)!;
    h.p(0).mcache.releaseAll(h, h.p(0));
    gc(h, [x, x + 5 * eightPerSpan]); // object 5 was never allocated
    const sl = h.sweep.active.begin(h);
    sl.tryAcquire(s);
    const before = image(h);
    const e = catchThrow(() => sweep(h, s, false));
    expect([e.goMessage, e.site]).toEqual(['found pointer to free object', 'runtime/mgcsweep.go · (*mspan).reportZombies']);
    expect(image(h)).toBe(before);
  });

  test('more marked objects than allocated ones (allocCount corrupted) throws "sweep increased allocation count", changing nothing', () => {
    const { h, s } = smallSpan(4, [0, 1, 2]);
    s.allocCount = 2;
    const sl = h.sweep.active.begin(h);
    sl.tryAcquire(s);
    const before = image(h);
    const e = catchThrow(() => sweep(h, s, false));
    expect([e.goMessage, e.site]).toEqual(['sweep increased allocation count', 'runtime/mgcsweep.go · (*sweepLocked).sweep']);
    expect(image(h)).toBe(before);
  });
});

describe('sweepone and nextSpanForSweep', () => {
  test('SweeponeG: begin, take a span, check, CAS sg-2 to sg-1, sweep it to sg (pages freed count as reclaim credit), end', () => {
    const { h, spans } = unsweptSpans(1);
    const s = spans[0]!;
    const sg = h.sweepgen;
    const g = new SweeponeG(h, h.p(0));
    const seen: [string, number, number][] = [];
    while (!g.done) {
      const pc = g.pc;
      g.step();
      seen.push([pc, s.sweepgen - sg, h.sweep.active.sweepers()]);
    }
    expect(seen).toEqual([
      ['begin', -2, 1],
      ['next', -2, 1],
      ['acquire', -2, 1],
      ['cas', -1, 1],
      ['sweep', 0, 1],
      ['end', 0, 0],
    ]);
    expect([g.result, h.reclaimCredit, s.state.get()]).toEqual([1, 1, 'mSpanDead']);
  });

  test('with nothing left to sweep, sweepone marks the sets drained and returns ^uintptr(0); once drained it begins no sweeper', () => {
    const { h, spans } = unsweptSpans(1);
    const g = new SweeponeG(h, h.p(0));
    g.step();
    g.step();
    g.step();
    g.step();
    g.step();
    g.step(); // swept the one span
    const last = new SweeponeG(h, h.p(0));
    last.step(); // begin
    last.step(); // next: nothing
    expect([last.pc, last.noMoreWork, isSweepDone(h)]).toEqual(['end', true, false]);
    last.step();
    expect([last.done, last.result, isSweepDone(h)]).toEqual([true, Infinity, true]);
    const after = new SweeponeG(h, h.p(0));
    after.step();
    expect([after.done, h.sweep.active.sweepers()]).toEqual([true, 0]);
    expect(spans[0]!.state.get()).toBe('mSpanDead');
  });

  test('a sweeper that loses the CAS (another took the span between its check and its CAS) moves on to the next span', () => {
    const { h, spans } = unsweptSpans(2);
    const [a, b] = spans as [MSpan, MSpan];
    const g = new SweeponeG(h, h.p(0));
    g.step(); // begin
    g.step(); // next: a
    expect(g.span).toBe(a);
    g.step(); // acquire: a needs sweeping
    expect(g.pc).toBe('cas');
    expect(ensureSwept(h, a)).toBe(true); // someone else sweeps a
    g.step(); // cas fails
    expect([g.pc, g.holds]).toEqual(['next', false]);
    g.step(); // next: b
    expect(g.span).toBe(b);
  });

  test('stale entries (spans someone else swept, still in their unswept set) are skipped: a freed one by its state, a live one by the check, before any CAS', () => {
    const { h, spans } = unsweptSpans(3, (i) => i === 1);
    const [freed, live, next] = spans as [MSpan, MSpan, MSpan];
    ensureSwept(h, freed); // freed: dead, at sg
    ensureSwept(h, live); // marked: in use, at sg
    const g = new SweeponeG(h, h.p(0));
    g.step();
    for (const stale of [freed, live]) {
      g.step();
      expect(g.span).toBe(stale);
      g.step(); // acquire
      expect(g.pc).toBe('next');
    }
    g.step();
    expect(g.span).toBe(next);
  });

  test('a non-in-use span in an unswept set at neither sg nor sg+3 throws "non in-use span in unswept list", the step changing nothing', () => {
    const { h } = unsweptSpans(1);
    const stack = h.allocManual(1, spanAllocStack, h.p(0))!; // a span structure in another state, at sweepgen 0
    h.central[0]!.fullUnswept(h.sweepgen).push(stack);
    const g = new SweeponeG(h, h.p(0));
    g.step();
    g.step();
    expect(g.span).toBe(stack);
    const before = image(h);
    const e = catchThrow(() => g.step());
    expect([e.goMessage, e.site]).toEqual(['non in-use span in unswept list', 'runtime/mgcsweep.go · sweepone']);
    expect(e.detail).toBe(`bad span s.state=mSpanManual s.sweepgen=0 sweepgen=${h.sweepgen}`);
    expect(image(h)).toBe(before);
  });

  test('nextSpanForSweep: span classes in order from centralIndex, the full set before the partial one; then sweepClassDone', () => {
    const h = new MHeap({ nprocs: 1 });
    const small = malloc(h, 16).span; // class 2
    const objs = Array.from({ length: 9 }, () => malloc(h, eightPerSpan)); // class 32: one full span, one with an object
    const one = malloc(h, onePerSpan).span; // class 51
    h.p(0).mcache.releaseAll(h, h.p(0));
    gc(h, []);
    const full = objs[0]!.span;
    const partial = objs[8]!.span;
    expect([full.allocCount, partial.allocCount]).toEqual([8, 1]);
    expect([nextSpanForSweep(h), nextSpanForSweep(h), nextSpanForSweep(h), nextSpanForSweep(h)]).toEqual([small, full, partial, one]);
    expect(h.sweep.centralIndex).toBe((makeSpanClass(sizeToClass(onePerSpan), true) << 1) + 0);
    expect(nextSpanForSweep(h)).toBeNull();
    expect(h.sweep.centralIndex).toBe(sweepClassDone);
  });

  test('sweepone returns the pages it gave back to the heap: 0 for a span that lives on', () => {
    const { h, spans } = unsweptSpans(1, () => true);
    expect(sweepone(h)).toBe(0);
    expect(spans[0]!.sweepgen).toBe(h.sweepgen);
  });
});

describe('ensureSwept', () => {
  test('sweeps a span that needs it itself', () => {
    const { h, spans } = unsweptSpans(1, () => true);
    expect(ensureSwept(h, spans[0]!)).toBe(true);
    expect(spans[0]!.sweepgen).toBe(h.sweepgen);
  });

  test('is false while another sweeper holds the span (sg-1), true once it has swept it', () => {
    const { h, spans } = unsweptSpans(1, () => true);
    const s = spans[0]!;
    const g = new SweeponeG(h, h.p(0));
    while (g.pc !== 'sweep') g.step();
    expect(s.sweepgen).toBe(h.sweepgen - 1);
    expect(ensureSwept(h, s)).toBe(false);
    g.step();
    expect(ensureSwept(h, s)).toBe(true);
  });

  test('is false while an mcache still holds the span from before the sweep (sg+1), true once that P has flushed', () => {
    const h = new MHeap({ nprocs: 2 });
    const m = malloc(h, eightPerSpan, h.p(1));
    gc(h, [m.x], (p) => p === h.p(1));
    expect(m.span.sweepgen).toBe(h.sweepgen + 1);
    expect(ensureSwept(h, m.span)).toBe(false);
    malloc(h, 8, h.p(1)); // P1 reaches a safe point and flushes its mcache
    expect(m.span.sweepgen).toBe(h.sweepgen);
    expect(ensureSwept(h, m.span)).toBe(true);
  });

  test('is true at once for a swept span (sg) and for one swept and cached again (sg+3)', () => {
    const h = new MHeap({ nprocs: 1 });
    const m = malloc(h, eightPerSpan);
    gc(h, [m.x]); // P0 flushes: its stale span is swept, to the partial swept set
    expect(m.span.sweepgen).toBe(h.sweepgen);
    expect(ensureSwept(h, m.span)).toBe(true);
    malloc(h, eightPerSpan); // cached again from the swept set
    expect(m.span.sweepgen).toBe(h.sweepgen + 3);
    expect(ensureSwept(h, m.span)).toBe(true);
  });
});

describe('deductSweepCredit', () => {
  test('sweeps sweepPagesPerByte pages per byte allocated since the basis, less the pages the caller sweeps itself', () => {
    const { h } = unsweptSpans(10);
    h.sweepPagesPerByte = 1 / 8192;
    h.sweepHeapLiveBasis = h.gcController.heapLive;
    h.pagesSweptBasis = h.pagesSwept;
    h.gcController.heapLive += 3 * 8192; // three pages allocated since the basis
    deductSweepCredit(h, 2 * 8192, 1); // a two-page span; the caller sweeps one page itself
    expect(h.pagesSwept - h.pagesSweptBasis).toBe(4);
  });

  test('Go issue 57523: a heapLive below the basis adds nothing (no unsigned wrap into a huge sweep debt)', () => {
    const { h } = unsweptSpans(10);
    h.sweepPagesPerByte = 1 / 8192;
    h.sweepHeapLiveBasis = h.gcController.heapLive + 100 * 8192; // a concurrent gcPaceSweeper set a newer basis
    h.pagesSweptBasis = h.pagesSwept;
    deductSweepCredit(h, 2 * 8192, 0);
    expect(h.pagesSwept - h.pagesSweptBasis).toBe(2); // just the span's own pages
  });

  test('runs out of spans: proportional sweep is done, sweepPagesPerByte = 0; and 0 means no sweeping', () => {
    const { h } = unsweptSpans(2);
    h.sweepPagesPerByte = 1;
    h.pagesSweptBasis = h.pagesSwept;
    deductSweepCredit(h, 8192, 0);
    expect([h.sweepPagesPerByte, isSweepDone(h)]).toEqual([0, true]);
    const { h: h2 } = unsweptSpans(2);
    h2.sweepPagesPerByte = 0;
    const swept = h2.pagesSwept;
    deductSweepCredit(h2, 1 << 30, 0);
    expect(h2.pagesSwept).toBe(swept);
  });
});

describe('runtime/mgcsweep.go · activeSweep.markDrained and sweepClass.update @ go1.21', () => {
  test('markDrained with no sweeper outstanding: the first call marks (state = sweepDrainedMask), a second sees the bit and returns false', () => {
    // Go: "if state&sweepDrainedMask != 0 { return false }": the bit alone, count 0, is already drained.
    const h = new MHeap({});
    gcSweep(h);
    expect(h.sweep.active.markDrained()).toBe(true);
    expect(h.sweep.active.state).toBe(sweepDrainedMask);
    expect(h.sweep.active.markDrained()).toBe(false);
    expect([h.sweep.active.state, isSweepDone(h)]).toEqual([sweepDrainedMask, true]);
  });

  test('sweepClass.update only raises centralIndex ("*s increases monotonically"): a lower sNew leaves it', () => {
    const d = new SweepData();
    d.updateCentralIndex(7);
    d.updateCentralIndex(3);
    expect(d.centralIndex).toBe(7);
    d.updateCentralIndex(9);
    expect(d.centralIndex).toBe(9);
  });
});

describe('runtime/mgcsweep.go · (*sweepLocked).sweep details @ go1.21', () => {
  const sc = sizeToClass(eightPerSpan);

  test('"mspan.sweep: bad span state" prints Go\'s detail: state, sweepgen, mheap.sweepgen', () => {
    const { h, s } = smallSpan(3, []);
    const sg = h.sweepgen;
    // s was never acquired: it is still at sg-2.
    const e = catchThrow(() => sweep(h, s, false));
    expect(e.detail).toBe(`state=mSpanInUse sweepgen=${sg - 2} mheap.sweepgen=${sg}`);
  });

  test('reportZombies prints the span base, elemsize and freeindex', () => {
    const h = new MHeap({ nprocs: 1 });
    const x = malloc(h, eightPerSpan).x;
    const s = h.spanOf(x)!;
    h.p(0).mcache.releaseAll(h, h.p(0));
    gc(h, [x, x + 5 * eightPerSpan]);
    h.sweep.active.begin(h).tryAcquire(s);
    const e = catchThrow(() => sweep(h, s, false));
    expect(e.detail).toBe(`marked free object in span ${s.base()}, elemsize=1024 freeindex=${s.freeindex}`);
  });

  test('reportZombies looks only at objects [freeindex, nelems): a mark in the bitmap\'s padding beyond nelems is no object', () => {
    // Go: "for i := uintptr(s.freeindex); i < uintptr(s.nelems); i++": the mark bits are whole uint64s, bit nelems is padding.
    const { h, s } = smallSpan(7, [0, 1, 2, 3, 4, 5, 6]);
    expect([s.nelems, s.freeindex]).toEqual([8, 7]); // object 7 is free and unmarked
    s.gcmarkBits!.set(8);
    h.sweep.active.begin(h).tryAcquire(s);
    expect(sweep(h, s, false)).toBe(false);
    expect(s.allocCount).toBe(7);
  });

  test('"sweep increased allocation count" prints nelems, nalloc, the previous allocCount and nfreed (negative)', () => {
    const { h, s } = smallSpan(4, [0, 1, 2]);
    s.allocCount = 2;
    h.sweep.active.begin(h).tryAcquire(s);
    const e = catchThrow(() => sweep(h, s, false));
    // nalloc = 3 marked, nfreed = allocCount - nalloc = 2 - 3.
    expect(e.detail).toBe('nelems=8 nalloc=3 previous allocCount=2 nfreed=-1');
  });

  test('a large span whose object died, swept with preserve: swept at sg, but not freed ("} else if !preserve {")', () => {
    const h = new MHeap({ nprocs: 1 });
    const dead = malloc(h, 40000);
    gc(h, []);
    const [count, bytes] = [h.heapStats.largeFreeCount, h.heapStats.largeFree];
    expect(acquireAndSweep(h, dead.span, true)).toBe(false);
    expect([dead.span.state.get(), dead.span.sweepgen]).toEqual(['mSpanInUse', h.sweepgen]);
    expect([h.heapStats.largeFreeCount, h.heapStats.largeFree]).toEqual([count, bytes]);
  });

  test('freeing a large span counts one largeFree object of the span\'s size', () => {
    const h = new MHeap({ nprocs: 1 });
    const dead = malloc(h, 40000);
    gc(h, []);
    const [count, bytes, total] = [h.heapStats.largeFreeCount, h.heapStats.largeFree, h.gcController.totalFree];
    expect(acquireAndSweep(h, dead.span, false)).toBe(true);
    // 40000 bytes round up to 5 pages: one object of 40960 bytes.
    expect([h.heapStats.largeFreeCount - count, h.heapStats.largeFree - bytes, h.gcController.totalFree - total]).toEqual([1, 5 * 8192, 5 * 8192]);
  });

  test('small frees: smallFreeCount[sizeclass] += nfreed and totalFree += nfreed * elemsize', () => {
    const { h, s } = smallSpan(5, [1, 3]);
    const total = h.gcController.totalFree;
    const count = h.heapStats.smallFreeCount[sc]!;
    acquireAndSweep(h, s, false);
    expect([h.heapStats.smallFreeCount[sc]! - count, h.gcController.totalFree - total]).toEqual([3, 3 * 1024]);
  });
});

describe('runtime/mgcsweep.go · sweepone step by step @ go1.21', () => {
  test('each step yields "sweepone: <next pc>", with the span in hand and whether it holds it', () => {
    const { h, spans } = unsweptSpans(1, () => true);
    const s = spans[0]!;
    const seen: [string, MSpan | null, boolean][] = [];
    const it = sweeponeSteps(h, h.p(0));
    let r = it.next();
    while (r.done !== true) {
      seen.push([r.value.at, r.value.span, r.value.holds]);
      r = it.next();
    }
    expect(seen).toEqual([
      ['sweepone: next', null, false],
      ['sweepone: acquire', s, false],
      ['sweepone: cas', s, false],
      ['sweepone: sweep', s, true], // the CAS won: sg-1, held
      ['sweepone: end', null, false], // swept: released
    ]);
    // The span lives on: s.sweep(false) is false, so Go's sweepone sets npages = 0 and adds no reclaimCredit.
    expect([r.value, h.reclaimCredit]).toEqual([0, 0]);
  });

  test('noMoreWork stays false for a sweepone that found a span, and for one whose locker was invalid', () => {
    const { h } = unsweptSpans(1, () => true);
    const g = new SweeponeG(h, h.p(0));
    expect(g.noMoreWork).toBe(false);
    while (!g.done) g.step();
    expect(g.noMoreWork).toBe(false);
    sweepAll(h);
    const late = new SweeponeG(h, h.p(0));
    late.step();
    expect([late.done, late.noMoreWork]).toEqual([true, false]);
  });

  test('a non-in-use span in an unswept set at sg+3 (swept and cached again) is skipped, no throw', () => {
    // Go: "if !(s.sweepgen == sg || s.sweepgen == sg+3) { throw(...) }"
    const { h } = unsweptSpans(1);
    const stack = h.allocManual(1, spanAllocStack, h.p(0))!;
    stack.sweepgen = (h.sweepgen + 3) >>> 0;
    h.central[0]!.fullUnswept(h.sweepgen).push(stack);
    const g = new SweeponeG(h, h.p(0));
    g.step();
    g.step();
    expect(g.span).toBe(stack);
    g.step();
    expect([g.pc, g.span]).toEqual(['next', null]);
  });
});

describe('runtime/mgcsweep.go · ensureSwept @ go1.21', () => {
  test('sweeps on the current P (P0 by default): a freed span\'s structure goes to that P\'s mspancache', () => {
    const { h, spans } = unsweptSpans(1);
    const len = h.p(0).mspancache.len;
    expect(len).toBeLessThan(h.p(0).mspancache.buf.length);
    expect(ensureSwept(h, spans[0]!)).toBe(true);
    expect(spans[0]!.state.get()).toBe('mSpanDead');
    expect(h.p(0).mspancache.len).toBe(len + 1);
  });
});

describe('runtime/mgcsweep.go · deductSweepCredit bases @ go1.21', () => {
  test('the debt is measured from both bases: heapLive - sweepHeapLiveBasis, and pagesSwept - pagesSweptBasis', () => {
    const { h } = unsweptSpans(12);
    sweepone(h);
    sweepone(h); // two pages swept before the basis
    h.sweepPagesPerByte = 1 / 8192;
    h.gcController.heapLive = 5 * 8192;
    h.sweepHeapLiveBasis = 5 * 8192;
    h.pagesSweptBasis = h.pagesSwept;
    expect(h.pagesSweptBasis).toBe(2);
    h.gcController.heapLive += 3 * 8192; // three pages since the basis
    deductSweepCredit(h, 2 * 8192, 1);
    // pagesTarget = 1/8192 * (2 + 3 pages) - 1 = 4 pages beyond the basis.
    expect(h.pagesSwept - h.pagesSweptBasis).toBe(4);
  });
});

describe('runtime/mgcsweep.go · deductSweepCredit "if mheap_.sweepPagesPerByte == 0 { return }" @ go1.21', () => {
  test('a zero ratio sweeps nothing even when pagesSweptBasis is above pagesSwept (gcSweep resets pagesSwept, mgc.go, not the basis)', () => {
    const { h } = unsweptSpans(2);
    h.sweepPagesPerByte = 0;
    h.pagesSweptBasis = h.pagesSwept + 5; // a basis left from an earlier gcPaceSweeper
    const before = image(h);
    deductSweepCredit(h, 8192, 0);
    expect(image(h)).toBe(before);
  });
});

describe('runtime/mgcsweep.go · gcPaceSweeper @ go1.21', () => {
  const MiB = 1024 * 1024;

  test('sweeping done: sweepPagesPerByte = 0, the bases untouched', () => {
    const h = new MHeap({ nprocs: 1 });
    malloc(h, onePerSpan);
    malloc(h, onePerSpan); // pages in use, none swept: the ratio would not be 0 if it were computed
    expect([isSweepDone(h), h.pagesInUse > h.pagesSwept]).toEqual([true, true]);
    h.sweepPagesPerByte = 0.5;
    h.sweepHeapLiveBasis = 77;
    h.pagesSweptBasis = 3;
    gcPaceSweeper(h, 100 * MiB);
    expect([h.sweepPagesPerByte, h.sweepHeapLiveBasis, h.pagesSweptBasis]).toEqual([0, 77, 3]);
  });

  test('sweepPagesPerByte = (pagesInUse - pagesSwept) / (trigger - heapLive - 1MiB), with heapLive and pagesSwept as the bases', () => {
    const { h } = unsweptSpans(10, () => true);
    sweepone(h);
    sweepone(h);
    const heapLive = 3 * 8192;
    h.gcController.heapLive = heapLive;
    const [inUse, swept] = [h.pagesInUse, h.pagesSwept];
    expect(swept).toBe(2);
    expect(inUse).toBeGreaterThan(swept);
    gcPaceSweeper(h, heapLive + MiB + 64 * 8192);
    expect(h.sweepPagesPerByte).toBe((inUse - swept) / (64 * 8192));
    expect([h.sweepHeapLiveBasis, h.pagesSweptBasis]).toEqual([heapLive, swept]);
  });

  test('a heap distance under one page is raised to _PageSize', () => {
    const { h } = unsweptSpans(4, () => true);
    const heapLive = 8192;
    h.gcController.heapLive = heapLive;
    const pages = h.pagesInUse - h.pagesSwept;
    gcPaceSweeper(h, heapLive + MiB + 100); // distance 100 bytes
    expect(h.sweepPagesPerByte).toBe(pages / 8192);
    gcPaceSweeper(h, heapLive); // distance -1MiB
    expect(h.sweepPagesPerByte).toBe(pages / 8192);
  });

  test('nothing left to sweep (pagesSwept = pagesInUse) while a sweeper is still out: sweepPagesPerByte = 0, the bases untouched', () => {
    const { h } = unsweptSpans(3, () => true);
    const sl = h.sweep.active.begin(h); // an outstanding sweeper keeps isSweepDone false
    sweepAll(h);
    expect(isSweepDone(h)).toBe(false);
    expect(h.pagesSwept).toBe(h.pagesInUse);
    h.sweepPagesPerByte = 0.5;
    h.sweepHeapLiveBasis = 77;
    h.pagesSweptBasis = 1;
    gcPaceSweeper(h, 100 * MiB);
    expect([h.sweepPagesPerByte, h.sweepHeapLiveBasis, h.pagesSweptBasis]).toEqual([0, 77, 1]);
    h.sweep.active.end(h, sl);
  });
});

/** Everything the heap holds, as a string: equal before and after means the call changed nothing. */
