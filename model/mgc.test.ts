// runtime/mgc.go @ go1.21 · gcStart, gcMarkTermination, gcSweep, and
// mgcsweep.go's finishsweep_m: the GC cycle as the sweeper sees it.
//
// Two of mgc.go's throws cannot be provoked by any input, in the model as in
// Go: "gc done but gcphase != _GCoff" (gcMarkTermination sets _GCoff itself
// just before, and nothing runs in between), and "failed to set sweep
// barrier" (sweep.active.begin right after gcSweep's reset, with the world
// stopped, always gives a valid locker). finishsweep_m's reset of the
// unswept sets cannot throw "attempt to clear non-empty span set" either:
// sweepone has just popped every one of them empty (mspanset.test.ts
// provokes it on a set directly).

import { describe, expect, test } from 'vitest';
import { image, catchRefusal, catchThrow } from '../testing/heap.js';
import { mallocgcFinish, mallocgcStart } from './mallocgc.js';
import type { Malloc } from './mallocgc.js';
import { finishsweepM, flushAtSafePoint, gcMarkTermination, gcStart, gcSweep, gcTrigger, heapMinimum } from './mgc.js';
import { markObject } from './mgcmark.js';
import { SweeponeG, isSweepDone, sweepAll } from './mgcsweep.js';
import { MHeap } from './mheap.js';
import type { P } from './proc.js';
import { ModelError } from './throw.js';

function malloc(h: MHeap, size: number, p: P = h.p(0)): Malloc {
  const m = mallocgcStart(h, size, true, true, p);
  mallocgcFinish(h, m, p);
  return m;
}

describe('gcSweep', () => {
  test('with the world stopped in _GCoff: sweepgen += 2, no sweeper and not drained, the counters and indexes of the last sweep reset', () => {
    const h = new MHeap({ nprocs: 1 });
    malloc(h, 64);
    Object.assign(h, { pagesSwept: 7, reclaimIndex: 512, reclaimCredit: 3 });
    h.sweep.centralIndex = 9;
    gcSweep(h);
    expect([h.sweepgen, h.sweep.active.state, h.pagesSwept, h.reclaimIndex, h.reclaimCredit, h.sweep.centralIndex]).toEqual([2, 0, 0, 0, 0, 0]);
    expect(h.sweepArenas).toEqual(h.allArenas);
    expect(isSweepDone(h)).toBe(false);
  });

  test('sweepgen is a uint32: it wraps, and a span two behind still needs sweeping across the wrap', () => {
    const h = new MHeap({ nprocs: 1 });
    h.sweepgen = 2 ** 32 - 2;
    h.p(0).mcache.flushGen = h.sweepgen;
    const m = malloc(h, 8192);
    h.p(0).mcache.releaseAll(h, h.p(0));
    expect(m.span.sweepgen).toBe(2 ** 32 - 2);
    gcStart(h);
    gcMarkTermination(h, h.p(0));
    expect(h.sweepgen).toBe(0);
    const sl = h.sweep.active.begin(h);
    expect(sl.tryAcquire(m.span)).toBe(true); // sg-2 = 2^32-2
    expect(m.span.sweepgen).toBe(2 ** 32 - 1); // sg-1
  });

  test('outside _GCoff it throws "gcSweep being done but phase is not GCoff", changing nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    gcStart(h);
    const before = image(h);
    const e = catchThrow(() => gcSweep(h));
    expect([e.goMessage, e.site]).toEqual(['gcSweep being done but phase is not GCoff', 'runtime/mgc.go · gcSweep']);
    expect(image(h)).toBe(before);
  });
});

