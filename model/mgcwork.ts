// runtime/mgcwork.go @ go1.21 · getempty, putempty, prepareFreeWorkbufs,
// freeSomeWbufs: the GC's work buffers, the page heap's other manual-span
// caller.
//
// Work buffers come 16 to a span (workbufAlloc / _WorkbufSize). A span,
// once allocated, is on work.wbufSpans.busy until mark termination moves
// every busy span to the free list (prepareFreeWorkbufs); the background
// sweeper then gives free spans back to the heap, only while gcphase ==
// _GCoff (freeSomeWbufs). That is how work buffers respect the mSpanState
// rule. A buffer's contents (its objects) are not modelled.

import type { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import { MSpanList } from './mspanlist.js';
import type { P } from './proc.js';
import { spanAllocWorkBuf } from './spanclass.js';
import { throwGo } from './throw.js';

const site = 'runtime/mgcwork.go';

/** _WorkbufSize: bytes of one work buffer. */
export const workbufSize = 2048;
/** workbufAlloc: bytes of work buffers allocated at a time (one manual span). */
export const workbufAlloc = 32 << 10;

/** The parts of Go's global `work` that hold work buffers. */
export class GCWork {
  /** work.empty: the lock-free stack of empty buffers (their addresses), top last. */
  empty: number[] = [];
  /** work.wbufSpans.free: spans whose buffers may be given back to the heap. */
  readonly free = new MSpanList();
  /** work.wbufSpans.busy: spans whose buffers are in use. */
  readonly busy = new MSpanList();
}

/** getempty: an empty work buffer, from work.empty, else carved from a free span or a new manual span. */
export function getempty(h: MHeap, pp: P | null): number {
  const work = h.work;
  const b = work.empty.pop();
  if (b !== undefined) return b;
  let s: MSpan | null = work.free.first;
  if (s !== null) {
    work.free.remove(s);
    work.busy.insert(s);
  } else {
    s = h.allocManual(workbufAlloc / h.g.pageSize, spanAllocWorkBuf, pp);
    if (s === null) throwGo('out of memory', `${site} · getempty`);
    // Record the new span in the busy list.
    work.busy.insert(s);
  }
  // Slice up the span into new workbufs. Return one and put the rest on the empty list.
  for (let i = workbufSize; i + workbufSize <= workbufAlloc; i += workbufSize) putempty(h, s.base() + i);
  return s.base();
}

/** putempty: an empty work buffer goes back on work.empty. */
export function putempty(h: MHeap, b: number): void {
  h.work.empty.push(b);
}

/**
 * prepareFreeWorkbufs, at mark termination: every buffer is empty, so the
 * empty list is wiped and every busy span becomes free.
 */
export function prepareFreeWorkbufs(h: MHeap): void {
  const work = h.work;
  work.empty = [];
  work.free.takeAll(work.busy);
}

/** freeSomeWbufs: give up to 64 free work buffer spans back to the heap, only in _GCoff; whether any are left. */
export function freeSomeWbufs(h: MHeap, pp: P | null): boolean {
  const work = h.work;
  const batchSize = 64;
  if (h.gcphase !== '_GCoff' || work.free.isEmpty()) return false;
  for (let i = 0; i < batchSize; i++) {
    const span = work.free.first;
    if (span === null) break;
    work.free.remove(span);
    h.freeManual(span, spanAllocWorkBuf, pp);
  }
  return !work.free.isEmpty();
}
