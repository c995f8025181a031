// runtime/mgcsweep.go @ go1.21 · sweeping: activeSweep, sweepLocker,
// (*sweepLocked).sweep, sweepone, nextSpanForSweep, ensureSwept,
// isSweepDone, deductSweepCredit, gcPaceSweeper.
//
// A span needs sweeping when its sweepgen is h.sweepgen-2; a sweeper takes
// it by moving it to sg-1 (tryAcquire, a CAS) and releases it swept at sg.
// Sweeping makes the marks of the cycle the allocation bits: unmarked
// objects are freed, an empty small span or a large span whose object died
// goes back to the heap, others go to their mcentral's swept sets. Every
// sweeper announces itself (activeSweep.begin) before it looks for work and
// leaves (end) after; sweeping is done once the unswept sets are drained
// and no sweeper is left (the drained bit with a zero count).
//
// Specials (finalizers, profiling records) are not modelled: no span has
// any. The debug modes that trace or clobber frees are left out.

import { refillAllocCache, countAlloc } from './mbitmap.js';
import type { MHeap } from './mheap.js';
import { pageIndexOf } from './heaparena.js';
import type { MSpan } from './mspan.js';
import { class_to_size } from './sizeclasses.js';
import { sizeclass } from './spanclass.js';
import { newMarkBits } from './gcbits.js';
import type { Steps } from './steps.js';
import { run } from './steps.js';
import { throwGo } from './throw.js';

const site = 'runtime/mgcsweep.go';

/** sweepDrainedMask: the top bit of activeSweep.state. */
export const sweepDrainedMask = 2 ** 31;

/** activeSweep: whether sweeping is drained, and how many sweepers are outstanding. */
export class ActiveSweep {
  /** The drained bit (sweepDrainedMask) plus the count of outstanding sweepers. */
  state = 0;

  /** begin registers a sweeper; the locker is invalid once sweeping is drained. */
  begin(h: MHeap): SweepLocker {
    if (this.state >= sweepDrainedMask) return new SweepLocker(h.sweepgen, false);
    this.state++;
    return new SweepLocker(h.sweepgen, true);
  }

  /** end deregisters a sweeper begin returned a valid locker for. */
  end(h: MHeap, sl: SweepLocker): void {
    if (sl.sweepGen !== h.sweepgen) throwGo('sweeper left outstanding across sweep generations', `${site} · (*activeSweep).end`);
    if ((this.state % sweepDrainedMask) - 1 < 0) throwGo('mismatched begin/end of activeSweep', `${site} · (*activeSweep).end`);
    this.state--;
  }

  /** markDrained records that the unswept sets are empty; whether this call was the one that did. */
  markDrained(): boolean {
    if (this.state >= sweepDrainedMask) return false;
    this.state += sweepDrainedMask;
    return true;
  }

  /** sweepers: how many sweepers are outstanding. */
  sweepers(): number {
    return this.state % sweepDrainedMask;
  }

  /** isDone: drained, with no sweeper outstanding. */
  isDone(): boolean {
    return this.state === sweepDrainedMask;
  }

  /** reset, with the world stopped, at the start of a sweep generation. */
  reset(): void {
    this.state = 0;
  }
}

/** sweepLocker: acquires sweep ownership of spans for one sweeper. */
export class SweepLocker {
  constructor(
    /** The sweep generation the locker was made in. */
    readonly sweepGen: number,
    readonly valid: boolean,
  ) {}

  /** tryAcquire takes s for sweeping if it needs it: sweepgen sg-2 -> sg-1. */
  tryAcquire(s: MSpan): boolean {
    return this.check(s) && this.cas(s);
  }

  /** tryAcquire's first half: check before attempting to CAS (an atomic load). */
  check(s: MSpan): boolean {
    if (!this.valid) throwGo('use of invalid sweepLocker', `${site} · (*sweepLocker).tryAcquire`);
    return s.sweepgen === ((this.sweepGen - 2) >>> 0);
  }

