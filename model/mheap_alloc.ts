// runtime/mheap.go @ go1.21 · (*mheap).alloc, allocManual, allocSpan,
// initSpan, setSpans, allocNeedsZero: handing out spans.

import { hex, pageCachePages } from './geometry.js';
import { newAllocBits, newMarkBits } from './gcbits.js';
import type { HeapArena } from './heaparena.js';
import { arenaPage, pageIndexOf } from './heaparena.js';
import { sysUsed } from './mem.js';
import { grow } from './mheap_grow.js';
import { reclaim } from './mheap_reclaim.js';
import { isSweepDone } from './mgcsweep.js';
import { allocMSpanLocked, tryAllocMSpan } from './mheap_mspan.js';
import type { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import type { P } from './proc.js';
import { class_to_divmagic, class_to_size } from './sizeclasses.js';
import type { SpanAllocType, SpanClass } from './spanclass.js';
import { manual, numSpanClasses, sizeclass, spanAllocHeap, spanAllocPtrScalarBits, spanAllocStack, spanAllocWorkBuf, spanAllocTypes } from './spanclass.js';
import { refuse, throwGo } from './throw.js';

const site = 'runtime/mheap.go';

function validateAlloc(op: string, npages: number): void {
  if (!Number.isSafeInteger(npages) || npages < 1) refuse(op, `npages must be a positive integer, got ${String(npages)}`);
}

/**
 * alloc allocates a span of npages pages from the GC'd heap, fully
 * initialized. If sweeping is not done, it first sweeps and reclaims at
 * least npages pages, to avoid growing the heap while garbage waits.
 */
export function alloc(h: MHeap, npages: number, spanclass: SpanClass, pp: P | null): MSpan | null {
  validateAlloc('mheap.alloc', npages);
  if (!Number.isSafeInteger(spanclass) || spanclass < 0 || spanclass >= numSpanClasses) refuse('mheap.alloc', `spanclass ${String(spanclass)} is not in [0, ${numSpanClasses})`);
  if (!isSweepDone(h)) reclaim(h, npages, pp);
  return allocSpan(h, npages, spanAllocHeap, spanclass, pp);
}

/** allocManual allocates a manually-managed span (a stack, a work buffer, ...); null if it fails. */
export function allocManual(h: MHeap, npages: number, typ: SpanAllocType, pp: P | null): MSpan | null {
  if (!spanAllocTypes.includes(typ)) refuse('mheap.allocManual', `${String(typ)} is not a spanAllocType`);
  if (!manual(typ)) throwGo('manual span allocation called with non-manually-managed type', `${site} · (*mheap).allocManual`);
  validateAlloc('mheap.allocManual', npages);
  return allocSpan(h, npages, typ, 0, pp);
}

/**
 * allocSpan allocates a span of npages: from pp's page cache when it is
 * small enough (npages < pageCachePages/4) and a span structure is at hand
 * without the lock; otherwise from the page allocator under the lock,
 * growing the heap once if needed. Returns null when the heap cannot grow.
 */
export function allocSpan(h: MHeap, npages: number, typ: SpanAllocType, spanclass: SpanClass, pp: P | null): MSpan | null {
  const g = h.g;
  let base = 0;
  let scav = 0;
  let s: MSpan | null = null;
  // Physical-page aligned stacks, where pages are smaller than physical pages (openbsd).
  const needPhysPageAlign = h.physPageAlignedStacks && typ === spanAllocStack && g.pageSize < g.physPageSize;

  // Small enough: try the page cache.
  let haveSpan = false;
  if (!needPhysPageAlign && pp !== null && npages < pageCachePages / 4) {
    // If the cache is empty, refill it (under the heap lock).
    if (pp.pcache.empty()) pp.pcache = h.pages.allocToCache();
    [base, scav] = pp.pcache.alloc(npages);
    // Stryker disable next-line ConditionalExpression,BlockStatement: without tryAllocMSpan the locked path's allocMSpanLocked(h, pp) runs instead, which takes the same last entry of pp's mspancache when it is non-empty and refills it exactly when tryAllocMSpan would return null; base stays, so the result is the same (Go differs only in taking the heap lock, which the model does not have).
    if (base !== 0) {
      s = tryAllocMSpan(pp);
      // A base but no mspan: take the lock for one.
      // Stryker disable next-line ConditionalExpression: haveSpan false with s non-null enters the locked block, which skips both its alloc (base !== 0) and allocMSpanLocked (s !== null): the same span.
      haveSpan = s !== null;
    }
  }

  // Stryker disable next-line ConditionalExpression: entering with haveSpan true does nothing: the cache path ran, so needPhysPageAlign is false, base !== 0 and s !== null skip every step.
  if (!haveSpan) {
    // Under the heap lock.
    if (needPhysPageAlign) {
      // Overallocate by a physical page, then allocate only the aligned part.
      // This path skips searchAddr updates: a stale searchAddr is allowed.
      const extraPages = g.physPageSize / g.pageSize;
      [base] = h.pages.find(npages + extraPages);
      if (base === 0) {
        const [, ok] = grow(h, npages + extraPages);
        if (!ok) return null;
        [base] = h.pages.find(npages + extraPages);
        // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable: grow(npages + extraPages) succeeded, so it added at least that many free contiguous pages and find succeeds (this also ignores the line's `true` mutant, which tests kill; the `!==` one stays).
        if (base === 0) throwGo('grew heap, but no adequate free space found', `${site} · (*mheap).allocSpan`);
      }
      base = Math.ceil((base - g.arenaBaseOffset) / g.physPageSize) * g.physPageSize + g.arenaBaseOffset;
      scav = h.pages.allocRange(base, npages);
    }
    if (base === 0) {
      // Try to acquire a base address.
      [base, scav] = h.pages.alloc(npages);
      if (base === 0) {
        const [, ok] = grow(h, npages);
        if (!ok) return null;
        [base, scav] = h.pages.alloc(npages);
        // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable: grow(npages) succeeded, so it added at least npages free contiguous pages and alloc succeeds (this also ignores the line's `true` mutant, which tests kill).
        if (base === 0) throwGo('grew heap, but no adequate free space found', `${site} · (*mheap).allocSpan`);
      }
    }
    // We failed to get an mspan earlier: grab one now that we have the lock.
    // Stryker disable next-line ConditionalExpression: in this block s is always null (s is set only on the cache path, and then haveSpan = s !== null), so the guard is always true (this also ignores the `false` mutant, which tests kill).
    if (s === null) s = allocMSpanLocked(h, pp);
  }

  // HaveSpan. Go decides here whether to scavenge for the memory limit or
  // after heap growth; the model sets neither a limit nor a GC-percent goal.
  initSpan(h, s!, typ, spanclass, base, npages);

  // Commit and account for any scavenged memory the span now owns.
  const nbytes = npages * g.pageSize;
  // Stryker disable next-line ConditionalExpression: with scav 0, sysUsed adds 0 to mappedReady and heapReleased.add(-0) adds nothing: the same state (this also ignores the `false` mutant, which tests kill).
  if (scav !== 0) {
    // sysUsed the whole span: some of its pages may be scavenged.
    sysUsed(h, base, nbytes, scav);
    h.gcController.heapReleased.add(-scav);
  }
  h.gcController.heapFree.add(-(nbytes - scav));
  if (typ === spanAllocHeap) h.gcController.heapInUse.add(nbytes);
  const st = h.heapStats;
  st.committed += scav;
  st.released -= scav;
  switch (typ) {
    case spanAllocHeap:
      st.inHeap += nbytes;
      break;
    case spanAllocStack:
      st.inStacks += nbytes;
      break;
    case spanAllocPtrScalarBits:
      st.inPtrScalarBits += nbytes;
      break;
    case spanAllocWorkBuf:
      st.inWorkBufs += nbytes;
      break;
  }
  h.ghostAllocType.set(s!, typ);
  return s;
}

/**
 * initSpan initializes a blank span for [base, base+npages*pageSize) and
 * publishes it: state last for the span's other fields; then the spans map;
 * then, for heap spans, the pageInUse bit and pagesInUse.
 */
export function initSpan(h: MHeap, s: MSpan, typ: SpanAllocType, spanclass: SpanClass, base: number, npages: number): void {
  const g = h.g;
  s.init(base, npages);
  if (allocNeedsZero(h, base, npages)) s.needzero = 1;
  const nbytes = npages * g.pageSize;
  if (manual(typ)) {
    s.manualFreeList = 0;
    s.nelems = 0;
    s.limit = s.base() + s.npages * g.pageSize;
    s.state.set('mSpanManual');
  } else {
    // Set span properties before the span is published anywhere.
    s.spanclass = spanclass;
    const sc = sizeclass(spanclass);
    if (sc === 0) {
      s.elemsize = nbytes;
      s.nelems = 1;
      s.divMul = 0;
    } else {
      s.elemsize = class_to_size[sc]!;
      s.nelems = Math.floor(nbytes / s.elemsize);
      s.divMul = class_to_divmagic[sc]!;
    }
    // Initialize mark and allocation structures.
    s.freeindex = 0;
    s.freeIndexForScan = 0;
    s.allocCache = (1n << 64n) - 1n; // all 1s: all free
    s.gcmarkBits = newMarkBits(s.nelems);
    s.allocBits = newAllocBits(s.nelems);
    s.sweepgen = h.sweepgen;
    // Now the span is filled in: set its state (the publication barrier).
    // (limit is the callers' to set: mcentral.grow, mcache.allocLarge.)
    s.state.set('mSpanInUse');
  }
  // Publish the span in various locations.
  setSpans(h, s.base(), npages, s);
  if (!manual(typ)) {
    // Mark the in-use span in the arena page bitmap: this publishes it to the page reclaimer.
    const arena = h.arenaOf(s.base())!;
    const [pageIdx, pageMask] = pageIndexOf(g, s.base());
    arena.pageInUse[pageIdx]! |= pageMask;
    h.pagesInUse += npages;
  }
}

/** setSpans points the spans map at s for every page of [base, base+npage*pageSize). */
export function setSpans(h: MHeap, base: number, npage: number, s: MSpan): void {
  const g = h.g;
  let ha = h.arenaOf(base)!;
  for (let n = 0; n < npage; n++) {
    const addr = base + n * g.pageSize;
    const i = arenaPage(g, addr);
    // Stryker disable next-line ConditionalExpression: an optimisation: looking the arena up again on every page finds the same arena for pages of the same arena (this also ignores the `false` mutant, which tests kill).
    if (i === 0) ha = h.arenaOf(addr)!;
    ha.spans[i] = s;
  }
}

/**
 * allocNeedsZero reports whether [base, base+npage*pageSize), just
 * allocated, needs zeroing: whether it reaches below any of its arenas'
 * zeroedBase. It raises each zeroedBase to cover the region. The CAS loop
 * detects two allocations claiming the same memory: `race` models another
 * P's allocation landing between the load and the CAS (fault injection).
 */
export function allocNeedsZero(h: MHeap, base: number, npage: number, race?: (arena: HeapArena) => void): boolean {
  const g = h.g;
  let needZero = false;
  while (npage > 0) {
    const ha = h.arenaOf(base);
    if (ha === undefined) refuse('mheap.allocNeedsZero', `${hex(base)} is not in a heap arena`);
    let zeroedBase = ha.zeroedBase;
    const arenaBase = (base - g.arenaBaseOffset) % g.heapArenaBytes;
    // Below the zeroed mark: this region was handed out before and needs zeroing.
    if (arenaBase < zeroedBase) needZero = true;
    // How far into the arena we extend, capped at the arena's end.
    const arenaLimit = Math.min(arenaBase + npage * g.pageSize, g.heapArenaBytes);
    race?.(ha);
    // Increase ha.zeroedBase so it is >= arenaLimit (a CAS loop in Go).
    // Stryker disable next-line EqualityOperator: >= only adds arenaLimit === zeroedBase: without a race it CASes zeroedBase to the value it has; a racing allocation only raises zeroedBase (a CAS upward), past arenaLimit, which ends the loop without a throw.
    while (arenaLimit > zeroedBase) {
      if (ha.zeroedBase === zeroedBase) {
        ha.zeroedBase = arenaLimit;
        break;
      }
      zeroedBase = ha.zeroedBase;
      // zeroedBase moved into the space we were claiming: someone allocated it too.
      if (zeroedBase <= arenaLimit && zeroedBase > arenaBase) throwGo('potentially overlapping in-use allocations detected', `${site} · (*mheap).allocNeedsZero`);
    }
    // On to the next arena, or done.
    base += arenaLimit - arenaBase;
    npage -= (arenaLimit - arenaBase) / g.pageSize;
  }
  return needZero;
}
