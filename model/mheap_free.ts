// runtime/mheap.go @ go1.21 · (*mheap).freeSpan, freeManual,
// freeSpanLocked: giving spans back.
//
// Go's throws come first and verbatim ("mheap.freeSpanLocked - invalid
// stack free", "... - invalid free", "... - invalid span state"). Inputs Go
// leaves undefined, where it would corrupt its accounting, get a ModelError:
// freeing a span of another heap, or with another allocation type than it
// was allocated with. Those are refusals of the model, not rules of Go.
// Go does not check the GC phase: that spans are freed only in _GCoff is
// the callers' duty (sweeping runs then; stackfree and freeSomeWbufs defer
// frees to it; see stack.ts, mgcwork.ts), and the spec checks the callers.
// All checks run before anything changes (Go sets needzero in freeManual
// before its checks; the model checks first).

import { hex } from './geometry.js';
import { pageIndexOf } from './heaparena.js';
import { freeMSpanLocked } from './mheap_mspan.js';
import type { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import type { P } from './proc.js';
import type { SpanAllocType } from './spanclass.js';
import { spanAllocHeap, spanAllocPtrScalarBits, spanAllocStack, spanAllocTypes, spanAllocWorkBuf } from './spanclass.js';
import { refuse, throwGo } from './throw.js';

const site = 'runtime/mheap.go · (*mheap).freeSpanLocked';

/** freeSpan: give a heap span back (sweeping does this, in _GCoff). */
export function freeSpan(h: MHeap, s: MSpan, pp: P | null): void {
  checkFree(h, 'mheap.freeSpan', s, spanAllocHeap);
  freeSpanLocked(h, s, spanAllocHeap, pp);
}

/**
 * freeManual: give back a span from allocManual, with the same typ. Go says
 * it must only be called when gcphase == _GCoff, and does not check.
 */
export function freeManual(h: MHeap, s: MSpan, typ: SpanAllocType, pp: P | null): void {
  checkFree(h, 'mheap.freeManual', s, typ);
  s.needzero = 1;
  freeSpanLocked(h, s, typ, pp);
}

/** Every check freeSpan/freeManual's path makes, in Go's order, before anything changes. */
function checkFree(h: MHeap, op: string, s: MSpan, typ: SpanAllocType): void {
  if (!spanAllocTypes.includes(typ)) refuse(op, `${String(typ)} is not a spanAllocType`);
  if (!h.allspans.includes(s)) refuse(op, 'the span is not one of this heap\'s spans');
  checkFreeSpanLocked(h, s);
  const was = h.ghostAllocType.get(s);
  if (was !== undefined && was !== typ) refuse(op, `span ${hex(s.base())} was allocated as ${was}, not ${typ}: freeSpanLocked would account it as the wrong kind of memory`);
}

/** freeSpanLocked's throws. */
function checkFreeSpanLocked(h: MHeap, s: MSpan): void {
  switch (s.state.get()) {
    case 'mSpanManual':
      if (s.allocCount !== 0) throwGo('mheap.freeSpanLocked - invalid stack free', site);
      break;
    case 'mSpanInUse':
      if (s.allocCount !== 0 || s.sweepgen !== h.sweepgen) {
        throwGo('mheap.freeSpanLocked - invalid free', site, `span ptr ${hex(s.base())} allocCount ${s.allocCount} sweepgen ${s.sweepgen}/${h.sweepgen}`);
      }
      break;
    default:
      throwGo('mheap.freeSpanLocked - invalid span state', site);
  }
}

/** freeSpanLocked: return the pages, fix the accounting, and free the span structure. */
export function freeSpanLocked(h: MHeap, s: MSpan, typ: SpanAllocType, pp: P | null): void {
  const g = h.g;
  checkFreeSpanLocked(h, s);
  if (s.state.get() === 'mSpanInUse') {
    h.pagesInUse -= s.npages;
    // Clear the in-use bit in the arena page bitmap.
    const arena = h.arenaOf(s.base())!;
    const [pageIdx, pageMask] = pageIndexOf(g, s.base());
    arena.pageInUse[pageIdx]! &= ~pageMask;
  }
  // Update stats (mirrors allocSpan).
  const nbytes = s.npages * g.pageSize;
  h.gcController.heapFree.add(nbytes);
  if (typ === spanAllocHeap) h.gcController.heapInUse.add(-nbytes);
  const st = h.heapStats;
  switch (typ) {
    case spanAllocHeap:
      st.inHeap -= nbytes;
      break;
    case spanAllocStack:
      st.inStacks -= nbytes;
      break;
    case spanAllocPtrScalarBits:
      st.inPtrScalarBits -= nbytes;
      break;
    case spanAllocWorkBuf:
      st.inWorkBufs -= nbytes;
      break;
  }
  // Mark the space as free.
  h.pages.free(s.base(), s.npages);
  // Free the span structure.
  s.state.set('mSpanDead');
  h.ghostAllocType.delete(s);
  freeMSpanLocked(h, s, pp);
}
