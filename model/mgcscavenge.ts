// runtime/mgcscavenge.go @ go1.21 · the page-level scavenger:
// (*pageAlloc).scavenge, scavengeOne, fillAligned,
// (*pallocData).findScavengeCandidate.
//
// Scavenging returns free pages to the OS, highest addresses first, in whole
// physical pages, trying not to break huge pages. A scavenged page stays
// free; its scavenged bit is set.

import { chunkBase } from './chunks.js';
import type { Geometry } from './geometry.js';
import { alignDown, alignUp } from './geometry.js';
import type { PageAlloc } from './mpagealloc.js';
import type { PallocData } from './mpallocbits.js';
import { OffAddr } from './mranges.js';
import { leadingZeros64, shlHi, shlLo } from './sys.js';
import { refuse, throwGo } from './throw.js';

const site = 'runtime/mgcscavenge.go';

/**
 * scavenge releases at least nbytes of free memory to the OS (or everything
 * it can find), one scavengeOne at a time. nbytes may be Infinity (Go's
 * ^uintptr(0)). force selects the forced cursor, as debug.FreeOSMemory and
 * the memory limit do (the PageAlloc.Scavenge test hook forces in go1.21).
 */
export function scavenge(p: PageAlloc, nbytes: number, force: boolean): number {
  if (!(nbytes >= 0) || (!Number.isSafeInteger(nbytes) && nbytes !== Infinity)) {
    refuse('pageAlloc.scavenge', `nbytes must be a non-negative integer or Infinity, got ${String(nbytes)}`);
  }
  let released = 0;
  while (released < nbytes) {
    const [ci, pageIdx] = p.scav.index.find(force);
    if (ci === 0) break;
    released += scavengeOne(p, ci, pageIdx, nbytes - released);
  }
  return released;
}

/**
 * scavengeOne scavenges the highest run of free, unscavenged pages at or
 * below searchIdx's word in chunk ci, at most max bytes (more to keep a huge
 * page whole). Returns the bytes released; 0 marks the chunk empty.
 */
export function scavengeOne(p: PageAlloc, ci: number, searchIdx: number, max: number): number {
  const g = p.g;
  // alignUp(max, pageSize) / pageSize, without overflow.
  let maxPages = Math.floor(max / g.pageSize);
  if (max % g.pageSize !== 0) maxPages++;
  // Whole physical pages only.
  const minPages = Math.max(1, g.physPageSize / g.pageSize);
  const leaf = p.summary[g.summaryLevels - 1]!;
  const pg = leaf.page(ci);
  const k = leaf.slot(ci);
  // Stryker disable next-line ConditionalExpression: `true` only skips Go's shortcut: a candidate needs a min-aligned group of minPages pages all free (fillAligned), so a chunk whose longest free run (the leaf summary's max) is below minPages has none, findScavengeCandidate returns npages 0 and the same setEmpty follows (the `false`, caught, is disabled with it)
  if (p.sums.max(pg[k]!, pg[k + 1]!) >= minPages) {
    const [base, npages] = findScavengeCandidate(g, p.chunkOf(ci), searchIdx, minPages, maxPages);
    if (npages !== 0) {
      const addr = chunkBase(g, ci) + base * g.pageSize;
      // Hold the range as allocated while it is released, so no one grabs it.
      p.chunkOf(ci).allocRange(base, npages);
      // Stryker disable next-line BooleanLiteral: update's contig and alloc flags matter only when the range spans chunks (mpagealloc.ts update: the `sc === ec` fast path re-summarizes the one chunk from its bitmap); scavengeOne's range is inside chunk ci
      p.update(addr, npages, true, true);
      // We're about to break up a huge page.
      p.scav.index.setNoHugePage(ci);
      p.observer?.scavenged(addr, npages);
      p.notifyScavenged(addr, npages);
      // Free it back, lowering searchAddr like a free.
      const b = new OffAddr(addr);
      // Stryker disable next-line ConditionalExpression: [addr, addr+npages) was free and unscavenged before this call and searchAddr has no free page below it (the invariant spec/pagealloc/invariants.ts searchAddrIsLowerBound checks after every operation), so addr >= searchAddr and the test is always false (Go keeps it for safety); the `true`, caught, is disabled with it
      if (b.lessThan(p.searchAddr)) p.searchAddr = b;
      p.chunkOf(ci).free(base, npages);
      // Stryker disable next-line BooleanLiteral: update's contig and alloc flags matter only when the range spans chunks (mpagealloc.ts update: the `sc === ec` fast path re-summarizes the one chunk from its bitmap); scavengeOne's range is inside chunk ci
      p.update(addr, npages, true, false);
      p.chunkOf(ci).scavenged.setRange(base, npages);
      return npages * g.pageSize;
    }
  }
  // Nothing here: the scavenger is done with this chunk for now.
  p.scav.index.setEmpty(ci);
  return 0;
}