describe('gcStart', () => {
  test('finishsweep_m sweeps what is left, resets the unswept sets; page marks are cleared; then _GCmark', () => {
    const h = new MHeap({ nprocs: 1 });
    const m = malloc(h, 8192);
    h.p(0).mcache.releaseAll(h, h.p(0));
    gcStart(h);
    markObject(h, m.x);
    gcMarkTermination(h, h.p(0));
    expect(m.span.sweepgen).toBe(h.sweepgen - 2);
    gcStart(h);
    expect([m.span.sweepgen, h.gcphase, isSweepDone(h)]).toEqual([h.sweepgen, '_GCmark', true]);
    expect(h.arenaOf(m.span.base())!.pageMarks.every((b) => b === 0)).toBe(true);
    const c = h.central[m.span.spanclass]!;
    expect([c.fullUnswept(h.sweepgen).length, c.partialUnswept(h.sweepgen).length]).toEqual([0, 0]);
  });

  test('a P that has not flushed its mcache for this sweep generation throws "p mcache not flushed", changing nothing', () => {
    const h = new MHeap({ nprocs: 2 });
    gcStart(h);
    gcMarkTermination(h, h.p(0));
    h.p(1).mcache.flushGen = h.sweepgen - 2; // as if P1 had skipped its flush
    const before = image(h);
    const e = catchThrow(() => gcStart(h));
    expect([e.goMessage, e.site, e.detail]).toEqual(['p mcache not flushed', 'runtime/mgc.go · gcStart', 'p 1 flushGen 0 != sweepgen 2']);
    expect(image(h)).toBe(before);
  });

  test('while the last mark termination still waits for a P to flush, gcStart is refused (in Go it waits on gcsema), changing nothing', () => {
    const h = new MHeap({ nprocs: 2 });
    gcStart(h);
    gcMarkTermination(h, h.p(0), (p) => p === h.p(1));
    const before = image(h);
    expect(() => gcStart(h)).toThrow(ModelError);
    expect(image(h)).toBe(before);
  });

  test('a sweeper between its steps: gcStart is refused, the heap unchanged (stopTheWorld waits for it; Go cannot reach "active sweepers found at start of mark phase" that way)', () => {
    const h = new MHeap({ nprocs: 1 });
    gcStart(h);
    gcMarkTermination(h, h.p(0));
    new SweeponeG(h, h.p(0)).step(); // begin, then nothing
    const before = image(h);
    expect(() => gcStart(h)).toThrow(ModelError);
    expect(image(h)).toBe(before);
    // finishsweep_m itself, with the world stopped under that sweeper, throws Go's words.
    const e = catchThrow(() => finishsweepM(h));
    expect([e.goMessage, e.site]).toEqual(['active sweepers found at start of mark phase', 'runtime/mgcsweep.go · finishsweep_m']);
  });
});

describe('gcMarkTermination', () => {
  test('right after it, spans to sweep are at sg-2, a running P\'s cached span at sg+1 until its safe point, which sweeps it', () => {
    const h = new MHeap({ nprocs: 2 });
    const p1 = h.p(1);
    const gone = malloc(h, 8192); // P0: full span, given back at once
    const cached = malloc(h, 1024, p1); // P1: cached
    malloc(h, 8192); // P0: the next span; the first went back to mcentral
    gcStart(h);
    markObject(h, gone.x);
    markObject(h, cached.x);
    gcMarkTermination(h, h.p(0), (p) => p === p1);
    expect([gone.span.sweepgen, cached.span.sweepgen]).toEqual([h.sweepgen - 2, h.sweepgen + 1]);
    malloc(h, 64, p1); // P1's safe point: it flushes first
    expect(cached.span.sweepgen).toBe(h.sweepgen);
  });

  test('the sweep barrier: sweeping is not done until the last P has flushed, even with the unswept sets drained; the P ending the cycle flushes at once', () => {
    const h = new MHeap({ nprocs: 2 });
    malloc(h, 1024, h.p(1));
    gcStart(h);
    gcMarkTermination(h, h.p(0), () => true); // every running P would flush later, but forEachP runs on the current P itself
    expect([h.p(0).mcache.flushGen, h.p(1).mcache.flushGen]).toEqual([h.sweepgen, h.sweepgen - 2]);
    sweepAll(h);
    expect([isSweepDone(h), h.sweep.active.sweepers()]).toEqual([false, 1]);
    flushAtSafePoint(h, h.p(1));
    expect([isSweepDone(h), h.forEachP]).toEqual([true, null]);
  });
});

describe('forEachP at mark termination', () => {
  test('an idle P is flushed at once, its mcache and its page cache, whatever the running Ps do', () => {
    const h = new MHeap({ nprocs: 2 });
    const p1 = h.p(1);
    malloc(h, 8192, p1); // grows the heap
    const m = malloc(h, 8192, p1); // a span from P1's page cache, which keeps the rest
    expect(p1.pcache.empty()).toBe(false);
    p1.status = '_Pidle';
    gcStart(h);
    gcMarkTermination(h, h.p(0), () => true);
    expect([p1.mcache.flushGen, m.span.state.get(), p1.pcache.empty()]).toEqual([h.sweepgen, 'mSpanDead', true]);
  });
});

/** Everything the heap holds, as a string: equal before and after means the call changed nothing. */


describe('gcTrigger (the model pacer, GOGC=100)', () => {
  test('twice the marked heap, at least heapMinimum (4 MiB): runtime/mgcpacer.go · gcControllerState.commit @ go1.21, goal = heapMarked + heapMarked*GOGC/100', () => {
    const h = new MHeap({ nprocs: 1 });
    // 2 * 3 MiB = 6 MiB, above heapMinimum; 2 * 1 MiB = 2 MiB, below it.
    for (const [marked, trigger] of [[3 << 20, 6 << 20], [1 << 20, 4 << 20], [0, 4 << 20]] as const) {
      h.gcController.heapMarked = marked;
      expect([marked, gcTrigger(h)]).toEqual([marked, trigger]);
    }
    expect(heapMinimum).toBe(4 << 20);
  });
});

