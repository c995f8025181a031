// runtime/mheap.go @ go1.21 · (*mheap).grow: add at least npage pages of
// memory to the heap, in whole palloc chunks, from the current arena or
// from new arena space.

import { alignUp } from './geometry.js';
import { sysAlloc } from './malloc.js';
import type { MHeap } from './mheap.js';

/**
 * grow returns how much the heap grew by and whether it worked. The new
 * space is mapped (Prepared), counted as released, and handed to the page
 * allocator. If new arena space is not contiguous with the current arena,
 * what remains of the current one is handed over first.
 */
export function grow(h: MHeap, npage: number): [growth: number, ok: boolean] {
  const g = h.g;
  // Grow the heap in whole palloc chunks.
  const ask = alignUp(npage, g.pallocChunkPages) * g.pageSize;
  let totalGrowth = 0;
  const end = h.curArena.base + ask;
  let nBase = alignUp(end, g.physPageSize);
  if (nBase > h.curArena.end) {
    // Not enough room in the current arena: allocate more arena space,
    // possibly not contiguous with the current arena, so ask for all of it.
    const [av, asize] = sysAlloc(h, ask, true);
    if (av === 0) return [0, false]; // runtime: out of memory: cannot allocate <ask>-byte block
    if (av === h.curArena.end) {
      // Contiguous with the old space: extend it.
      h.curArena.end = av + asize;
    } else {
      // Discontiguous: hand over what remains of the current space, then switch.
      const size = h.curArena.end - h.curArena.base;
      if (size !== 0) {
        // sysMap (Reserved -> Prepared), counted as released.
        h.gcController.heapReleased.add(size);
        h.heapStats.released += size;
        h.pages.grow(h.curArena.base, size);
        totalGrowth += size;
      }
      h.curArena.base = av;
      h.curArena.end = av + asize;
    }
    // Recompute nBase: sysAlloc returned at least ask bytes from curArena.base.
    nBase = alignUp(h.curArena.base + ask, g.physPageSize);
  }
  // Grow into the current arena.
  const v = h.curArena.base;
  h.curArena.base = nBase;
  // sysMap (Reserved -> Prepared): the new memory counts as released and idle.
  h.gcController.heapReleased.add(nBase - v);
  h.heapStats.released += nBase - v;
  h.pages.grow(v, nBase - v);
  totalGrowth += nBase - v;
  return [totalGrowth, true];
}
