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

/** Where hot paths write an unpacked summary (start, max, end) instead of allocating a Sum3. */
export type Sum3Out = Int32Array;

/** A fresh Sum3Out. */
export function newSum3Out(): Sum3Out {
  return new Int32Array(3);
}

/** The flag bit (bit 63) in the high half. */
const maxFlagHi = 0x80000000;

/**
 * Where one field of width L lies in the (lo, hi) halves: starting at bit o
 * of the 64-bit value, in the low half, the high half, or straddling both.
 */
class FieldLayout {
  readonly inLo: boolean;
  /** Whether a field that starts in the low half runs into the high half (read only when inLo). */
  readonly straddles: boolean;
  constructor(
    readonly o: number,
    readonly L: number,
  ) {
    this.inLo = o < 32;
    // Stryker disable next-line EqualityOperator: `o + L >= 32` is equivalent: at o + L = 32 the straddling read's hi << (32 - o) = hi << L has no bits under the L-bit mask (`<=`, caught, is disabled with it)
    this.straddles = o + L > 32;
  }

  get(lo: number, hi: number, mask: number): number {
    // Stryker disable next-line ArithmeticOperator: JavaScript takes a shift count mod 32, and o + 32 = o - 32 mod 32
    if (!this.inLo) return (hi >>> (this.o - 32)) & mask;
    if (!this.straddles) return (lo >>> this.o) & mask;
    return ((lo >>> this.o) | (hi << (32 - this.o))) & mask;
  }
}

/** The packer for one geometry: all of Go's pallocSum methods. */
export class SumCodec {
  readonly L: number;
  readonly maxPackedValue: number;
  /** (1 << L) - 1: one field's bits. */
  readonly mask: number;
  private readonly fStart: FieldLayout;
  private readonly fMax: FieldLayout;
  private readonly fEnd: FieldLayout;
  /** packLo/packHi's shifts: end's in the low half (-1 when end lies wholly in hi), max's and end's into the high half. */
  private readonly endLoShl: number;
  private readonly maxHiShr: number;
  private readonly endHiShl: number;

  constructor(g: Geometry) {
    this.L = g.logMaxPackedValue;
    this.maxPackedValue = g.maxPackedValue;
    this.mask = lowOnes32(this.L);
    this.fStart = new FieldLayout(0, this.L);
    this.fMax = new FieldLayout(this.L, this.L);
    this.fEnd = new FieldLayout(2 * this.L, this.L);
    const L = this.L;
    // max starts at bit L < 32 (3L <= 63): its bits above 32 are max >>> (32 - L),
    // none when 2L <= 32 (a masked max < 2^L <= 2^(32 - L)).
    this.maxHiShr = 32 - L;
    // end starts at bit 2L: in the low half below 32; its bits above 32 are
    // end << (2L - 32) from 32 on, else end >>> (32 - 2L) (none unless 3L > 32).
    this.endLoShl = 2 * L < 32 ? 2 * L : -1;
    this.endHiShl = 2 * L - 32;
  }

  /** Low half of packPallocSum(start, max, end): each field masked to L bits, as Go does. */
  packLo(start: number, max: number, end: number): number {
    if (max === this.maxPackedValue) return 0;
    const m = this.mask;
    // start is at bit 0, max at L (< 32: 3L <= 63), end at 2L.
    // Stryker disable next-line EqualityOperator: `endLoShl > 0` is equivalent: endLoShl is 2L >= 12 or -1, never 0 (`<`, caught, is disabled with it)
    const e = this.endLoShl >= 0 ? (end & m) << this.endLoShl : 0;
    return ((start & m) | ((max & m) << this.L) | e) >>> 0;
  }

  /** High half of packPallocSum(start, max, end); max == maxPackedValue is bit 63 alone. */
  packHi(start: number, max: number, end: number): number {
    if (max === this.maxPackedValue) return maxFlagHi;
    const m = this.mask;
    const mh = (max & m) >>> this.maxHiShr;
    const e = end & m;
    // Stryker disable next-line EqualityOperator: `endHiShl > 0` is equivalent: at endHiShl = 0 both arms give e (e << 0 and e >>> -0, e < 2^L < 2^31) (`<`, caught, is disabled with it)
    const eh = this.endHiShl >= 0 ? e << this.endHiShl : e >>> -this.endHiShl;
    return (mh | eh) >>> 0;
  }