/** The fillAligned group constants, per m, as (lo, hi). */
const fillConst: Record<number, [number, number]> = {
  2: [0x55555555, 0x55555555],
  4: [0x77777777, 0x77777777],
  8: [0x7f7f7f7f, 0x7f7f7f7f],
  16: [0x7fff7fff, 0x7fff7fff],
  32: [0x7fffffff, 0x7fffffff],
  64: [0xffffffff, 0x7fffffff],
};

/**
 * fillAligned returns x with every m-aligned group of m bits set to all ones
 * if any bit in the group is set. m is a power of two <= 64. For example,
 * fillAligned(0x0100a3, 8) == 0xff00ff.
 */
export function fillAligned(lo: number, hi: number, m: number): [number, number] {
  lo >>>= 0;
  hi >>>= 0;
  if (m === 1) return [lo, hi];
  const cst = fillConst[m];
  if (cst === undefined) throwGo('bad m value', `${site} · fillAligned`);
  const [clo, chi] = cst;
  // apply(x, c) = ^((((x & c) + c) | x) | c): the top bit of each m-group of x
  // is set iff the group was all zero.
  const [alo, ahi] = add64(lo & clo, hi & chi, clo, chi);
  const xlo = ~(alo | lo | clo) >>> 0;
  const xhi = ~(ahi | hi | chi) >>> 0;
  // ^((x - (x >> (m-1))) | x): spread each top bit over its group.
  const s = m - 1;
  // Stryker disable next-line EqualityOperator,ConditionalExpression,ArithmeticOperator: s = m - 1 is one of 1, 3, 7, 15, 31, 63 here (m === 1 returned above, fillConst refuses the rest), so `s <= 32` is `s < 32` and `s === 0` is always false; for m <= 32 no m-group straddles bit 32, and x holds only each group's top bit (bit k*m + m-1), so the bits `xhi << (32 - s)` would carry into lo (x's bits 32..32+s-1, each below its group's top bit) are all 0: `true` and `!==` give the same 0; `s + 32` shifts by 95, which JavaScript's >>> takes mod 32 as 31 = s - 32. The `s >= 32`, `32 + s` and other mutants here are caught (TestFillAligned, conformance/gotables) and are disabled with them
  const shLo = s < 32 ? ((xlo >>> s) | (s === 0 ? 0 : xhi << (32 - s))) >>> 0 : xhi >>> (s - 32);
  // Stryker disable next-line EqualityOperator: s = m - 1 is never 32 (m is a power of two <= 64, not 1), so `s <= 32` is `s < 32`; the `s >= 32`, caught, is disabled with it
  const shHi = s < 32 ? xhi >>> s : 0;
  const [dlo, dhi] = sub64(xlo, xhi, shLo, shHi);
  return [~(dlo | xlo) >>> 0, ~(dhi | xhi) >>> 0];
}

function add64(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  const lo = (alo >>> 0) + (blo >>> 0);
  const carry = lo > 0xffffffff ? 1 : 0;
  return [lo >>> 0, ((ahi >>> 0) + (bhi >>> 0) + carry) >>> 0];
}

function sub64(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  const lo = (alo >>> 0) - (blo >>> 0);
  const borrow = lo < 0 ? 1 : 0;
  return [lo >>> 0, ((ahi >>> 0) - (bhi >>> 0) - borrow) >>> 0];
}

