// runtime/mpallocbits.go @ go1.21: one chunk's page bitmaps.
//
// A pageBits is Go's [pallocChunkPages/64]uint64. The model stores it as a
// Uint32Array of twice as many halves (see sys.ts): bit i of the chunk is bit
// i%32 of w[i>>5], which is exactly bit i%64 of Go's word i/64. Operations that
// only touch a range of bits (setRange, clearRange, popcntRange) work on the
// halves directly; the search algorithms keep Go's 64-bit word structure
// because their results depend on it (find's searchIdx is word-granular).

import {
  leadingZeros64,
  lowOnes32,
  onesCount32,
  onesCount64,
  shrHi,
  shrLo,
  toU64,
  trailingZeros64,
  u64Hi,
  u64Lo,
} from './sys.js';
import type { Sum3Out } from './mpallocsum.js';
import { newSum3Out } from './mpallocsum.js';

/** Go's ^uint(0): find's "nothing found" index. */
export const notFound = -1;

/** pageBits: one bit per page in a palloc chunk. */
export class PageBits {
  /** The bitmap as uint32 halves: word k of Go's array is (w[2k], w[2k+1]). */
  readonly w: Uint32Array;

  /** The same memory as int32s (summarize's view: no conversion of values >= 2^31 to doubles). */
  readonly wi: Int32Array;

  constructor(chunkPages: number) {
    this.w = new Uint32Array(chunkPages / 32);
    this.wi = new Int32Array(this.w.buffer);
  }

  /** len(b): the number of 64-bit words. */
  get words(): number {
    return this.w.length >>> 1;
  }

  /** get returns bit i. */
  get(i: number): number {
    return (this.w[i >>> 5]! >>> (i & 31)) & 1;
  }

  /** block64 returns the 64-bit aligned word containing bit i. */
  block64(i: number): bigint {
    const k = (i >>> 6) << 1;
    return toU64(this.w[k]!, this.w[k + 1]!);
  }

  /** set sets bit i. */
  set(i: number): void {
    this.w[i >>> 5]! |= 1 << (i & 31);
  }

  /** setRange sets bits [i, i+n). */
  setRange(i: number, n: number): void {
    const w = this.w;
    const j = i + n - 1;
    let k = i >>> 5;
    const kj = j >>> 5;
    if (k === kj) {
      w[k]! |= lowOnes32(n) << (i & 31);
      return;
    }
    w[k]! |= 0xffffffff << (i & 31);
    for (k++; k < kj; k++) w[k] = 0xffffffff;
    w[kj]! |= lowOnes32((j & 31) + 1);
  }

  /** setAll sets every bit. */
  setAll(): void {
    this.w.fill(0xffffffff);
  }

  /** setBlock64 sets, in the 64-bit word containing bit i, the bits set in v. */
  setBlock64(i: number, v: bigint): void {
    const k = (i >>> 6) << 1;
    this.w[k]! |= u64Lo(v);
    this.w[k + 1]! |= u64Hi(v);
  }

  /** clear clears bit i. */
  clear(i: number): void {
    this.w[i >>> 5]! &= ~(1 << (i & 31));
  }

  /** clearRange clears bits [i, i+n). */
  clearRange(i: number, n: number): void {
    const w = this.w;
    const j = i + n - 1;
    let k = i >>> 5;
    const kj = j >>> 5;
    if (k === kj) {
      w[k]! &= ~(lowOnes32(n) << (i & 31));
      return;
    }
    w[k]! &= ~(0xffffffff << (i & 31));
    for (k++; k < kj; k++) w[k] = 0;
    w[kj]! &= ~lowOnes32((j & 31) + 1);
  }

  /** clearAll clears every bit. */
  clearAll(): void {
    this.w.fill(0);
  }

  /** clearBlock64 clears, in the 64-bit word containing bit i, the bits set in v. */
  clearBlock64(i: number, v: bigint): void {
    const k = (i >>> 6) << 1;
    this.w[k]! &= ~u64Lo(v);
    this.w[k + 1]! &= ~u64Hi(v);
  }

  /** popcntRange counts the set bits in [i, i+n). */
  popcntRange(i: number, n: number): number {
    const w = this.w;
    const j = i + n - 1;
    let k = i >>> 5;
    const kj = j >>> 5;
    if (k === kj) return onesCount32((w[k]! >>> (i & 31)) & lowOnes32(n));
    let s = onesCount32(w[k]! >>> (i & 31));
    for (k++; k < kj; k++) s += onesCount32(w[k]!);
    return s + onesCount32(w[kj]! & lowOnes32((j & 31) + 1));
  }