  /** tryAcquire's second half: attempt to acquire sweep ownership of s (atomic.Cas(&s.sweepgen, sg-2, sg-1)). */
  cas(s: MSpan): boolean {
    if (s.sweepgen !== ((this.sweepGen - 2) >>> 0)) return false;
    s.sweepgen = (this.sweepGen - 1) >>> 0;
    return true;
  }
}

/** sweepClass: an index into the mcentrals' unswept sets, full before partial per span class. */
export const numSweepClasses = 68 * 2 * 2;
export const sweepClassDone = 0xffffffff;

/** sweepdata: the sweeper's global state. */
export class SweepData {
  readonly active = new ActiveSweep();
  /** centralIndex: the first sweep class that may still hold unswept spans. */
  centralIndex = 0;

  /** centralIndex.update: raise it to sNew (it only moves up). */
  updateCentralIndex(sNew: number): void {
    // Stryker disable next-line EqualityOperator: <= only adds the case centralIndex === sNew, which assigns the value it already has (tests catch the `true` mutant).
    if (this.centralIndex < sNew) this.centralIndex = sNew;
  }
}

/**
 * nextSpanForSweep: a span from the unswept sets (full before partial, by
 * span class from centralIndex), or null once they are empty.
 */
export function nextSpanForSweep(h: MHeap): MSpan | null {
  const sg = h.sweepgen;
  for (let sc = h.sweep.centralIndex; sc < numSweepClasses; sc++) {
    const spc = sc >>> 1;
    const full = (sc & 1) === 0;
    const c = h.central[spc]!;
    const s = full ? c.fullUnswept(sg).pop() : c.partialUnswept(sg).pop();
    if (s !== null) {
      // Write down that we found something so future sweepers can start from here.
      h.sweep.updateCentralIndex(sc);
      return s;
    }
  }
  h.sweep.updateCentralIndex(sweepClassDone);
  return null;
}

/**
 * sweep: sweep span s, which sl holds at sg-1. Unmarked objects are freed:
 * the marks become the allocation bits. Unless preserve, the span then goes
 * back to the heap (a small span with no objects left, a large span whose
 * object died) or to its mcentral's swept sets. Returns whether it was freed.
 */
