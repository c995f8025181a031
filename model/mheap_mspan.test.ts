// The per-P cache of span structures (runtime/mheap.go @ go1.21 ·
// tryAllocMSpan, allocMSpanLocked, freeMSpanLocked; runtime2.go · p.mspancache,
// whose buf is a [128]*mspan array).

import { describe, expect, test } from 'vitest';
import { MHeap } from './mheap.js';
import { allocMSpanLocked, freeMSpanLocked, tryAllocMSpan } from './mheap_mspan.js';
import type { MSpan } from './mspan.js';
import { mspanCacheSize } from './proc.js';

/** A heap whose P 0 has a full cache: 128 span structures freed into it. */
function fullCache(): { h: MHeap; spans: MSpan[] } {
  const h = new MHeap({ nprocs: 1 });
  const spans = Array.from({ length: mspanCacheSize }, () => h.spanalloc.alloc());
  for (const s of spans) freeMSpanLocked(h, s, h.p(0));
  return { h, spans };
}

describe('mspancache', () => {
  test('freeMSpanLocked fills the cache up to len(buf) = 128, then gives span structures back to spanalloc', () => {
    const { h, spans } = fullCache();
    const pp = h.p(0);
    expect(pp.mspancache.len).toBe(128);
    expect(pp.mspancache.buf).toEqual(spans);
    expect(h.spanalloc.inuse).toBe(128); // cached structures still count as allocated from spanalloc
    const extra = h.spanalloc.alloc();
    freeMSpanLocked(h, extra, pp);
    expect(pp.mspancache.len).toBe(128);
    expect(pp.mspancache.buf).toHaveLength(128);
    expect(h.spanalloc.freeList()).toEqual([extra]);
    expect(h.spanalloc.inuse).toBe(128);
  });

  test('with no P, freeMSpanLocked goes straight to spanalloc and tryAllocMSpan finds nothing', () => {
    const h = new MHeap({ nprocs: 1 });
    const s = h.spanalloc.alloc();
    freeMSpanLocked(h, s, null);
    expect(h.spanalloc.freeList()).toEqual([s]);
    expect(tryAllocMSpan(null)).toBeNull();
    expect(tryAllocMSpan(h.p(0))).toBeNull(); // an empty cache
  });

  test('tryAllocMSpan pops the last cached structure; the cache still holds at most 128 afterwards', () => {
    const { h, spans } = fullCache();
    const pp = h.p(0);
    expect(tryAllocMSpan(pp)).toBe(spans[127]);
    expect(pp.mspancache.len).toBe(127);
    expect(tryAllocMSpan(pp)).toBe(spans[126]);
    expect(pp.mspancache.len).toBe(126);
    // Two back: the cache is full again; a third goes to spanalloc.
    const [a, b, c] = [h.spanalloc.alloc(), h.spanalloc.alloc(), h.spanalloc.alloc()];
    freeMSpanLocked(h, a, pp);
    freeMSpanLocked(h, b, pp);
    freeMSpanLocked(h, c, pp);
    expect(pp.mspancache.len).toBe(128);
    expect(pp.mspancache.buf).toHaveLength(128);
    expect(pp.mspancache.buf.slice(125)).toEqual([spans[125], a, b]);
    expect(h.spanalloc.freeList()).toEqual([c]);
  });

  test('allocMSpanLocked pops the last cached structure; the cache still holds at most 128 afterwards', () => {
    const { h, spans } = fullCache();
    const pp = h.p(0);
    expect(allocMSpanLocked(h, pp)).toBe(spans[127]);
    expect(pp.mspancache.len).toBe(127);
    const [a, b] = [h.spanalloc.alloc(), h.spanalloc.alloc()];
    freeMSpanLocked(h, a, pp);
    freeMSpanLocked(h, b, pp);
    expect(pp.mspancache.len).toBe(128);
    expect(pp.mspancache.buf).toHaveLength(128);
    expect(pp.mspancache.buf[127]).toBe(a);
    expect(h.spanalloc.freeList()).toEqual([b]);
  });

  test('allocMSpanLocked refills an empty cache with half of len(buf) from spanalloc, then takes the last', () => {
    const h = new MHeap({ nprocs: 1 });
    const pp = h.p(0);
    const s = allocMSpanLocked(h, pp);
    expect(h.spanalloc.inuse).toBe(64);
    expect(pp.mspancache.len).toBe(63);
    expect(h.allspans.indexOf(s)).toBe(63); // the 64th structure made
    expect(allocMSpanLocked(h, null)).toBe(h.allspans[64]); // no P: straight from spanalloc
  });
});
