// runtime/mpagealloc.go @ go1.21 · type pallocSum, packPallocSum, mergeSummaries.
//
// A pallocSum packs three counts (start, max, end) of logMaxPackedValue bits
// each (21 on linux/amd64) into one uint64: start in the low bits, then max,
// then end. Each count may be at most 2^21 - 1, or all three equal 2^21,
// which is encoded as bit 63 alone. The model stores summaries in exactly
// this encoding as (lo, hi) uint32 halves; PallocSum (a bigint) is the packed
// value at the API's edges.

import type { Geometry } from './geometry.js';
import { lowOnes32, toU64 } from './sys.js';

/** A packed summary as Go's uint64 value. */
export type PallocSum = bigint;

/** A summary unpacked: Go's p.unpack(). */
export type Sum3 = readonly [start: number, max: number, end: number];

/** The flag bit (bit 63) in the high half. */
const maxFlagHi = 0x80000000;

/**
 * Bit extraction of a field of width L at bit offset o from (lo, hi).
 * L <= 21 here, so a field straddles the halves at most once.
 */
function field(lo: number, hi: number, o: number, L: number): number {
  let v: number;
  if (o >= 32) v = hi >>> (o - 32);
  else if (o + L <= 32) v = lo >>> o;
  else v = (lo >>> o) | (hi << (32 - o));
  return (v & lowOnes32(L)) >>> 0;
}

/** A field value v of width L placed at offset o relative to a 32-bit half (o may be negative). */
function place(v: number, o: number, L: number): number {
  if (o >= 32 || o + L <= 0) return 0;
  return o >= 0 ? v << o : v >>> -o;
}

/** The packer for one geometry: all of Go's pallocSum methods. */
export class SumCodec {
  readonly L: number;
  readonly maxPackedValue: number;
  /** freeChunkSum: a summary of a wholly free chunk. */
  readonly freeChunk: Sum3;

  constructor(g: Geometry) {
    this.L = g.logMaxPackedValue;
    this.maxPackedValue = g.maxPackedValue;
    this.freeChunk = [g.pallocChunkPages, g.pallocChunkPages, g.pallocChunkPages];
  }

  /** Low half of packPallocSum(start, max, end). */
  packLo(start: number, max: number, end: number): number {
    if (max === this.maxPackedValue) return 0;
    return this.bitsAt(start, max, end, 0);
  }

  /** High half of packPallocSum(start, max, end). */
  packHi(start: number, max: number, end: number): number {
    if (max === this.maxPackedValue) return maxFlagHi;
    return this.bitsAt(start, max, end, 32);
  }

  /** packPallocSum as Go's uint64 value. */
  pack(start: number, max: number, end: number): PallocSum {
    return toU64(this.packLo(start, max, end), this.packHi(start, max, end));
  }

  /** p.start() of the packed (lo, hi). */
  start(lo: number, hi: number): number {
    if (hi & maxFlagHi) return this.maxPackedValue;
    return field(lo, hi, 0, this.L);
  }

  /** p.max() of the packed (lo, hi). */
  max(lo: number, hi: number): number {
    if (hi & maxFlagHi) return this.maxPackedValue;
    return field(lo, hi, this.L, this.L);
  }

  /** p.end() of the packed (lo, hi). */
  end(lo: number, hi: number): number {
    if (hi & maxFlagHi) return this.maxPackedValue;
    return field(lo, hi, 2 * this.L, this.L);
  }

  /** p.unpack() of the packed (lo, hi). */
  unpack(lo: number, hi: number): Sum3 {
    return [this.start(lo, hi), this.max(lo, hi), this.end(lo, hi)];
  }

  /** p.unpack() of a packed uint64. */
  unpackU64(p: PallocSum): Sum3 {
    const u = BigInt.asUintN(64, p);
    return this.unpack(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  /**
   * The 32 bits starting at bit `at` (0 or 32) of
   * (start & mask) | (max & mask) << L | (end & mask) << 2L.
   */
  private bitsAt(start: number, max: number, end: number, at: number): number {
    const L = this.L;
    const m = this.maxPackedValue;
    return (place(start % m, -at, L) | place(max % m, L - at, L) | place(end % m, 2 * L - at, L)) >>> 0;
  }
}

/**
 * mergeSummaries merges consecutive summaries, each covering at most
 * 1 << logMaxPagesPerSum pages, into one. Go's `sums []pallocSum` slice is
 * `count` packed entries of `mem` starting at entry `first`.
 */
export function mergeSummaries(c: SumCodec, mem: Uint32Array, first: number, count: number, logMaxPagesPerSum: number): Sum3 {
  let k = 2 * first;
  let start = c.start(mem[k]!, mem[k + 1]!);
  let max = c.max(mem[k]!, mem[k + 1]!);
  let end = c.end(mem[k]!, mem[k + 1]!);
  const full = 2 ** logMaxPagesPerSum;
  for (let i = 1; i < count; i++) {
    k += 2;
    const lo = mem[k]!;
    const hi = mem[k + 1]!;
    const si = c.start(lo, hi);
    const mi = c.max(lo, hi);
    const ei = c.end(lo, hi);
    // The running start grows only while everything so far is free.
    if (start === i * full) start += si;
    // The longest run may cross the boundary, or lie inside sums[i].
    if (end + si > max) max = end + si;
    if (mi > max) max = mi;
    // A wholly free sums[i] extends the running end; otherwise its end wins.
    if (ei === full) end += full;
    else end = ei;
  }
  return [start, max, end];
}
