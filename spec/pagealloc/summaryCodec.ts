// What a packed summary says, read the spec's own way: Go's pallocSum is a
// uint64 holding start, max and end in consecutive fields of
// logMaxPackedValue bits each (start lowest), or bit 63 alone when all three
// are maxPackedValue (mpagealloc.go · packPallocSum). The model keeps each
// summary as two uint32 halves (lo, hi); this reads them field by field.

import type { Sum } from './summary.js';

/** The low k bits, 0 <= k <= 32. */
function ones(k: number): number {
  return k >= 32 ? 0xffffffff : (1 << k) - 1;
}

/** Bits [o, o+L) of the 64-bit value (lo, hi), as a number. */
function field(lo: number, hi: number, o: number, L: number): number {
  if (o >= 32) return ((hi >>> (o - 32)) & ones(L)) >>> 0;
  if (o + L <= 32) return ((lo >>> o) & ones(L)) >>> 0;
  // Straddling: the part in lo, then the part in hi above it.
  const fromLo = lo >>> o;
  const fromHi = hi & ones(o + L - 32);
  return fromLo + fromHi * 2 ** (32 - o);
}

/** Decode a packed summary given as (lo, hi) with fields of L bits. */
export function decodeSum(lo: number, hi: number, L: number): Sum {
  if ((hi >>> 31) & 1) {
    const m = 2 ** L;
    return [m, m, m];
  }
  return [field(lo, hi, 0, L), field(lo, hi, L, L), field(lo, hi, 2 * L, L)];
}

/** The summary indices at a level that cover the offset addresses [base, limit): what the spec checks for grown memory. */
export function summaryRange(levelBytes: number, baseOffset: number, limitOffset: number): [number, number] {
  return [Math.floor(baseOffset / levelBytes), Math.floor((limitOffset - 1) / levelBytes) + 1];
}
