// runtime/mheap.go @ go1.21 · (*mheap).reclaim, reclaimChunk: before
// allocating npages while sweeping is not done, sweep and free at least
// that many pages of spans with nothing marked, so the heap does not grow
// while unswept garbage waits.
//
// reclaim walks the arenas of this sweep generation (h.sweepArenas) in
// chunks of pagesPerReclaimerChunk pages from h.reclaimIndex, using the
// in-use-but-unmarked page bits (pageInUse &^ pageMarks) as a hint, and
// counts pages freed by other sweepers (h.reclaimCredit) first.

import type { MHeap } from './mheap.js';
import { sweep } from './mgcsweep.js';
import type { P } from './proc.js';

/** pagesPerReclaimerChunk: pages scanned from pageInUse at a time. */
export const pagesPerReclaimerChunk = 512;

/** reclaimIndex's "done" value (1 << 63 in Go). */
export const reclaimDone = 2 ** 63;

/** reclaim sweeps and reclaims at least npage pages into the heap. */
export function reclaim(h: MHeap, npage: number, pp: P | null): void {
  // Bail early if there's no more reclaim work.
  if (h.reclaimIndex >= reclaimDone) return;
  const arenas = h.sweepArenas;
  const ppa = h.g.pagesPerArena;
  const chunk = Math.min(pagesPerReclaimerChunk, ppa);
  while (npage > 0) {
    // Pull from accumulated credit first.
    const credit = h.reclaimCredit;
    if (credit > 0) {
      const take = Math.min(credit, npage);
      h.reclaimCredit -= take;
      npage -= take;
      continue;
    }
    // Claim a chunk of work.
    const idx = h.reclaimIndex;
    h.reclaimIndex += chunk;
    if (Math.floor(idx / ppa) >= arenas.length) {
      // Page reclaiming is done.
      h.reclaimIndex = reclaimDone;
      break;
    }
    // Scan this chunk.
    const nfound = reclaimChunk(h, arenas, idx, chunk, pp);
    // Stryker disable next-line EqualityOperator: < only moves nfound === npage to the else branch, which adds nfound - npage = 0 to the credit and sets npage = 0, as npage -= nfound does.
    if (nfound <= npage) npage -= nfound;
    else {
      // Put spare pages toward global credit.
      h.reclaimCredit += nfound - npage;
      npage = 0;
    }
  }
}

/**
 * reclaimChunk sweeps the unmarked in-use spans starting in the n pages
 * from pageIdx (of the arenas list) and returns the pages it freed.
 */
export function reclaimChunk(h: MHeap, arenas: readonly number[], pageIdx: number, n: number, pp: P | null): number {
  let nFreed = 0;
  const sl = h.sweep.active.begin(h);
  if (!sl.valid) return 0;
  const ppa = h.g.pagesPerArena;
  while (n > 0) {
    const ai = arenas[Math.floor(pageIdx / ppa)]!;
    const ha = h.arenas.get(ai)!;
    // Get a chunk of the bitmap to work on.
    const arenaPage = pageIdx % ppa;
    const bytes = Math.min(ha.pageInUse.length - arenaPage / 8, n / 8);
    for (let i = 0; i < bytes; i++) {
      const b = arenaPage / 8 + i;
      let inUseUnmarked = ha.pageInUse[b]! & ~ha.pageMarks[b]!;
      // Stryker disable next-line ConditionalExpression: a shortcut: with the byte 0 the bit loop below finds no set bit and does nothing.
      if (inUseUnmarked === 0) continue;
      // Stryker disable next-line EqualityOperator: j = 8 tests bit 8 of a byte's bits (pageInUse[b] & ~pageMarks[b] is at most 0xff): never set, so it continues.
      for (let j = 0; j < 8; j++) {
        if ((inUseUnmarked & (1 << j)) === 0) continue;
        const s = ha.spans[arenaPage + i * 8 + j]!;
        if (sl.tryAcquire(s)) {
          h.ghostReclaimSwept.push(s);
          const npages = s.npages;
          if (sweep(h, s, false, pp)) nFreed += npages;
          // Reload inUse: it's possible nearby spans were freed when we dropped the lock.
          inUseUnmarked = ha.pageInUse[b]! & ~ha.pageMarks[b]!;
        }
      }
    }
    pageIdx += bytes * 8;
    n -= bytes * 8;
  }
  h.sweep.active.end(h, sl);
  return nFreed;
}