describe('the world cannot stop (runtime/proc.go · stopTheWorld waits; runtime/mgc.go · gcStart, gcMarkTermination @ go1.21): the model refuses, changing nothing', () => {
  test('gcStart during the mark phase: a GC is already running (Go: gcStart returns when !trigger.test())', () => {
    const h = new MHeap({ nprocs: 1 });
    gcStart(h);
    const before = image(h);
    const e = catchRefusal(() => gcStart(h));
    expect(e.message).toBe('gcStart: a GC is already running (gcphase _GCmark)');
    expect(image(h)).toBe(before);
  });

  test('gcStart while the last mark termination waits for a P to flush its mcache (Go waits on gcsema)', () => {
    const h = new MHeap({ nprocs: 2 });
    gcStart(h);
    gcMarkTermination(h, h.p(0), (p) => p === h.p(1));
    expect(catchRefusal(() => gcStart(h)).message).toBe('gcStart: the last mark termination is still waiting for Ps to flush their mcaches');
  });

  test('gcStart and gcMarkTermination while another P is inside mallocgc (mp.mallocing: not preemptible); a P not in mallocgc does not stop them', () => {
    const h = new MHeap({ nprocs: 2 });
    const p1 = h.p(1);
    const m = mallocgcStart(h, 64, true, true, p1); // P1 between mallocgcStart and mallocgcFinish; P0 is not
    const before = image(h);
    expect(catchRefusal(() => gcStart(h)).message).toBe('gcStart: a mallocgc is in progress: the world cannot stop until it finishes');
    expect(image(h)).toBe(before);
    mallocgcFinish(h, m, p1);
    gcStart(h);
    const m2 = mallocgcStart(h, 64, true, true, p1);
    const during = image(h);
    expect(catchRefusal(() => gcMarkTermination(h, h.p(0))).message).toBe('gcMarkTermination: a mallocgc is in progress: the world cannot stop until it finishes');
    expect(image(h)).toBe(during);
    mallocgcFinish(h, m2, p1);
    gcMarkTermination(h, h.p(0));
    expect(h.gcphase).toBe('_GCoff');
  });

  test('gcStart with a sweeper between its steps: the refusal counts them', () => {
    const h = new MHeap({ nprocs: 1 });
    gcStart(h);
    gcMarkTermination(h, h.p(0));
    new SweeponeG(h, h.p(0)).step();
    expect(catchRefusal(() => gcStart(h)).message).toBe('gcStart: 1 sweepers are between their steps: the world cannot stop until they return');
  });

  test('gcMarkTermination outside the mark phase: no mark phase to end', () => {
    const h = new MHeap({ nprocs: 1 });
    const before = image(h);
    expect(catchRefusal(() => gcMarkTermination(h, h.p(0))).message).toBe('gcMarkTermination: no mark phase to end (gcphase _GCoff)');
    expect(image(h)).toBe(before);
  });
});

describe('finishsweep_m resets the unswept sets (runtime/mgcsweep.go · finishsweep_m → runtime/mspanset.go · spanSet.reset @ go1.21: index = makeHeadTailIndex(0, 0))', () => {
  test('after gcStart popped a span from an unswept set, its head and tail are 0 again: one span pushed on it makes reset print "head = 0, tail = 1"', () => {
    const h = new MHeap({ nprocs: 1 });
    const m = malloc(h, 8192); // one object: a full span, on the full swept set once given back
    h.p(0).mcache.releaseAll(h, h.p(0));
    gcStart(h);
    gcMarkTermination(h, h.p(0)); // the full swept set becomes the full unswept set
    const c = h.central[m.span.spanclass]!;
    expect(c.fullUnswept(h.sweepgen).contents()).toEqual([m.span]);
    gcStart(h); // sweepAll pops it (head 1), then the reset
    const set = c.fullUnswept(h.sweepgen);
    set.push(m.span); // corrupt: a span on an unswept set after the reset
    const e = catchThrow(() => set.reset());
    expect([e.goMessage, e.detail]).toEqual(['attempt to clear non-empty span set', 'head = 0, tail = 1']);
  });
});

describe('forEachP at mark termination: only an idle P flushes its page cache (runtime/mgc.go · gcMarkTermination @ go1.21: if pp.status == _Pidle { pp.pcache.flush })', () => {
  test('a running P flushes its mcache at its safe point and keeps its page cache', () => {
    const h = new MHeap({ nprocs: 2 });
    const p1 = h.p(1);
    malloc(h, 8192, p1); // grows the heap
    malloc(h, 8192, p1); // from P1's page cache, which keeps the rest
    expect(p1.pcache.empty()).toBe(false);
    gcStart(h);
    gcMarkTermination(h, h.p(0), (p) => p === p1);
    flushAtSafePoint(h, p1);
    expect([p1.mcache.flushGen, p1.pcache.empty(), h.forEachP]).toEqual([h.sweepgen, false, null]);
  });
});
