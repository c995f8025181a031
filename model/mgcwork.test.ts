import { expect, test } from 'vitest';
import { gcMarkTermination, gcStart } from './mgc.js';
import { freeSomeWbufs, getempty, putempty, workbufAlloc, workbufSize } from './mgcwork.js';
import { MHeap } from './mheap.js';
import type { GoThrow } from './throw.js';

test('WorkbufSpans: a span is carved into 16 buffers, made free at mark termination, given back only in _GCoff', () => {
  const h = new MHeap({ nprocs: 1 });
  gcStart(h);
  const b = getempty(h, h.p(0));
  const s = h.spanOf(b)!;
  expect([s.state.get(), s.npages * h.g.pageSize]).toEqual(['mSpanManual', workbufAlloc]);
  expect(h.work.empty).toHaveLength(workbufAlloc / workbufSize - 1);
  // The next buffers come from the empty list, not the heap.
  const c = getempty(h, h.p(0));
  expect(h.spanOf(c)).toBe(s);
  putempty(h, c);
  expect(freeSomeWbufs(h, h.p(0))).toBe(false); // nothing free yet, and not _GCoff
  gcMarkTermination(h, h.p(0));
  expect(h.work.busy.isEmpty()).toBe(true);
  expect(h.work.free.first).toBe(s);
  expect(s.state.get()).toBe('mSpanManual');
  expect(freeSomeWbufs(h, h.p(0))).toBe(false); // none left after this batch
  expect(s.state.get()).toBe('mSpanDead');
});

test('freeSomeWbufs does nothing while the GC runs', () => {
  const h = new MHeap({ nprocs: 1 });
  getempty(h, h.p(0));
  gcStart(h);
  gcMarkTermination(h, h.p(0));
  gcStart(h);
  const s = h.work.free.first!;
  expect(freeSomeWbufs(h, h.p(0))).toBe(false);
  expect(s.state.get()).toBe('mSpanManual');
});

// runtime/mgcwork.go @ go1.21 · freeSomeWbufs: batchSize = 64 spans per call.
test('freeSomeWbufs frees at most 64 spans a call and says whether any are left', () => {
  const h = new MHeap({ nprocs: 1 });
  const per = workbufAlloc / workbufSize;
  // 65 spans' worth of buffers, none given back: each 16th getempty takes a new span.
  for (let i = 0; i < 65 * per; i++) getempty(h, h.p(0));
  expect(h.work.empty).toHaveLength(0);
  gcStart(h);
  gcMarkTermination(h, h.p(0));
  const spans: unknown[] = [];
  for (let s = h.work.free.first; s !== null; s = s.next) spans.push(s);
  expect(spans).toHaveLength(65);
  expect(freeSomeWbufs(h, h.p(0))).toBe(true);
  expect(h.work.free.first).not.toBeNull();
  expect(h.work.free.first!.next).toBeNull();
  expect(freeSomeWbufs(h, h.p(0))).toBe(false);
  expect(h.work.free.isEmpty()).toBe(true);
});

test('getempty throws "out of memory" when the heap cannot get a span', () => {
  const h = new MHeap({ nprocs: 1, osLimitBytes: 0 });
  expect(() => getempty(h, h.p(0))).toThrow('fatal error: out of memory');
  let e: unknown;
  try {
    getempty(h, h.p(0));
  } catch (x) {
    e = x;
  }
  expect((e as GoThrow).site).toBe('runtime/mgcwork.go · getempty');
});
