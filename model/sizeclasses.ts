// runtime/sizeclasses.go @ go1.21: the size classes of small objects, and the
// lookups mallocgc and roundupsize (runtime/msize.go) do with them.
//
// Go generates these tables with mksizeclasses.go for 8 KiB pages; they are
// Go's data, not derived from a Geometry: a tiny test geometry changes pages
// per chunk and arena, never the size classes. Class 0 is no class: large
// objects (> maxSmallSize) get a span of their own with size class 0.
//
// The tables are Go's fixed-size arrays (uint16, uint8, uint32 elements) as
// frozen number arrays, indexed by size class or by a rounded-up size.

import { alignUp } from './geometry.js';
import { refuse } from './throw.js';

// runtime/sizeclasses.go · const
/** The largest small object, in bytes; larger objects are allocated as whole pages. */
export const _MaxSmallSize = 32768;
/** size_to_class8 has one entry per smallSizeDiv bytes up to smallSizeMax. */
export const smallSizeDiv = 8;
/** The boundary between size_to_class8 and size_to_class128. */
export const smallSizeMax = 1024;
/** size_to_class128 has one entry per largeSizeDiv bytes above smallSizeMax. */
export const largeSizeDiv = 128;
/** Number of size classes, class 0 (large objects) included. */
export const _NumSizeClasses = 68;
/** log2 of the page size the tables were generated for. */
export const _PageShift = 13;
/** The most objects any size class puts in one span (class 1: 8192 / 8). Go 1.20+; absent in 1.19. */
export const maxObjsPerSpan = 1024;

// runtime/malloc.go · const
/** _PageSize = 1 << _PageShift (8 KiB). */
export const _PageSize = 1 << _PageShift;
/** _TinySize: the block the tiny allocator combines noscan objects smaller than this into. */
export const maxTinySize = 16;
/** _TinySizeClass: the size class of that block (mallocinit throws "bad TinySizeClass" otherwise). */
export const tinySizeClass = 2;
export const maxSmallSize = _MaxSmallSize;

/** class_to_size[c]: the object size (span elemsize) of size class c, in bytes. */
export const class_to_size: readonly number[] = Object.freeze([
  0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
  384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304,
  2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880,
  12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
]);

/** class_to_allocnpages[c]: the pages in one span of size class c (what mcentral.grow asks mheap.alloc for). */
export const class_to_allocnpages: readonly number[] = Object.freeze([
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3,
  10, 7, 4,
]);

/**
 * class_to_divmagic[c]: mspan.divMul for size class c, so that an offset n
 * into the span divided by the object size is (n * divMul) >> 32. Go's table
 * spells each entry as the formula ^uint32(0)/size + 1; so does this one.
 */
export const class_to_divmagic: readonly number[] = Object.freeze(
  class_to_size.map((size) => (size === 0 ? 0 : Math.floor(0xffff_ffff / size) + 1)),
);

/** size_to_class8[divRoundUp(size, smallSizeDiv)]: the size class of a size <= smallSizeMax-8. */
export const size_to_class8: readonly number[] = Object.freeze([
  0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16,
  16, 17, 17, 18, 18, 19, 19, 19, 19, 20, 20, 20, 20, 21, 21, 21, 21, 22, 22, 22, 22, 23, 23, 23,
  23, 24, 24, 24, 24, 25, 25, 25, 25, 26, 26, 26, 26, 27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28,
  28, 28, 28, 28, 28, 29, 29, 29, 29, 29, 29, 29, 29, 30, 30, 30, 30, 30, 30, 30, 30, 31, 31, 31,
  31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
  32, 32, 32, 32, 32,
]);

/** size_to_class128[divRoundUp(size-smallSizeMax, largeSizeDiv)]: the size class of a larger small size. */
export const size_to_class128: readonly number[] = Object.freeze([
  32, 33, 34, 35, 36, 37, 37, 38, 38, 39, 39, 40, 40, 40, 41, 41, 41, 42, 43, 43, 44, 44, 44, 44,
  44, 45, 45, 45, 45, 45, 45, 46, 46, 46, 46, 47, 47, 47, 47, 47, 47, 48, 48, 48, 49, 49, 50, 51,
  51, 51, 51, 51, 51, 51, 51, 51, 51, 52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 53, 53, 54, 54, 54,
  54, 55, 55, 55, 55, 55, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 57, 57, 57, 57, 57, 57, 57,
  57, 57, 57, 58, 58, 58, 58, 58, 58, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59,
  59, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 61, 61, 61, 61, 61, 62, 62,
  62, 62, 62, 62, 62, 62, 62, 62, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 64, 64, 64, 64, 64,
  64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 65, 65, 65, 65, 65, 65, 65,
  65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
  66, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
  67, 67, 67, 67, 67, 67, 67, 67, 67,
]);

/** divRoundUp(n, a) = ceil(n / a) for n >= 0, a > 0 (runtime/stubs.go). */
export function divRoundUp(n: number, a: number): number {
  return Math.floor((n + a - 1) / a);
}

/**
 * The size class mallocgc picks for a small size, 0 <= size <= maxSmallSize
 * (runtime/malloc.go · mallocgc @ go1.21, the non-tiny small-object branch).
 * Size 0 gives class 0; Go's mallocgc returns &zerobase before it looks.
 */
export function sizeToClass(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0 || size > maxSmallSize) {
    refuse('sizeToClass', `size must be an integer in [0, ${maxSmallSize}], got ${String(size)}`);
  }
  // Stryker disable next-line EqualityOperator: `size < smallSizeMax - 8` is equivalent: at size 1016, the one size it moves, size_to_class8[127] and size_to_class128[0] are both class 32 (`>`, caught, is disabled with it)
  if (size <= smallSizeMax - 8) return size_to_class8[divRoundUp(size, smallSizeDiv)]!;
  return size_to_class128[divRoundUp(size - smallSizeMax, largeSizeDiv)]!;
}

/**
 * roundupsize returns the size of the block mallocgc allocates for a request
 * of size bytes: its size class's object size when small, else whole pages
 * (runtime/msize.go · roundupsize @ go1.21).
 */
export function roundupsize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) refuse('roundupsize', `size must be a non-negative integer, got ${String(size)}`);
  // Stryker disable next-line EqualityOperator: `size <= _MaxSmallSize` is equivalent: at 32768, the one size it moves, class 67's object size and alignUp(32768, _PageSize) are both 32768 (`>=`, caught, is disabled with it)
  if (size < _MaxSmallSize) return class_to_size[sizeToClass(size)]!;
  // Go returns size unchanged when size+_PageSize overflows a uintptr; a safe
  // integer cannot, and the page-aligned result (at most 2^53) is exact.
  return alignUp(size, _PageSize);
}
