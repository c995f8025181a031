// Go's runtime/mpagealloc_test.go cases, run against model/mpagealloc.ts.
// Titles are Go's test name + "/" + Go's case name.

import { expect, test } from 'vitest';
import { baseChunkIdx, pageBase } from '../../model/export.js';
import { defaultGeometry as g, hex } from '../../model/geometry.js';
import { checkPageAlloc, newPageAllocFromMaps } from './helpers.js';
import type { ChunkMap } from './helpers.js';
import {
  pageAllocAllocAndFreeCases,
  pageAllocAllocCases,
  pageAllocExhaustNPages,
  pageAllocFreeCases,
  pageAllocGrowCases,
} from './mpagealloc_cases.js';

test.each(pageAllocGrowCases(g).map((c) => [c.name, c] as const))('TestPageAllocGrow/%s', (_, c) => {
  const b = newPageAllocFromMaps(g, Object.fromEntries(c.chunks.map((ci) => [ci, []])));
  const got = b.inUse.ranges.map((r) => `[${hex(r.base.addr())}, ${hex(r.limit.addr())})`);
  const want = c.inUse.map(([base, limit]) => `[${hex(base)}, ${hex(limit)})`);
  expect(got, 'found inUse mismatch').toEqual(want);
});

test.each(pageAllocAllocCases(g).map((c) => [c.name, c] as const))('TestPageAllocAlloc/%s', (_, c) => {
  const b = newPageAllocFromMaps(g, c.before, c.scav);
  c.hits.forEach((h, iter) => {
    const [a, s] = b.alloc(h.npages);
    expect(hex(a), `bad alloc #${iter + 1}: base`).toBe(hex(h.base));
    expect(s, `bad alloc #${iter + 1}: scav`).toBe(h.scav);
  });
  const want = newPageAllocFromMaps(g, c.after, c.scav);
  expect(checkPageAlloc(want, b)).toEqual([]);
});

test.each(pageAllocExhaustNPages.map((n) => [String(n), n] as const))('TestPageAllocExhaust/%s', (_, npages) => {
  const C = baseChunkIdx(g);
  const P = g.pallocChunkPages;
  const four = (v: (k: number) => ChunkMap[number]): ChunkMap => Object.fromEntries([0, 1, 2, 3].map((k) => [C + k, v(k)]));
  const b = newPageAllocFromMaps(g, four(() => []));
  // Allocate until the heap is exhausted: every allocation lands right after the previous one.
  const nAlloc = Math.floor((P * 4) / npages);
  for (let i = 0; i < nAlloc; i++) {
    const [a] = b.alloc(npages);
    expect(hex(a), `bad alloc #${i + 1}`).toBe(hex(pageBase(g, C, i * npages)));
  }
  expect(hex(b.alloc(npages)[0]), `bad alloc #${nAlloc}`).toBe('0x0');
  // The expected heap: a prefix of nAlloc*npages allocated pages.
  let allocPages = nAlloc * npages;
  const want = newPageAllocFromMaps(
    g,
    four(() => {
      const n = Math.min(allocPages, P);
      allocPages -= n;
      return n > 0 ? [[0, n]] : [];
    }),
  );
  expect(checkPageAlloc(want, b)).toEqual([]);
});

test.each(pageAllocFreeCases(g).map((c) => [c.name, c] as const))('TestPageAllocFree/%s', (_, c) => {
  const b = newPageAllocFromMaps(g, c.before);
  for (const addr of c.frees) b.free(addr, c.npages);
  const want = newPageAllocFromMaps(g, c.after);
  expect(checkPageAlloc(want, b)).toEqual([]);
});

test.each(pageAllocAllocAndFreeCases(g).map((c) => [c.name, c] as const))('TestPageAllocAllocAndFree/%s', (_, c) => {
  const b = newPageAllocFromMaps(g, c.init);
  c.hits.forEach((h, iter) => {
    if (h.alloc) expect(hex(b.alloc(h.npages)[0]), `bad alloc #${iter + 1}`).toBe(hex(h.base));
    else b.free(h.base, h.npages);
  });
});
