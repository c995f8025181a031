// runtime/mbitmap.go @ go1.21 · materializeGCProg, dematerializeGCProg:
// scratch space for a GC program's pointer bitmap, the page heap's third
// manual-span caller (spanAllocPtrScalarBits).
//
// Go 1.21 calls these from scanstack (mgcmark.go), that is during the mark
// phase, and from adjustframe when a stack is copied: dematerializeGCProg
// frees a manual span while gcphase != _GCoff, which the mSpanState comment
// forbids. No pointer the GC follows leads into such a span (the bitmap is
// read only by the goroutine that made it, on the system stack), so the
// race the rule prevents cannot happen there. Go 1.26 no longer has these
// functions. The spec names the exception (spec/mheap/actions.ts).

import type { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import type { P } from './proc.js';
import { spanAllocPtrScalarBits } from './spanclass.js';
import { refuse } from './throw.js';

/** materializeGCProg: a manual span for the 1-bit pointer mask of ptrdata bytes (8-byte words). */
export function materializeGCProg(h: MHeap, ptrdata: number, pp: P | null): MSpan | null {
  if (!Number.isSafeInteger(ptrdata) || ptrdata < 1) refuse('materializeGCProg', `ptrdata must be a positive integer, got ${String(ptrdata)}`);
  // Each word of ptrdata needs one bit in the bitmap.
  const bitmapBytes = Math.ceil(ptrdata / (8 * 8));
  const pages = Math.ceil(bitmapBytes / h.g.pageSize);
  return h.allocManual(pages, spanAllocPtrScalarBits, pp);
}

/** dematerializeGCProg: give the bitmap's span back. */
export function dematerializeGCProg(h: MHeap, s: MSpan, pp: P | null): void {
  h.freeManual(s, spanAllocPtrScalarBits, pp);
}