/**
 * findScavengeCandidate returns (start, size) of a run of free, unscavenged
 * pages to scavenge in m, searching backwards from searchIdx's word, so the
 * highest candidate comes first. min is the hard minimum size and alignment
 * (a power of two <= maxPagesPerPhysPage); max a soft maximum (0 means min).
 * (0, 0) means none. The host's page sizes come from g (Go reads globals).
 */
export function findScavengeCandidate(g: Geometry, m: PallocData, searchIdx: number, min: number, max: number): [number, number] {
  if (!Number.isSafeInteger(min) || min <= 0 || 2 ** Math.round(Math.log2(min)) !== min) {
    throwGo('min must be a non-zero power of 2', `${site} · (*pallocData).findScavengeCandidate`, `min = ${min}`);
  } else if (min > g.maxPagesPerPhysPage) {
    throwGo('min too large', `${site} · (*pallocData).findScavengeCandidate`, `min = ${min}`);
  }
  // Align max up to min so truncation keeps min alignment.
  if (max === 0) max = min;
  else max = alignUp(max, min);

  // 1s are scavenged or in use; 0s are free and unscavenged.
  const word = (i: number): [number, number] => fillAligned(m.scavenged.w[2 * i]! | m.w[2 * i]!, m.scavenged.w[2 * i + 1]! | m.w[2 * i + 1]!, min);
  let i = searchIdx >>> 6;
  // Skip blocks with nothing to scavenge.
  // Stryker disable next-line EqualityOperator: with `i > 0`, an all-ones word 0 leaves the loop at i = 0 instead of -1; then z1 = 64, end = 0, run = 0, size = 0, start = 0 and the huge-page step adds 0 (alignUp(0) = alignDown(0) = 0): the same (0, 0) as the `i < 0` return; the `i < 0` and `i <= 0`, caught, are disabled with it
  for (; i >= 0; i--) {
    const [xlo, xhi] = word(i);
    if (xlo !== 0xffffffff || xhi !== 0xffffffff) break;
  }
  if (i < 0) return [0, 0];
  // The run may extend below this word; find its extent.
  const [xlo, xhi] = word(i);
  const z1 = leadingZeros64(~xlo >>> 0, ~xhi >>> 0);
  let run: number;
  const end = i * 64 + (64 - z1);
  const slo = shlLo(xlo, z1 & 63);
  const shi = shlHi(xlo, xhi, z1 & 63);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: word i is not all ones (the loop above stopped at it), so ^x != 0 and z1 = LeadingZeros64(^x) < 64 always; the guard only keeps the shift count in range: `true` and `<= 64` are the same; the other mutants here (`false`, `slo`/`shi` ones, `>= 64`), caught, are disabled with them
  if (z1 < 64 && (slo !== 0 || shi !== 0)) {
    // Still 1s after shifting out z1 bits: the run ends inside this word.
    run = leadingZeros64(slo, shi);
  } else {
    // The run reaches the bottom of the word and may continue below.
    run = 64 - z1;
    for (let j = i - 1; j >= 0; j--) {
      const [ylo, yhi] = word(j);
      run += leadingZeros64(ylo, yhi);
      if (ylo !== 0 || yhi !== 0) break;
    }
  }
  // Split a run longer than max, keeping its top.
  let size = Math.min(run, max);
  let start = end - size;
  // Don't break a free-and-unscavenged huge page: widen down to its boundary.
  const { physHugePageSize, pageSize, physPageSize } = g;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: only the first side's `true` and `>=` are equivalent: with physHugePageSize <= pageSize, pagesPerHugePage is 1, a fraction or 0, and alignUp(start)/alignDown(start) are start (or NaN for 0, failing `<= end`), so the widening adds 0 pages. The second side's `true` and `>=`, and the whole condition's `true`, are caught (mgcscavenge.test.ts: 64 KiB system pages and 64 KiB huge pages) but are disabled with them
  if (physHugePageSize > pageSize && physHugePageSize > physPageSize) {
    const pagesPerHugePage = physHugePageSize / pageSize;
    const hugePageAbove = alignUp(start, pagesPerHugePage);
    if (hugePageAbove <= end) {
      const hugePageBelow = alignDown(start, pagesPerHugePage);
      if (hugePageBelow >= end - run) {
        size = size + (start - hugePageBelow);
        start = hugePageBelow;
      }
    }
  }
  return [start, size];
}