  /** packPallocSum as Go's uint64 value. */
  pack(start: number, max: number, end: number): PallocSum {
    return toU64(this.packLo(start, max, end), this.packHi(start, max, end));
  }

  /** p.start() of the packed (lo, hi). */
  start(lo: number, hi: number): number {
    if (hi & maxFlagHi) return this.maxPackedValue;
    return this.fStart.get(lo, hi, this.mask);
  }

  /** p.max() of the packed (lo, hi). */
  max(lo: number, hi: number): number {
    if (hi & maxFlagHi) return this.maxPackedValue;
    return this.fMax.get(lo, hi, this.mask);
  }

  /** p.end() of the packed (lo, hi). */
  end(lo: number, hi: number): number {
    if (hi & maxFlagHi) return this.maxPackedValue;
    return this.fEnd.get(lo, hi, this.mask);
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
}

/**
 * mergeSummaries merges consecutive summaries, each covering at most
 * 1 << logMaxPagesPerSum pages, into one. Go's `sums []pallocSum` slice is
 * `count` packed entries of `mem` starting at entry `first`; the model
 * passes `full` = 1 << logMaxPagesPerSum. The result (start, max, end) is
 * written to out, so the hot path allocates nothing.
 */
export function mergeSummaries(c: SumCodec, mem: Uint32Array, first: number, count: number, full: number, out: Sum3Out): void {
  // Each child unpacked inline: the three fields (max may straddle the
  // halves, end may lie in hi), replaced by maxPackedValue if flagged.
  const mask = c.mask;
  const L = c.L;
  // maxPackedValue, computed: an int32 V8 can prove, which the loop below
  // runs markedly faster with than with the field's value.
  const maxp = 1 << L;
  const oE = 2 * L;
  const endInHi = oE >= 32;
  let k = 2 * first;
  let lo = mem[k]!;
  let hi = mem[k + 1]!;
  // sums[0] starts the running summary. (hi << (32 - L)) has no bits below
  // 2L, so none in the mask when max lies in lo.
  let start = lo & mask;
  let max = ((lo >>> L) | (hi << (32 - L))) & mask;
  // Stryker disable next-line ArithmeticOperator: JavaScript takes a shift count mod 32, and oE + 32 = oE - 32 mod 32 (`32 + oE`, caught, is disabled with it)
  let end = (endInHi ? hi >>> (oE - 32) : (lo >>> oE) | (hi << (32 - oE))) & mask;
  if (hi & 0x80000000) start = max = end = maxp;
  for (let i = 1; i < count; i++) {
    k += 2;
    lo = mem[k]!;
    hi = mem[k + 1]!;
    let si = lo & mask;
    let mi = ((lo >>> L) | (hi << (32 - L))) & mask;
    // Stryker disable next-line ArithmeticOperator: JavaScript takes a shift count mod 32, and oE + 32 = oE - 32 mod 32 (`32 + oE`, caught, is disabled with it)
    let ei = (endInHi ? hi >>> (oE - 32) : (lo >>> oE) | (hi << (32 - oE))) & mask;
    if (hi & 0x80000000) si = mi = ei = maxp;
    // The running start grows only while everything so far is free.
    if (start === i * full) start += si;
    // The longest run may cross the boundary, or lie inside sums[i].
    const across = end + si;
    // Stryker disable next-line EqualityOperator: `across >= max` also sets max = across when they are equal, which changes nothing (`<=`, caught, is disabled with it)
    if (across > max) max = across;
    // Stryker disable next-line EqualityOperator: `mi >= max` also sets max = mi when they are equal, which changes nothing (`<=`, caught, is disabled with it)
    if (mi > max) max = mi;
    // A wholly free sums[i] extends the running end; otherwise its end wins.
    if (ei === full) end += full;
    else end = ei;
  }
  out[0] = start;
  out[1] = max;
  out[2] = end;
}