export function sweep(h: MHeap, s: MSpan, preserve: boolean, pp = h.allp[0] ?? null): boolean {
  const sweepgen = h.sweepgen;
  if (s.state.get() !== 'mSpanInUse' || s.sweepgen !== ((sweepgen - 1) >>> 0)) {
    throwGo('mspan.sweep: bad span state', `${site} · (*sweepLocked).sweep`, `state=${s.state.get()} sweepgen=${s.sweepgen} mheap.sweepgen=${sweepgen}`);
  }
  const spc = s.spanclass;
  const size = s.elemsize;
  // Zombies: a marked object that is free (beyond freeindex and not allocated) means a pointer to a free object.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the guard repeats the loop's own condition (i = freeindex; i < nelems): with freeindex >= nelems the loop runs zero times either way.
  if (s.freeindex < s.nelems) {
    for (let i = s.freeindex; i < s.nelems; i++) {
      if (s.gcmarkBits!.isSet(i) && !s.allocBits!.isSet(i)) throwGo('found pointer to free object', `${site} · (*mspan).reportZombies`, `marked free object in span ${s.base()}, elemsize=${s.elemsize} freeindex=${s.freeindex}`);
    }
  }
  // Count the number of free objects in this span.
  const nalloc = countAlloc(s);
  const nfreed = s.allocCount - nalloc;
  if (nalloc > s.allocCount) {
    throwGo('sweep increased allocation count', `${site} · (*sweepLocked).sweep`, `nelems=${s.nelems} nalloc=${nalloc} previous allocCount=${s.allocCount} nfreed=${nfreed}`);
  }
  // Go adds the pages to pagesSwept before these checks; the model after them, so a throw leaves the heap as it was.
  h.pagesSwept += s.npages;
  h.ghostSwept.push({ span: s, preserve });
  s.allocCount = nalloc;
  s.freeindex = 0; // reset allocation index to start of span.
  s.freeIndexForScan = 0;
  // gcmarkBits becomes the allocBits; get a fresh cleared gcmarkBits for the next GC.
  s.allocBits = s.gcmarkBits;
  s.gcmarkBits = newMarkBits(s.nelems);
  // Initialize alloc bits cache.
  refillAllocCache(s, 0);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: re-checks what the entry check just proved (in use, at sg-1); nothing in between writes s.state or s.sweepgen and no other goroutine runs inside the step, so the condition is always false and the block never runs.
  if (s.state.get() !== 'mSpanInUse' || s.sweepgen !== ((sweepgen - 1) >>> 0)) {
    // Stryker disable next-line StringLiteral: unreachable throw (see above).
    throwGo('mspan.sweep: bad span state after sweep', `${site} · (*sweepLocked).sweep`);
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator,ArithmeticOperator,StringLiteral: s.sweepgen is sg-1 here (checked just above), never sg+1, sg+3 or sg-3 (uint32, distinct mod 2^32), so the throw is unreachable.
  if (s.sweepgen === ((sweepgen + 1) >>> 0) || s.sweepgen === ((sweepgen + 3) >>> 0)) throwGo('swept cached span', `${site} · (*sweepLocked).sweep`);
  s.sweepgen = sweepgen;
  const sc = sizeclass(spc);
  if (sc !== 0) {
    // Handle spans for small objects.
    if (nfreed > 0) {
      // Only mark the span as needing zeroing if we've freed any objects.
      s.needzero = 1;
      h.heapStats.smallFreeCount[sc]! += nfreed;
      h.gcController.totalFree += nfreed * class_to_size[sc]!;
    }
    if (!preserve) {
      // The caller may not have removed this span from whatever unswept set it's on, but taken ownership of it.
      if (nalloc === 0) {
        // Free totally free span directly back to the heap.
        h.freeSpan(s, pp);
        return true;
      }
      // Return span back to the right mcentral list.
      if (nalloc === s.nelems) h.central[spc]!.fullSwept(sweepgen).push(s);
      else h.central[spc]!.partialSwept(sweepgen).push(s);
    }
  } else if (!preserve) {
    // Handle spans for large objects.
    if (nfreed !== 0) {
      // Free large object span to heap.
      h.heapStats.largeFreeCount += 1;
      h.heapStats.largeFree += size;
      h.gcController.totalFree += size;
      h.freeSpan(s, pp);
      return true;
    }
    // Add a large span directly onto the full+swept list.
    h.central[spc]!.fullSwept(sweepgen).push(s);
  }
  return false;
}

/**
 * sweepone sweeps some unswept heap span and returns the number of pages
 * returned to the heap, or Infinity (Go's ^uintptr(0)) if there was nothing
 * to sweep. It runs as one atomic step here; SweeponeG runs it step by step.
 */
export function sweepone(h: MHeap, pp = h.allp[0] ?? null): number {
  return run(sweeponeSteps(h, pp));
}

/** sweepone, one SweeponeG step at a time. */
export function* sweeponeSteps(h: MHeap, pp: MHeap['allp'][number] | null): Steps<number> {
  const g = new SweeponeG(h, pp);
  for (;;) {
    g.step();
    if (g.done) return g.result;
    yield { at: `sweepone: ${g.pc}`, span: g.span, holds: g.holds };
  }
}

/** What the next step of a SweeponeG does. */
export type SweeponePC = 'begin' | 'next' | 'acquire' | 'cas' | 'sweep' | 'end' | 'done';

/**
 * One sweepone call as the goroutine running it executes it, one atomic
 * step at a time, so that sweepers can interleave where Go's do:
 *   begin:   sl := sweep.active.begin(); invalid: return ^uintptr(0)
 *   next:    s := nextSpanForSweep(); nil: noMoreWork = markDrained(), to end
 *   acquire: not in use: continue at next (Go's throw if its sweepgen is not sg or sg+3);
 *            tryAcquire's check (s.sweepgen == sg-2) fails: continue at next
 *   cas:     tryAcquire's CAS sg-2 -> sg-1 fails: continue at next
 *   sweep:   s.sweep(false); reclaimCredit += its pages if freed
 *   end:     sweep.active.end(sl)
 */
export class SweeponeG {
  pc: SweeponePC = 'begin';
  sl: SweepLocker | null = null;
  /** The span popped or held. */
  span: MSpan | null = null;
  /** Whether this sweeper holds span at sg-1. */
  holds = false;
  result = Infinity;
  noMoreWork = false;

  constructor(
    private readonly h: MHeap,
    private readonly pp: MHeap['allp'][number] | null,
  ) {}

  get done(): boolean {
    return this.pc === 'done';
  }

  step(): void {
    const h = this.h;
    switch (this.pc) {
      case 'begin': {
        this.sl = h.sweep.active.begin(h);
        this.pc = this.sl.valid ? 'next' : 'done';
        return;
      }
      case 'next': {
        this.span = nextSpanForSweep(h);
        if (this.span === null) {
          this.noMoreWork = h.sweep.active.markDrained();
          this.pc = 'end';
        } else this.pc = 'acquire';
        return;
      }
      case 'acquire': {
        const s = this.span!;
        const sg = this.sl!.sweepGen;
        if (s.state.get() !== 'mSpanInUse') {
          // This can happen if direct sweeping already swept this span, but in that case the sweep generation should always be up-to-date.
          if (!(s.sweepgen === sg || s.sweepgen === ((sg + 3) >>> 0))) {
            throwGo('non in-use span in unswept list', `${site} · sweepone`, `bad span s.state=${s.state.get()} s.sweepgen=${s.sweepgen} sweepgen=${sg}`);
          }
          this.span = null;
          this.pc = 'next';
          return;
        }
        if (this.sl!.check(s)) this.pc = 'cas';
        else {
          this.span = null;
          this.pc = 'next';
        }
        return;
      }
      case 'cas': {
        if (this.sl!.cas(this.span!)) {
          this.holds = true;
          this.pc = 'sweep';
        } else {
          this.span = null;
          this.pc = 'next';
        }
        return;
      }
      case 'sweep': {
        const s = this.span!;
        const npages = s.npages;
        // Sweep the span we found.
        h.ghostSweeponeSwept.push(s);
        this.result = sweep(h, s, false, this.pp) ? npages : 0;
        if (this.result > 0) h.reclaimCredit += npages;
        this.holds = false;
        this.span = null;
        this.pc = 'end';
        return;
      }
      case 'end': {
        h.sweep.active.end(h, this.sl!);
        this.pc = 'done';
        return;
      }
      // Stryker disable next-line ConditionalExpression: 'done' is the last case: without its return it falls out of the switch, which returns just the same.
      case 'done':
        return;
    }
  }
}

/** finishsweep_m's loop and other callers that want everything swept. */
export function sweepAll(h: MHeap): void {
  while (sweepone(h) !== Infinity);
}

/** isSweepDone: all spans are swept and no sweeper is outstanding. */
export function isSweepDone(h: MHeap): boolean {
  return h.sweep.active.isDone();
}

/**
 * ensureSwept: make sure s is swept before it is used. It sweeps s itself
 * when it can acquire it; otherwise someone else owns the sweep (a sweeper
 * at sg-1, or an mcache that cached s before the sweep began, at sg+1) and
 * Go spins in osyield until the span reaches sg or sg+3. The model cannot
 * spin: it returns false there, and the caller retries after others run.
 */
export function ensureSwept(h: MHeap, s: MSpan, pp = h.allp[0] ?? null): boolean {
  const sl = h.sweep.active.begin(h);
  if (sl.valid) {
    // The caller must be sure that the span is a mSpanInUse span.
    if (sl.tryAcquire(s)) {
      sweep(h, s, false, pp);
      h.sweep.active.end(h, sl);
      return true;
    }
    h.sweep.active.end(h, sl);
  }
  // Unfortunate condition: someone else sweeps s; Go yields until they are done.
  const spangen = s.sweepgen;
  return spangen === sl.sweepGen || spangen === ((sl.sweepGen + 3) >>> 0);
}

/**
 * deductSweepCredit: before allocating spanBytes for a span, sweep enough
 * pages to keep proportional sweeping on schedule (sweepPagesPerByte pages
 * per byte allocated since the sweep began). callerSweepPages are pages the
 * caller sweeps itself.
 */
export function deductSweepCredit(h: MHeap, spanBytes: number, callerSweepPages: number, pp = h.allp[0] ?? null): void {
  run(deductSweepCreditSteps(h, spanBytes, callerSweepPages, pp));
}

/** deductSweepCredit, with each sweepone it calls stepped. */
export function* deductSweepCreditSteps(h: MHeap, spanBytes: number, callerSweepPages: number, pp: MHeap['allp'][number] | null): Steps<void> {
  if (h.sweepPagesPerByte === 0) return;
  const live = h.gcController.heapLive;
  const liveBasis = h.sweepHeapLiveBasis;
  let newHeapLive = spanBytes;
  // Only when it does not overflow (Go issue 57523).
  // Stryker disable next-line EqualityOperator: <= only adds liveBasis === live, where it adds live - liveBasis = 0 (tests catch the arithmetic mutant).
  if (liveBasis < live) newHeapLive += live - liveBasis;
  const pagesTarget = Math.floor(h.sweepPagesPerByte * newHeapLive) - callerSweepPages;
  while (pagesTarget > h.pagesSwept - h.pagesSweptBasis) {
    if ((yield* sweeponeSteps(h, pp)) === Infinity) {
      h.sweepPagesPerByte = 0;
      break;
    }
  }
}

/** gcPaceSweeper: set the proportional sweep ratio so that sweeping ends before the heap reaches trigger. */
export function gcPaceSweeper(h: MHeap, trigger: number): void {
  if (isSweepDone(h)) {
    h.sweepPagesPerByte = 0;
    return;
  }
  const heapLiveBasis = h.gcController.heapLive;
  let heapDistance = trigger - heapLiveBasis;
  // Add a little margin so rounding errors and concurrent sweep are less likely to leave pages unswept when GC starts.
  heapDistance -= 1024 * 1024;
  // Stryker disable next-line EqualityOperator: <= only adds heapDistance === pageSize, which it sets to pageSize again (tests catch the `false` mutant).
  if (heapDistance < h.g.pageSize) heapDistance = h.g.pageSize;
  const sweepDistancePages = h.pagesInUse - h.pagesSwept;
  if (sweepDistancePages <= 0) {
    h.sweepPagesPerByte = 0;
  } else {
    h.sweepPagesPerByte = sweepDistancePages / heapDistance;
    h.sweepHeapLiveBasis = heapLiveBasis;
    // Write pagesSweptBasis last, since this signals concurrent sweeps to recompute their debt.
    h.pagesSweptBasis = h.pagesSwept;
  }
}

/** The arena page bit a span's first page has in pageMarks (for marking). */
export function spanPageMarkBit(h: MHeap, s: MSpan): [bytes: Uint8Array, i: number, mask: number] {
  const [i, mask] = pageIndexOf(h.g, s.base());
  return [h.arenaOf(s.base())!.pageMarks, i, mask];
}
