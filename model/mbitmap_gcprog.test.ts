// runtime/mbitmap.go @ go1.21 · materializeGCProg: one bit per 8-byte word of
// ptrdata, rounded up to whole pages (divRoundUp twice), from
// allocManual(pages, spanAllocPtrScalarBits); dematerializeGCProg gives the
// span back with freeManual.

import { describe, expect, test } from 'vitest';
import { dematerializeGCProg, materializeGCProg } from './mbitmap_gcprog.js';
import { MHeap } from './mheap.js';
import { ModelError } from './throw.js';

describe('materializeGCProg', () => {
  test('pages = divRoundUp(divRoundUp(ptrdata, 64), pageSize)', () => {
    const h = new MHeap({});
    const pages = (ptrdata: number) => materializeGCProg(h, ptrdata, h.p(0))!.npages;
    expect(pages(1)).toBe(1); // the smallest ptrdata: one word, one bit, one page
    expect(pages(64 * 8192)).toBe(1); // exactly one page of bitmap
    expect(pages(64 * 8192 + 1)).toBe(2);
  });

  test('a manual span, counted in inPtrScalarBits until dematerializeGCProg frees it', () => {
    const h = new MHeap({});
    const s = materializeGCProg(h, 8, h.p(0))!;
    expect(s.state.get()).toBe('mSpanManual');
    expect(h.heapStats.inPtrScalarBits).toBe(8192);
    dematerializeGCProg(h, s, h.p(0));
    expect(s.state.get()).toBe('mSpanDead');
    expect(h.heapStats.inPtrScalarBits).toBe(0);
  });

  test('ptrdata must be a positive integer (Go would ask allocManual for 0 pages)', () => {
    const h = new MHeap({});
    for (const bad of [0, -1, 0.5, 1.5, NaN]) {
      const f = () => materializeGCProg(h, bad, h.p(0));
      expect(f).toThrow(ModelError);
      expect(f).toThrow(`materializeGCProg: ptrdata must be a positive integer, got ${String(bad)}`);
    }
  });
});
