// runtime/mheap.go @ go1.21 · tryAllocMSpan, allocMSpanLocked,
// freeMSpanLocked: span structures, through the current P's mspancache.

import type { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import type { P } from './proc.js';

/** tryAllocMSpan: the last span structure in pp's cache, or null (no P, or an empty cache). */
export function tryAllocMSpan(pp: P | null): MSpan | null {
  if (pp === null || pp.mspancache.len === 0) return null;
  const s = pp.mspancache.buf[pp.mspancache.len - 1]!;
  pp.mspancache.buf[pp.mspancache.len - 1] = null;
  pp.mspancache.len--;
  return s;
}

/** allocMSpanLocked: a span structure, refilling pp's cache (half of it) from spanalloc when empty. */
export function allocMSpanLocked(h: MHeap, pp: P | null): MSpan {
  if (pp === null) return h.spanalloc.alloc();
  if (pp.mspancache.len === 0) {
    const refillCount = pp.mspancache.buf.length / 2;
    for (let i = 0; i < refillCount; i++) pp.mspancache.buf[i] = h.spanalloc.alloc();
    pp.mspancache.len = refillCount;
  }
  const s = pp.mspancache.buf[pp.mspancache.len - 1]!;
  pp.mspancache.buf[pp.mspancache.len - 1] = null;
  pp.mspancache.len--;
  return s;
}

/** freeMSpanLocked: give a span structure back to pp's cache if it has room, else to spanalloc. */
export function freeMSpanLocked(h: MHeap, s: MSpan, pp: P | null): void {
  if (pp !== null && pp.mspancache.len < pp.mspancache.buf.length) {
    pp.mspancache.buf[pp.mspancache.len] = s;
    pp.mspancache.len++;
    return;
  }
  h.spanalloc.free(s);
}
