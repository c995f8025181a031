// runtime/malloc.go @ go1.21 · mallocinit's arena hints, type arenaHint,
// (*mheap).sysAlloc: reserving whole arenas of address space for the heap.

import { alignUp, hex } from './geometry.js';
import type { Geometry } from './geometry.js';
import { chunkBase } from './chunks.js';
import { baseChunkIdx } from './export.js';
import { HeapArena, arenaIndex } from './heaparena.js';
import type { MHeap } from './mheap.js';
import { throwGo } from './throw.js';

const site = 'runtime/malloc.go · (*mheap).sysAlloc';

/** arenaHint: where to try to grow the heap's arenas next. */
export interface ArenaHint {
  addr: number;
  /** Grow downward from addr (hints made after sysReserveAligned). */
  down: boolean;
  next: ArenaHint | null;
}

/**
 * mallocinit's hints, in the order they are tried. On linux/amd64:
 * 0x00c000000000, 0x01c000000000, ..., 0x3fc000000000 (i<<40 | 0x00c0<<32
 * for i = 0..0x3f; the hints for i > 0x3f go to user arenas), each
 * heapArenaBytes-aligned. Another geometry's address space holds none of
 * those, so it gets one hint: the first arena boundary at or above its base
 * chunk, aligned as Go's are.
 */
export function arenaHintAddrs(g: Geometry): number[] {
  // amd64's address space: validate admits 48 bits only with arenaBaseOffset = -2^47.
  if (g.heapAddrBits === 48) {
    return Array.from({ length: 0x40 }, (_, i) => i * 2 ** 40 + 0x00c0 * 2 ** 32);
  }
  const base = chunkBase(g, baseChunkIdx(g));
  return [alignUp(base - g.arenaBaseOffset, g.heapArenaBytes) + g.arenaBaseOffset];
}

/**
 * sysReserveAligned(nil, size, align): reserve size bytes aligned to align
 * anywhere, by asking for size+align and trimming what is unaligned (the
 * non-Windows branch). An aligned answer keeps all size+align bytes.
 */
export function sysReserveAligned(h: MHeap, size: number, align: number): [v: number, size: number] {
  const g = h.g;
  const p = h.os.sysReserve(0, size + align);
  if (p === 0) return [0, 0];
  if ((p - g.arenaBaseOffset) % align === 0) return [p, size + align];
  // Trim off the unaligned parts.
  const pAligned = alignUp(p - g.arenaBaseOffset, align) + g.arenaBaseOffset;
  h.os.sysFreeOS(p, pAligned - p);
  const end = pAligned + size;
  const endLen = p + size + align - end;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: endLen = align - (pAligned - p) is always > 0 here (`true` and `>=` are equivalent): p is unaligned, so 0 < pAligned - p < align; `false` and `<`, caught, are disabled with them
  if (endLen > 0) h.os.sysFreeOS(end, endLen);
  return [pAligned, size];
}

/**
 * sysAlloc reserves n bytes (rounded up to whole arenas) at a hint address,
 * or anywhere the OS will give, and creates the arenas' metadata. It
 * returns [0, 0] when the OS refuses. Memory comes back Reserved; the
 * caller maps it.
 */
export function sysAlloc(h: MHeap, n: number, register: boolean): [v: number, size: number] {
  const g = h.g;
  n = alignUp(n, g.heapArenaBytes);
  let v = 0;
  let size = 0;
  const arenaBits = g.heapAddrBits - g.logHeapArenaBytes;
  // Try to grow the heap at a hint address (h.arena's pre-reservation is 32-bit only).
  while (h.arenaHints !== null) {
    const hint = h.arenaHints;
    let p = hint.addr;
    if (hint.down) p -= n;
    if (!g.inAddressSpace(p) || arenaIndex(g, p + n - 1) >= 2 ** arenaBits) {
      v = 0; // outside the addressable heap: can't use
    } else {
      v = h.os.sysReserve(p, n);
    }
    if (v !== 0 && p === v) {
      // Success: update the hint.
      if (!hint.down) p += n;
      hint.addr = p;
      size = n;
      break;
    }
    // Failed: give back what the kernel placed elsewhere, discard this hint and try the next.
    if (v !== 0) h.os.sysFreeOS(v, n);
    h.arenaHints = hint.next;
  }
  if (size === 0) {
    // Every hint failed: take any sufficiently aligned address the kernel gives.
    [v, size] = sysReserveAligned(h, n, g.heapArenaBytes);
    if (v === 0) return [0, 0];
    // New hints for extending this region, down and up.
    h.arenaHints = { addr: v, down: true, next: h.arenaHints };
    h.arenaHints = { addr: v + size, down: false, next: h.arenaHints };
  }
  // Bad pointers or pointers we can't use.
  let bad = '';
  if (!g.inAddressSpace(v)) bad = 'base outside usable address space';
  else if (!g.inAddressSpace(v + size - 1)) bad = 'end outside usable address space';
  if (bad !== '') throwGo('memory reservation exceeds address space limit', site, `memory allocated by OS [${hex(v)}, ${hex(v + size)}) not in usable address space: ${bad}`);
  if ((v - g.arenaBaseOffset) % g.heapArenaBytes !== 0) throwGo('misrounded allocation in sysAlloc', site);
  // Create arena metadata.
  for (let ri = arenaIndex(g, v); ri <= arenaIndex(g, v + size - 1); ri++) {
    if (h.arenas.has(ri)) throwGo('arena already initialized', site);
    const r = new HeapArena(ri, g.pagesPerArena);
    if (register) h.allArenas.push(ri);
    h.arenas.set(ri, r);
  }
  return [v, size];
}
