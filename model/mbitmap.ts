// runtime/mbitmap.go @ go1.21 · a span's allocation and mark bits:
// refillAllocCache, nextFreeIndex, isFree, countAlloc, markBitsForIndex;
// and malloc.go's nextFreeFast, which reads the same cache.
//
// allocCache holds the complement of 64 allocBits starting at a multiple of
// 64 at or below freeindex, shifted so bit 0 is freeindex: a 1 is a free
// object. The model keeps it as a uint64 bigint.

import type { MSpan } from './mspan.js';
import { throwGo } from './throw.js';

const u64 = (1n << 64n) - 1n;
const site = 'runtime/mbitmap.go';

/** sys.TrailingZeros64 of a uint64 bigint (64 for 0). */
export function tz64(x: bigint): number {
  if (x === 0n) return 64;
  let n = 0;
  let lo = Number(x & 0xffffffffn);
  if (lo === 0) {
    n = 32;
    lo = Number((x >> 32n) & 0xffffffffn);
  }
  return n + 31 - Math.clz32(lo & -lo);
}

/** refillAllocCache: load 64 allocBits starting at byte whichByte, complemented. */
export function refillAllocCache(s: MSpan, whichByte: number): void {
  const b = s.allocBits!.bytes;
  let aCache = 0n;
  for (let i = 7; i >= 0; i--) aCache = (aCache << 8n) | BigInt(b[whichByte + i] ?? 0);
  s.allocCache = ~aCache & u64;
}

/**
 * nextFreeIndex: the index of the next free object at or after freeindex,
 * or nelems if there is none; advances freeindex past it and keeps
 * allocCache in step.
 */
export function nextFreeIndex(s: MSpan): number {
  let sfreeindex = s.freeindex;
  const snelems = s.nelems;
  // Stryker disable next-line ConditionalExpression: `false` is equivalent: at freeindex == nelems the code below returns nelems too, leaving freeindex and allocCache as they are (an empty cache moves to the next block, at or past nelems; a free bit lies at or past nelems); `true`, caught, is disabled with it
  if (sfreeindex === snelems) return sfreeindex;
  // Stryker disable next-line EqualityOperator: `>=` is equivalent: equality returned just above (`<=`, caught, is disabled with it)
  if (sfreeindex > snelems) throwGo('s.freeindex > s.nelems', `${site} · (*mspan).nextFreeIndex`);
  let bitIndex = tz64(s.allocCache);
  while (bitIndex === 64) {
    // Move index to start of next cached bits.
    sfreeindex = (sfreeindex + 64) & ~63;
    if (sfreeindex >= snelems) {
      s.freeindex = snelems;
      return snelems;
    }
    refillAllocCache(s, sfreeindex / 8);
    bitIndex = tz64(s.allocCache);
  }
  const result = sfreeindex + bitIndex;
  if (result >= snelems) {
    s.freeindex = snelems;
    return snelems;
  }
  s.allocCache = (s.allocCache >> BigInt(bitIndex + 1)) & u64;
  sfreeindex = result + 1;
  if (sfreeindex % 64 === 0 && sfreeindex !== snelems) refillAllocCache(s, sfreeindex / 8);
  s.freeindex = sfreeindex;
  return result;
}

/**
 * nextFreeFast: the address of the next free object if allocCache shows one
 * without a refill, else 0. Advances freeindex and allocCount.
 */
export function nextFreeFast(s: MSpan): number {
  const theBit = tz64(s.allocCache);
  if (theBit < 64) {
    const result = s.freeindex + theBit;
    if (result < s.nelems) {
      const freeidx = result + 1;
      if (freeidx % 64 === 0 && freeidx !== s.nelems) return 0;
      s.allocCache = (s.allocCache >> BigInt(theBit + 1)) & u64;
      s.freeindex = freeidx;
      s.allocCount++;
      return result * s.elemsize + s.base();
    }
  }
  return 0;
}

/** isFree: whether object index is free, as the GC sees it: allocated below freeIndexForScan, else per allocBits. */
export function isFree(s: MSpan, index: number): boolean {
  if (index < s.freeIndexForScan) return false;
  return !s.allocBits!.isSet(index);
}

/** countAlloc: the marked objects, which sweeping makes the allocated ones. */
export function countAlloc(s: MSpan): number {
  return s.gcmarkBits!.count();
}

/** objIndex: the index of the object at address p. */
export function objIndex(s: MSpan, p: number): number {
  return Math.floor((p - s.base()) / s.elemsize);
}
