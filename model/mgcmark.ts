// runtime/mgcmark.go @ go1.21, the parts that set marks: greyobject's
// marking of an object (the model has no heap contents to scan: the suites
// say which objects the mutator still reaches), gcmarknewobject (objects
// allocated during the mark phase are marked), and mgc.go's
// gcResetMarkState (page marks cleared at the start of a cycle).

import { objIndex } from './mbitmap.js';
import type { MHeap } from './mheap.js';
import { spanPageMarkBit } from './mgcsweep.js';
import type { MSpan } from './mspan.js';
import { refuse } from './throw.js';

/** Mark the object of span at index i, and the span's page mark. */
function setMarked(h: MHeap, span: MSpan, i: number): boolean {
  if (span.gcmarkBits!.isSet(i)) return false;
  span.gcmarkBits!.set(i);
  const [pageMarks, pi, mask] = spanPageMarkBit(h, span);
  // Stryker disable next-line ConditionalExpression: `true` is equivalent: when the bit is already set, `|= mask` leaves the byte as it was (Go tests first only to skip an atomic Or8); `false`, caught, is disabled with it
  if ((pageMarks[pi]! & mask) === 0) pageMarks[pi]! |= mask;
  return true;
}

/** greyobject: mark the heap object at obj (any pointer into it), if it is not marked yet; whether it was newly marked. */
export function markObject(h: MHeap, obj: number): boolean {
  if (h.gcphase !== '_GCmark' && h.gcphase !== '_GCmarktermination') refuse('markObject', `the GC marks only during the mark phase (gcphase ${h.gcphase})`);
  const span = h.spanOfHeap(obj);
  if (span === null) refuse('markObject', `${obj} is not in a heap object`);
  const marked = setMarked(h, span, objIndex(span, obj));
  if (marked) h.work.bytesMarked += span.elemsize;
  return marked;
}

/** gcmarknewobject marks a newly allocated object black. */
export function gcmarknewobject(h: MHeap, span: MSpan, obj: number, size: number): void {
  setMarked(h, span, objIndex(span, obj));
  h.work.bytesMarked += size;
}

/** gcResetMarkState (mgc.go): clear page marks and the marked-bytes count before a mark phase. */
export function gcResetMarkState(h: MHeap): void {
  for (const ai of h.allArenas) h.arenas.get(ai)!.pageMarks.fill(0);
  h.work.bytesMarked = 0;
}