  /** The 64-bit words as bigints (Go's array), for traces and tests. */
  toWords(): bigint[] {
    const out: bigint[] = [];
    for (let k = 0; k < this.w.length; k += 2) out.push(toU64(this.w[k]!, this.w[k + 1]!));
    return out;
  }

  /** Overwrite with Go's words (tests and trace set-up). */
  setWords(words: readonly bigint[]): void {
    words.forEach((x, k) => {
      this.w[2 * k] = u64Lo(x);
      this.w[2 * k + 1] = u64Hi(x);
    });
  }
}

/**
 * pallocBits: the allocation bitmap of one chunk; 0 is a free page, 1 an
 * allocated page.
 */
export class PallocBits extends PageBits {
  /** summarize returns the chunk's (start, max, end): free pages at the start, longest free run, free pages at the end. */
  summarize(): [start: number, max: number, end: number] {
    const out = newSum3Out();
    this.summarizeTo(out);
    return [out[0]!, out[1]!, out[2]!];
  }

  /**
   * summarize, with the result written to out (update's form: no tuple).
   * Go's algorithm run on the uint32 halves instead of the uint64 words: its
   * result (free pages at the start, longest free run, free pages at the
   * end) does not depend on the word size, and 32-bit words are native here.
   */
  summarizeTo(out: Sum3Out): void {
    const w = this.wi;
    const n = w.length;
    let start = -1; // notSetYet
    let max = 0;
    let cur = 0;
    for (let i = 0; i < n; i++) {
      const x = w[i]!;
      if (x === 0) {
        cur += 32;
        continue;
      }
      // Finish any region spanning the words.
      cur += 31 - Math.clz32(x & -x);
      if (start === -1) start = cur;
      // Stryker disable next-line EqualityOperator: `cur >= max` also sets max = cur when they are equal, which changes nothing (`<=`, caught, is disabled with it)
      if (cur > max) max = cur;
      // Final region that might span to the next word.
      cur = Math.clz32(x);
    }
    if (start === -1) {
      // Not a single 1 bit.
      out[0] = out[1] = out[2] = 32 * n;
      return;
    }
    // Stryker disable next-line EqualityOperator: `cur >= max` also sets max = cur when they are equal, which changes nothing (`<=`, caught, is disabled with it)
    if (cur > max) max = cur;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: taking this shortcut less often (`false`, `>`, `32 + 2`, `{}`) is equivalent: a zero run inside one 32-page word is at most 30 pages, so with max >= 30 the search below finds nothing longer (`true` and `<`, caught, are disabled with them)
    if (max >= 32 - 2) {
      // No run inside one word could beat max.
      out[0] = start;
      out[1] = max;
      out[2] = cur;
      return;
    }
    // Look inside each word for runs of zeros. Every word is non-zero here.
    // (x & (x + 1)) === 0: x is a run of ones at the bottom, no zeros below its top.
    // Stryker disable next-line EqualityOperator: `i <= n` also reads w[n], undefined, which the arithmetic below turns into 0, a word with no zero run: continue (`>=`, caught, is disabled with it)
    outer: for (let i = 0; i < n; i++) {
      let x = w[i]!;
      // All ones: no zeros at all.
      // Stryker disable next-line ConditionalExpression,UnaryOperator: a shortcut: for x = -1 (and for x = 1, with `+1`) the general path below continues too, x & (x + 1) being 0 (`true`, caught, is disabled with them)
      if (x === -1) continue;
      // Remove the trailing zeros; they are no longer than max.
      x >>>= 31 - Math.clz32(x & -x);
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: an early exit: a word with no zero run is left by the same test at the first step of the loop below (`true`, caught, is disabled with them)
      if ((x & (x + 1)) === 0) continue;
      // Shrink all runs of zeros by max; any zeros left mean a larger maximum.
      let p = max; // zeros still to shrink by (< 30, so every shift is < 32)
      let k = 1; // current minimum length of runs of ones in x
      for (;;) {
        // Stryker disable next-line EqualityOperator: p is 0 here only when max is 0; `p >= 0` then shifts by 0 (no change) and breaks, as skipping the loop does (`<=`, caught, is disabled with it)
        while (p > 0) {
          // Stryker disable next-line EqualityOperator: at p == k the k step makes the same shift, then p is 0 and the loop ends where this branch breaks (`>`, caught, is disabled with it)
          if (p <= k) {
            // Shift p ones down into the top of each run of zeros.
            x |= x >>> p;
            if ((x & (x + 1)) === 0) continue outer;
            break;
          }
          // Shift k ones down into the top of each run of zeros.
          x |= x >>> k;
          // Stryker disable next-line ConditionalExpression,ArithmeticOperator: an early exit: without it p stays > 0 and the next step's test (a shift of a word with no zero run changes nothing) leaves (`true`, caught, is disabled with them)
          if ((x & (x + 1)) === 0) continue outer;
          p -= k;
          // The minimum length of 1-runs just doubled.
          k *= 2;
        }
        // The lowest-order zero run is an increment to our maximum.
        let j = 31 - Math.clz32(~x & (x + 1)); // trailing ones
        x >>>= j;
        j = 31 - Math.clz32(x & -x); // trailing zeros (x != 0 here)
        x >>>= j;
        max += j;
        // Stryker disable next-line ConditionalExpression,ArithmeticOperator: an early exit: without it p = j > 0 and the loop's first test (the shift changes nothing) leaves (`true`, caught, is disabled with them)
        if ((x & (x + 1)) === 0) continue outer;
        p = j; // remove j more zeros from each zero run
      }
    }
    out[0] = start;
    out[1] = max;
    out[2] = cur;
  }

