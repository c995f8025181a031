// runtime/mpagealloc.go @ go1.21 · chunkIdx, chunkIndex, chunkBase,
// chunkPageIndex, (chunkIdx).l1/l2, offAddrToLevelIndex, levelIndexToOffAddr.
//
// A chunk index is the global index of a palloc chunk in the offset address
// space: chunkIndex(p) = (p - arenaBaseOffset) / pallocChunkBytes.

import type { Geometry } from './geometry.js';
import { OffAddr } from './mranges.js';

/** chunkIndex returns the global index of the palloc chunk containing p. */
export function chunkIndex(g: Geometry, p: number): number {
  return Math.floor((p - g.arenaBaseOffset) / g.pallocChunkBytes);
}

/** chunkBase returns the base address of chunk ci. */
export function chunkBase(g: Geometry, ci: number): number {
  return ci * g.pallocChunkBytes + g.arenaBaseOffset;
}

/** chunkPageIndex returns the index within its chunk of the page containing p. */
export function chunkPageIndex(g: Geometry, p: number): number {
  // Go: p % pallocChunkBytes / pageSize, on the unsigned p. The remainder is
  // taken by exact subtraction (V8's float modulus is a slow library call);
  // flooring makes it the non-negative one for the signed form of an address
  // with bit 63 set too, which is the unsigned one (2^64 is a multiple of
  // pallocChunkBytes).
  return Math.floor((p - Math.floor(p / g.pallocChunkBytes) * g.pallocChunkBytes) / g.pageSize);
}

/** ci.l1(): the index into the first level of pageAlloc.chunks. */
export function chunkL1(g: Geometry, ci: number): number {
  if (g.pallocChunksL1Bits === 0) return 0;
  // A shift for a chunk index (< 2^30 in every geometry: at most 48 address bits, chunks of at least 2^18 bytes), as Go shifts.
  // Stryker disable next-line ConditionalExpression: `false` is equivalent: the division below gives the same value for every index (the shift is its fast form); `true`, caught, is disabled with it
  if ((ci & 0x3fffffff) === ci) return ci >>> g.pallocChunksL1Shift;
  return Math.floor(ci / g.chunksL1Div);
}

/** ci.l2(): the index into the second level of pageAlloc.chunks. */
export function chunkL2(g: Geometry, ci: number): number {
  if (g.pallocChunksL1Bits === 0) return ci;
  // As Go masks: JavaScript's & takes the low 32 bits of the index, all the
  // mask (at most 2^30 - 1) needs, so it is exact for every index.
  return ci & (g.chunksL2Size - 1);
}

/** offAddrToLevelIndex: the index into summary[level] of the entry containing addr. */
export function offAddrToLevelIndex(g: Geometry, level: number, addr: OffAddr): number {
  return Math.floor((addr.a - g.arenaBaseOffset) / g.levelBytes[level]!);
}

/** levelIndexToOffAddr: the first address covered by summary[level][idx]. */
export function levelIndexToOffAddr(g: Geometry, level: number, idx: number): OffAddr {
  return new OffAddr(levelIndexToAddr(g, level, idx));
}

/** levelIndexToOffAddr(...).addr(), without the wrapper (for hot loops). */
export function levelIndexToAddr(g: Geometry, level: number, idx: number): number {
  return idx * g.levelBytes[level]! + g.arenaBaseOffset;
}

/** The page number, in the offset space, of the page containing p: a global page index. */
export function pageIndex(g: Geometry, p: number): number {
  return Math.floor((p - g.arenaBaseOffset) / g.pageSize);
}

/** The address of global page index pi. */
export function pageAddr(g: Geometry, pi: number): number {
  return pi * g.pageSize + g.arenaBaseOffset;
}
