// runtime/internal/sys bit intrinsics for 64-bit words.
//
// Go's bitmaps are arrays of uint64. JavaScript has no fast 64-bit integer,
// so the model keeps every 64-bit word as two uint32 halves (lo = bits 0..31,
// hi = bits 32..63), stored side by side in a Uint32Array: word k lives at
// [2k] (lo) and [2k+1] (hi). Every function here is exact on all 2^64 values.
// bigint is used only at the edges (tests, traces), never on hot paths.

/** sys.TrailingZeros32; 32 for 0. */
export function trailingZeros32(x: number): number {
  x >>>= 0;
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** sys.TrailingZeros64 of the word (lo, hi); 64 for 0. */
export function trailingZeros64(lo: number, hi: number): number {
  return (lo >>> 0) !== 0 ? trailingZeros32(lo) : 32 + trailingZeros32(hi);
}

/** sys.LeadingZeros64 of the word (lo, hi); 64 for 0. */
export function leadingZeros64(lo: number, hi: number): number {
  return (hi >>> 0) !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** sys.OnesCount32. */
export function onesCount32(x: number): number {
  x >>>= 0;
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** sys.OnesCount64 of the word (lo, hi). */
export function onesCount64(lo: number, hi: number): number {
  return onesCount32(lo) + onesCount32(hi);
}

/** Low half of (lo, hi) >> s, for 0 <= s < 64 (Go masks shift counts with & 63 where it matters). */
export function shrLo(lo: number, hi: number, s: number): number {
  if (s === 0) return lo >>> 0;
  if (s < 32) return ((lo >>> s) | (hi << (32 - s))) >>> 0;
  // Stryker disable next-line ArithmeticOperator: JavaScript takes a shift count mod 32, and s + 32 = s - 32 mod 32
  return hi >>> (s - 32);
}

/** High half of (lo, hi) >> s, for 0 <= s < 64. */
export function shrHi(hi: number, s: number): number {
  return s < 32 ? hi >>> s : 0;
}

/** Low half of (lo, hi) << s, for 0 <= s < 64. */
export function shlLo(lo: number, s: number): number {
  return s < 32 ? (lo << s) >>> 0 : 0;
}

/** High half of (lo, hi) << s, for 0 <= s < 64. */
export function shlHi(lo: number, hi: number, s: number): number {
  if (s === 0) return hi >>> 0;
  if (s < 32) return ((hi << s) | (lo >>> (32 - s))) >>> 0;
  // Stryker disable next-line ArithmeticOperator: JavaScript takes a shift count mod 32, and s + 32 = s - 32 mod 32
  return (lo << (s - 32)) >>> 0;
}

/** Low half of the mask ((1 << n) - 1) << s: n ones starting at bit s, for n >= 1, s + n <= 64. */
export function maskLo(s: number, n: number): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut: for s >= 32 the lines below give 0 too (top = 32, lowOnes32(s) = all ones); `true` and `<`, caught, are disabled with them
  if (s >= 32) return 0;
  const top = Math.min(32, s + n);
  return (lowOnes32(top) & ~lowOnes32(s)) >>> 0;
}

/** High half of the mask ((1 << n) - 1) << s, for n >= 1, s + n <= 64. */
export function maskHi(s: number, n: number): number {
  const top = s + n;
  // Stryker disable next-line EqualityOperator: at top = 32 the line below gives 0 too (lowOnes32(0) = 0); `>`, caught, is disabled with it
  if (top <= 32) return 0;
  return (lowOnes32(top - 32) & ~lowOnes32(Math.max(0, s - 32))) >>> 0;
}

/** A uint32 with its low k bits set, 0 <= k <= 32. */
export function lowOnes32(k: number): number {
  return k >= 32 ? 0xffffffff : ((1 << k) - 1) >>> 0;
}

const two32 = 0x1_0000_0000n;

/** The uint64 (lo, hi) as a bigint. */
export function toU64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Low half of a uint64 given as a bigint (taken mod 2^64). */
export function u64Lo(x: bigint): number {
  return Number(BigInt.asUintN(64, x) % two32);
}

/** High half of a uint64 given as a bigint (taken mod 2^64). */
export function u64Hi(x: bigint): number {
  return Number(BigInt.asUintN(64, x) / two32);
}

/** A uint64 as Go's %#016x: "0x" and 16 lowercase hex digits (the trace format's word form). */
export function hexWord(x: bigint): string {
  return '0x' + BigInt.asUintN(64, x).toString(16).padStart(16, '0');
}