  /**
   * find searches for npages contiguous free pages and returns the index where
   * that run starts and the index of the first free page seen. searchIdx is
   * the first known free page; the search starts at its 64-bit word. On
   * failure the first result is notFound and the second must be ignored.
   */
  find(npages: number, searchIdx: number): [number, number] {
    // Stryker disable EqualityOperator: `npages < 64` is equivalent: findLargeN finds 64-page runs too (a whole free word, or the top of one and the bottom of the next); `!==` and `>`, caught, are disabled with it (a comment cannot reach the else-if alone)
    // Stryker disable next-line ConditionalExpression: find1 is a fast path: findSmallN(1, i) returns the same free page as both results (`true`, caught, is disabled with it)
    if (npages === 1) {
      const addr = this.find1(searchIdx);
      return [addr, addr];
    } else if (npages <= 64) {
      return this.findSmallN(npages, searchIdx);
    }
    // Stryker restore EqualityOperator
    return this.findLargeN(npages, searchIdx);
  }

  /** find1 finds a single free page at or after searchIdx's word. */
  find1(searchIdx: number): number {
    const w = this.w;
    const nw = this.words;
    for (let i = searchIdx >>> 6; i < nw; i++) {
      const nlo = ~w[2 * i]! >>> 0;
      const nhi = ~w[2 * i + 1]! >>> 0;
      if (nlo === 0 && nhi === 0) continue;
      return i * 64 + trailingZeros64(nlo, nhi);
    }
    return notFound;
  }

  /** findSmallN finds npages <= 64 free pages; such a run crosses at most one word boundary. */
  findSmallN(npages: number, searchIdx: number): [number, number] {
    const w = this.w;
    const nw = this.words;
    let end = 0;
    let newSearchIdx = notFound;
    for (let i = searchIdx >>> 6; i < nw; i++) {
      const lo = w[2 * i]!;
      const hi = w[2 * i + 1]!;
      const nlo = ~lo >>> 0;
      const nhi = ~hi >>> 0;
      if (nlo === 0 && nhi === 0) {
        end = 0;
        continue;
      }
      // The new searchIdx is in this word, after any 1s.
      if (newSearchIdx === notFound) newSearchIdx = i * 64 + trailingZeros64(nlo, nhi);
      // Can the run fit in this word's trailing zeros plus the previous word's end?
      const start = trailingZeros64(lo, hi);
      if (end + start >= npages) return [i * 64 - end, newSearchIdx];
      // Next, the interior of the word.
      const j = findBitRange64(nlo, nhi, npages);
      if (j < 64) return [i * 64 + j, newSearchIdx];
      end = leadingZeros64(lo, hi);
    }
    return [notFound, newSearchIdx];
  }

