// Shared test plumbing for the ported Go test tables (conformance/gotables/).
//
// The data files hold Go's cases as object literals; this file holds the
// TypeScript equivalents of the few helpers Go's tests share:
// runtime/mpagealloc_test.go · checkPageAlloc, runtime/mpallocbits_test.go ·
// checkPallocBits / makePallocBits / invertPallocBits, and the maps of
// BitRanges that NewPageAlloc takes (runtime/export_test.go @ go1.21).

import { chunkL1 } from '../../model/chunks.js';
import type { BitRange, ChunkInit } from '../../model/export.js';
import { newPageAlloc } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';
import { hex } from '../../model/geometry.js';
import type { PageAlloc } from '../../model/mpagealloc.js';
import { PallocBits } from '../../model/mpallocbits.js';
import { hexWord } from '../../model/sys.js';

/** Go's BitRange{I, N} written as Go's positional literal {I, N}. */
export type BR = readonly [I: number, N: number];

/** Go's map[ChunkIdx][]BitRange: keys are absolute chunk indices. */
export type ChunkMap = Readonly<Record<number, readonly BR[]>>;

/** Go's ^uintptr(0) as a Scavenge request: "everything". */
export const allBytes = Infinity;

/** Go's ^uint64(0). */
export const ones64 = (1n << 64n) - 1n;

export function bitRange([I, N]: BR): BitRange {
  return { I, N };
}

/**
 * Go's NewPageAlloc(chunks, scav): every key of chunks is grown; scav
 * ranges apply to chunks that are also keys of chunks (Go ignores the
 * others); scav undefined is Go's nil (nothing scavenged).
 */
export function newPageAllocFromMaps(g: Geometry, chunks: ChunkMap, scav?: ChunkMap): PageAlloc {
  const inits: ChunkInit[] = Object.keys(chunks).map((k) => {
    const chunk = Number(k);
    const s = scav?.[chunk];
    return { chunk, alloc: (chunks[chunk] ?? []).map(bitRange), ...(s === undefined ? {} : { scav: s.map(bitRange) }) };
  });
  return newPageAlloc(g, inits);
}

/** The words of which a and b differ, Go's DiffPallocBits/StringifyPallocBits in one line each. */
export function diffWords(got: readonly bigint[], want: readonly bigint[], where = ''): string[] {
  const out: string[] = [];
  const n = Math.max(got.length, want.length);
  for (let k = 0; k < n; k++) {
    const a = got[k] ?? 0n;
    const b = want[k] ?? 0n;
    if (a !== b) out.push(`${where}@ bit index ${k * 64}: got ${hexWord(a)}, want ${hexWord(b)}`);
  }
  return out;
}

/** checkPallocBits: the differing words of two bitmaps (empty means equal). */
export function checkPallocBits(got: PallocBits, want: PallocBits): string[] {
  return diffWords(got.toWords(), want.toWords());
}

/**
 * checkPageAlloc (mpagealloc_test.go): the same Bounds(), then the same
 * allocation and scavenged bitmaps in every chunk of [start, end). Like Go's,
 * it does not compare summaries. Chunks whose L2 block is missing in both
 * are skipped (Go: PallocData(i) nil in both); unmaterialized chunks read as
 * zero, as Go's never-written memory does.
 */
export function checkPageAlloc(want: PageAlloc, got: PageAlloc): string[] {
  const g = got.g;
  if (got.start !== want.start) return [`start values not equal: got ${got.start}, want ${want.start}`];
  if (got.end !== want.end) return [`end values not equal: got ${got.end}, want ${want.end}`];
  const zeros = new Array<bigint>(g.pallocChunkWords).fill(0n);
  const errs: string[] = [];
  const l2Size = 2 ** g.pallocChunksL2Bits;
  for (let i = got.start; i < got.end; i++) {
    const gl2 = got.chunks[chunkL1(g, i)] !== undefined;
    const wl2 = want.chunks[chunkL1(g, i)] !== undefined;
    if (!gl2 && !wl2) {
      // Neither has this L2 block: skip to the next one (same result as Go's chunk-by-chunk loop).
      if (g.pallocChunksL1Bits !== 0) i += l2Size - 1 - (i % l2Size);
      continue;
    }
    if (gl2 !== wl2) {
      errs.push(`chunk ${i} nilness mismatch`);
      continue;
    }
    const gb = got.peekChunk(i);
    const wb = want.peekChunk(i);
    errs.push(...diffWords(gb?.toWords() ?? zeros, wb?.toWords() ?? zeros, `in chunk ${hex(i)} (mallocBits) `));
    errs.push(...diffWords(gb?.scavenged.toWords() ?? zeros, wb?.scavenged.toWords() ?? zeros, `in chunk ${hex(i)} (scavenged) `));
  }
  return errs;
}

/** makePallocBits (mpallocbits_test.go): a bitmap with the ranges in s set. */
export function makePallocBits(g: Geometry, s: readonly BR[] = []): PallocBits {
  const b = new PallocBits(g.pallocChunkPages);
  for (const [i, n] of s) b.allocRange(i, n);
  return b;
}

/** invertPallocBits (mpallocbits_test.go): flip every bit. */
export function invertPallocBits(b: PallocBits): void {
  b.setWords(b.toWords().map((w) => ~w & ones64));
}

/** A bitmap from Go's words (want[k] = ... in Go's tables); missing words are 0. */
export function pallocBitsFromWords(g: Geometry, words: Readonly<Record<number, bigint>>): PallocBits {
  const b = new PallocBits(g.pallocChunkPages);
  const ws = new Array<bigint>(g.pallocChunkWords).fill(0n);
  for (const [k, v] of Object.entries(words)) ws[Number(k)] = v;
  b.setWords(ws);
  return b;
}