  /** findLargeN finds npages > 64 free pages; such a run crosses at least one word boundary. */
  findLargeN(npages: number, searchIdx: number): [number, number] {
    const w = this.w;
    const nw = this.words;
    let start = notFound;
    let size = 0;
    let newSearchIdx = notFound;
    for (let i = searchIdx >>> 6; i < nw; i++) {
      const lo = w[2 * i]!;
      const hi = w[2 * i + 1]!;
      if (lo === 0xffffffff && hi === 0xffffffff) {
        size = 0;
        continue;
      }
      if (newSearchIdx === notFound) newSearchIdx = i * 64 + trailingZeros64(~lo >>> 0, ~hi >>> 0);
      if (size === 0) {
        size = leadingZeros64(lo, hi);
        start = i * 64 + 64 - size;
        continue;
      }
      const s = trailingZeros64(lo, hi);
      if (s + size >= npages) {
        // Stryker disable next-line AssignmentOperator: size is not read after this store (Go's code has the same dead store)
        size += s;
        return [start, newSearchIdx];
      }
      if (s < 64) {
        size = leadingZeros64(lo, hi);
        start = i * 64 + 64 - size;
        continue;
      }
      size += 64;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: after the loop size < npages always holds: every path that reaches npages returns inside it (`false` and `>=`, caught, are disabled with them)
    if (size < npages) return [notFound, newSearchIdx];
    return [start, newSearchIdx];
  }

  /** allocRange allocates pages [i, i+n). */
  allocRange(i: number, n: number): void {
    this.setRange(i, n);
  }

  /** allocAll allocates every page. */
  allocAll(): void {
    this.setAll();
  }

  /** free1 frees page i. */
  free1(i: number): void {
    this.clear(i);
  }

  /** free frees pages [i, i+n). */
  free(i: number, n: number): void {
    this.clearRange(i, n);
  }

  /** freeAll frees every page. */
  freeAll(): void {
    this.clearAll();
  }

  /** pages64 returns the 64-page aligned block containing page i; a 1 bit is an in-use page. */
  pages64(i: number): bigint {
    return this.block64(i);
  }

  /** allocPages64 allocates, in the block containing page i, the pages set in alloc. */
  allocPages64(i: number, alloc: bigint): void {
    this.setBlock64(i, alloc);
  }
}

/**
 * findBitRange64 returns the index of the first run of n consecutive 1 bits
 * in c = (lo, hi), or an integer >= 64 if there is none. n must be > 0.
 * It removes the top n-1 ones of every run, then finds the first one left.
 */
export function findBitRange64(lo: number, hi: number, n: number): number {
  let p = n - 1; // number of 1s to remove
  let k = 1; // current minimum width of runs of 0 in c
  lo >>>= 0;
  hi >>>= 0;
  // Stryker disable next-line EqualityOperator: p is 0 only for n = 1; `p >= 0` then shifts by 0 (no change) and breaks, as skipping the loop does (`<=`, caught, is disabled with it)
  while (p > 0) {
    // Stryker disable next-line EqualityOperator: at p == k the k step makes the same shift (its all-zero exit returns 64, as trailingZeros64(0, 0) does), then p is 0 and the loop ends (`>`, caught, is disabled with it)
    if (p <= k) {
      // Shift p 0s down into the top of each run of 1s.
      const s = p & 63;
      const nlo = (lo & shrLo(lo, hi, s)) >>> 0;
      hi = (hi & shrHi(hi, s)) >>> 0;
      lo = nlo;
      break;
    }
    // Shift k 0s down into the top of each run of 1s.
    const s = k & 63;
    const nlo = (lo & shrLo(lo, hi, s)) >>> 0;
    hi = (hi & shrHi(hi, s)) >>> 0;
    lo = nlo;
    // Stryker disable next-line ConditionalExpression: an early exit: trailingZeros64(0, 0) below is 64 too (the `true` variants, caught, are disabled with it)
    if (lo === 0 && hi === 0) return 64;
    p -= k;
    // The minimum length of 0-runs just doubled.
    k *= 2;
  }
  // The first remaining 1 is where its run started.
  return trailingZeros64(lo, hi);
}

/** pallocData: a chunk's allocation bits plus its scavenged bits. */
export class PallocData extends PallocBits {
  /** scavenged: 1 means the page has been released to the OS. */
  readonly scavenged: PageBits;

  constructor(chunkPages: number) {
    super(chunkPages);
    this.scavenged = new PageBits(chunkPages);
  }

  /** allocRange allocates [i, i+n) and clears those pages' scavenged bits. */
  override allocRange(i: number, n: number): void {
    super.allocRange(i, n);
    this.scavenged.clearRange(i, n);
  }

  /** allocAll allocates every page and clears every scavenged bit. */
  override allocAll(): void {
    super.allocAll();
    this.scavenged.clearAll();
  }

  /** Whether no page is allocated or scavenged: the zero value, as in never-written memory. */
  isZero(): boolean {
    return this.w.every((x) => x === 0) && this.scavenged.w.every((x) => x === 0);
  }
}

/** Popcount of a whole bitmap. */
export function popcount(b: PageBits): number {
  let s = 0;
  // Stryker disable next-line EqualityOperator: `k <= b.w.length` also reads past the end, undefined, which onesCount64 counts as 0 ones (`>=`, caught, is disabled with it)
  for (let k = 0; k < b.w.length; k += 2) s += onesCount64(b.w[k]!, b.w[k + 1]!);
  return s;
}
