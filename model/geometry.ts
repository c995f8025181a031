// The heap's geometry: the handful of constants Go's page heap derives all of
// its others from (runtime/malloc.go, runtime/mpagealloc.go,
// runtime/mpagealloc_64bit.go, runtime/mgcscavenge.go). The default is Go's
// linux/amd64 configuration; tiny configurations change only these inputs,
// never the algorithms.
//
// Addresses are JavaScript numbers holding Go's uintptr in two's-complement
// (signed) form, which is exactly the canonical amd64 form: an address with
// bit 63 set (the kernel half, e.g. arenaBaseOffset = 0xffff800000000000) is
// the negative number -(2^64 - a). Every heap address then lies in
// [arenaBaseOffset, arenaBaseOffset + 2^heapAddrBits), all exact doubles, and
// Go's offset arithmetic `a - arenaBaseOffset` (which wraps at 2^64 in Go) is
// plain exact subtraction here.

import { refuse } from './throw.js';

/** The inputs. Everything else is derived as Go derives it. */
export interface GeometryParams {
  /** malloc.go `_PageShift` (13: 8 KiB pages). */
  readonly pageShift: number;
  /** mpagealloc.go `logPallocChunkPages` (9: 512-page chunks). At least 6: a chunk's bitmap is whole 64-bit words. */
  readonly logPallocChunkPages: number;
  /** mpagealloc_64bit.go `summaryLevels` (5). */
  readonly summaryLevels: number;
  /** mpagealloc.go `summaryLevelBits` (3: 8 children per summary). */
  readonly summaryLevelBits: number;
  /** malloc.go `heapAddrBits` (48). */
  readonly heapAddrBits: number;
  /** malloc.go `arenaBaseOffset` as a signed number (amd64: 0xffff800000000000 = -2^47). */
  readonly arenaBaseOffset: number;
  /** mpagealloc_64bit.go `pallocChunksL1Bits` (13). */
  readonly pallocChunksL1Bits: number;
  /** malloc.go `logHeapArenaBytes` (26: 64 MiB arenas). */
  readonly logHeapArenaBytes: number;
  /** malloc.go `arenaL1Bits` (0 on linux/amd64). */
  readonly arenaL1Bits: number;
  /** The host's physical page size (4096 here). */
  readonly physPageSize: number;
  /** The host's huge page size (2 MiB here; 0 when there are none). */
  readonly physHugePageSize: number;
}

/** Go's linux/amd64 values, as measured on this machine kind (see go-runtime-notes §1.1). */
export const linuxAmd64: GeometryParams = Object.freeze({
  pageShift: 13,
  logPallocChunkPages: 9,
  summaryLevels: 5,
  summaryLevelBits: 3,
  heapAddrBits: 48,
  arenaBaseOffset: -(2 ** 47),
  pallocChunksL1Bits: 13,
  logHeapArenaBytes: 26,
  arenaL1Bits: 0,
  physPageSize: 4096,
  physHugePageSize: 2 << 20,
});

/**
 * A tiny heap for exhaustive exploration: 64-page chunks, two summary
 * levels of 4 entries each, so the whole address space is 16 chunks (1024
 * pages, 8 MiB) and 4-chunk arenas. Same algorithms, smaller constants.
 */
export const tiny: GeometryParams = Object.freeze({
  pageShift: 13,
  logPallocChunkPages: 6,
  summaryLevels: 2,
  summaryLevelBits: 2,
  heapAddrBits: 13 + 6 + 2 + 2,
  arenaBaseOffset: 0,
  pallocChunksL1Bits: 0,
  logHeapArenaBytes: 13 + 6 + 2,
  arenaL1Bits: 0,
  physPageSize: 4096,
  physHugePageSize: 0,
});

/**
 * A small heap: 64-page chunks, three summary levels of 4 entries each and
 * a 30-bit address space (2048 chunks, 1 GiB) starting at address 0, so the
 * low chunk indices Go's amd64 offset keeps out of reach are in use (this is
 * where the seed's scavenge-index growth bug, Go issue 63385, bites).
 */
export const small: GeometryParams = Object.freeze({
  pageShift: 13,
  logPallocChunkPages: 6,
  summaryLevels: 3,
  summaryLevelBits: 2,
  heapAddrBits: 30,
  arenaBaseOffset: 0,
  pallocChunksL1Bits: 0,
  logHeapArenaBytes: 13 + 6 + 3,
  arenaL1Bits: 0,
  physPageSize: 4096,
  physHugePageSize: 0,
});

/** maxPhysPageSize (mheap.go): the largest physical page the runtime supports. */
export const maxPhysPageSize = 512 << 10;
/** mpagecache.go `pageCachePages`: the bits in pageCache.cache, a uint64. */
export const pageCachePages = 64;
/** mpagealloc.go `pallocSumBytes`: unsafe.Sizeof(pallocSum(0)). */
export const pallocSumBytes = 8;
/** mgcscavenge.go `scavChunkHiOccFrac`. */
export const scavChunkHiOccFrac = 0.96875;

/** All of Go's constants for one geometry. */
export class Geometry {
  readonly params: GeometryParams;
  // malloc.go
  readonly pageShift: number;
  readonly pageSize: number;
  readonly heapAddrBits: number;
  readonly arenaBaseOffset: number;
  readonly logHeapArenaBytes: number;
  readonly heapArenaBytes: number;
  readonly pagesPerArena: number;
  readonly arenaL1Bits: number;
  readonly arenaL2Bits: number;
  readonly arenaL1Shift: number;
  /** Entries of the arena map, 1 << (arenaL1Bits + arenaL2Bits): every arena the address space holds. */
  readonly arenaMapEntries: number;
  // mpagealloc.go
  readonly logPallocChunkPages: number;
  readonly pallocChunkPages: number;
  readonly pallocChunkBytes: number;
  readonly logPallocChunkBytes: number;
  /** Words of 64 pages in one chunk's bitmap: len(pallocBits). */
  readonly pallocChunkWords: number;
  readonly summaryLevels: number;
  readonly summaryLevelBits: number;
  readonly summaryL0Bits: number;
  readonly pallocChunksL1Bits: number;
  readonly pallocChunksL2Bits: number;
  readonly pallocChunksL1Shift: number;
  /** 2^pallocChunksL1Shift and 2^pallocChunksL2Bits, for chunkIdx.l1/l2. */
  readonly chunksL1Div: number;
  readonly chunksL2Size: number;
  readonly levelBits: readonly number[];
  readonly levelShift: readonly number[];
  readonly levelLogPages: readonly number[];
  /** 2^levelShift[l]: the bytes one summary at level l covers. */
  readonly levelBytes: readonly number[];
  /** 2^levelBits[l]: entries in one block of level l (the whole root level). */
  readonly levelEntries: readonly number[];
  /** 2^levelLogPages[l]: the pages one summary at level l covers. */
  readonly levelPages: readonly number[];
  readonly logMaxPackedValue: number;
  readonly maxPackedValue: number;
  // mranges.go
  readonly minOffAddr: number;
  readonly maxOffAddr: number;
  // host
  readonly physPageSize: number;
  readonly physHugePageSize: number;
  // mgcscavenge.go
  readonly maxPagesPerPhysPage: number;
  readonly scavChunkHiOccPages: number;
  readonly logScavChunkInUseMax: number;
  readonly scavChunkInUseMask: number;

  constructor(p: GeometryParams = linuxAmd64) {
    validate(p);
    this.params = Object.freeze({ ...p });
    this.pageShift = p.pageShift;
    this.pageSize = int(2 ** p.pageShift);
    this.heapAddrBits = p.heapAddrBits;
    this.arenaBaseOffset = p.arenaBaseOffset;
    this.logHeapArenaBytes = p.logHeapArenaBytes;
    this.heapArenaBytes = int(2 ** p.logHeapArenaBytes);
    this.pagesPerArena = int(this.heapArenaBytes / this.pageSize);
    this.arenaL1Bits = p.arenaL1Bits;
    this.arenaL2Bits = p.heapAddrBits - p.logHeapArenaBytes - p.arenaL1Bits;
    this.arenaL1Shift = this.arenaL2Bits;
    this.arenaMapEntries = int(2 ** (p.heapAddrBits - p.logHeapArenaBytes));

    this.logPallocChunkPages = p.logPallocChunkPages;
    this.pallocChunkPages = int(2 ** p.logPallocChunkPages);
    this.pallocChunkBytes = int(this.pallocChunkPages * this.pageSize);
    this.logPallocChunkBytes = p.logPallocChunkPages + p.pageShift;
    this.pallocChunkWords = int(this.pallocChunkPages / 64);
    this.summaryLevels = p.summaryLevels;
    this.summaryLevelBits = p.summaryLevelBits;
    this.summaryL0Bits = p.heapAddrBits - this.logPallocChunkBytes - (p.summaryLevels - 1) * p.summaryLevelBits;
    this.pallocChunksL1Bits = p.pallocChunksL1Bits;
    this.pallocChunksL2Bits = p.heapAddrBits - this.logPallocChunkBytes - p.pallocChunksL1Bits;
    this.pallocChunksL1Shift = this.pallocChunksL2Bits;
    this.chunksL1Div = int(2 ** this.pallocChunksL1Shift);
    this.chunksL2Size = int(2 ** this.pallocChunksL2Bits);
    const levels = [...Array(p.summaryLevels).keys()];
    this.levelBits = levels.map((l) => (l === 0 ? this.summaryL0Bits : p.summaryLevelBits));
    this.levelShift = levels.map((l) => p.heapAddrBits - this.summaryL0Bits - l * p.summaryLevelBits);
    this.levelLogPages = levels.map((l) => p.logPallocChunkPages + (p.summaryLevels - 1 - l) * p.summaryLevelBits);
    this.levelBytes = this.levelShift.map((sh) => int(2 ** sh));
    this.levelEntries = this.levelBits.map((b) => int(2 ** b));
    this.levelPages = this.levelLogPages.map((lp) => int(2 ** lp));
    this.logMaxPackedValue = p.logPallocChunkPages + (p.summaryLevels - 1) * p.summaryLevelBits;
    this.maxPackedValue = int(2 ** this.logMaxPackedValue);

    this.minOffAddr = p.arenaBaseOffset;
    this.maxOffAddr = int(2 ** p.heapAddrBits - 1 + p.arenaBaseOffset);

    this.physPageSize = p.physPageSize;
    this.physHugePageSize = p.physHugePageSize;
    this.maxPagesPerPhysPage = int(maxPhysPageSize / this.pageSize);
    this.scavChunkHiOccPages = Math.floor(scavChunkHiOccFrac * this.pallocChunkPages) & 0xffff;
    this.logScavChunkInUseMax = p.logPallocChunkPages + 1;
    this.scavChunkInUseMask = int(2 ** this.logScavChunkInUseMax - 1);
  }

  /** Whether a is a heap address: arenaBaseOffset <= a < arenaBaseOffset + 2^heapAddrBits. */
  inAddressSpace(a: number): boolean {
    // maxOffAddr is arenaBaseOffset + 2^heapAddrBits - 1 (both bounds exact: safe integers).
    return Number.isSafeInteger(a) && a >= this.arenaBaseOffset && a <= this.maxOffAddr;
  }

  /** The same addresses as Go's `a - arenaBaseOffset` would give (an index in the offset space). */
  offset(a: number): number {
    return a - this.arenaBaseOffset;
  }
}

function validate(p: GeometryParams): void {
  const op = 'Geometry';
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isSafeInteger(v)) refuse(op, `${k} must be an integer, got ${String(v)}`);
  }
  if (p.pageShift < 12 || p.pageShift > 16) refuse(op, `pageShift ${p.pageShift} is outside [12, 16]`);
  if (p.logPallocChunkPages < 6) refuse(op, `logPallocChunkPages ${p.logPallocChunkPages} < 6: a chunk's bitmap must be whole 64-bit words`);
  if (p.logPallocChunkPages > 12) refuse(op, `logPallocChunkPages ${p.logPallocChunkPages} > 12`);
  if (p.summaryLevels < 1 || p.summaryLevels > 8) refuse(op, `summaryLevels ${p.summaryLevels} is outside [1, 8]`);
  if (p.summaryLevelBits < 1 || p.summaryLevelBits > 6) refuse(op, `summaryLevelBits ${p.summaryLevelBits} is outside [1, 6]`);
  const l0 = p.heapAddrBits - (p.logPallocChunkPages + p.pageShift) - (p.summaryLevels - 1) * p.summaryLevelBits;
  if (l0 < 1) refuse(op, `heapAddrBits ${p.heapAddrBits} leaves no bits for the root summary level`);
  if (l0 > 16) refuse(op, `the root summary level would have 2^${l0} entries; at most 2^16`);
  // Three fields of logMaxPackedValue bits and the flag bit must fit in 64.
  if (3 * (p.logPallocChunkPages + (p.summaryLevels - 1) * p.summaryLevelBits) > 63) refuse(op, 'summaries do not fit in a 64-bit pallocSum');
  if (p.heapAddrBits > 48) refuse(op, `heapAddrBits ${p.heapAddrBits} > 48: addresses must stay exact doubles`);
  if (p.arenaBaseOffset > 0 || p.arenaBaseOffset < -(2 ** 47) || p.arenaBaseOffset + 2 ** p.heapAddrBits > 2 ** 47) {
    refuse(op, 'arenaBaseOffset must be in [-2^47, 0] with the whole address space below 2^47 (a canonical signed uintptr)');
  }
  if (p.arenaBaseOffset % 2 ** (p.logPallocChunkPages + p.pageShift) !== 0) refuse(op, 'arenaBaseOffset must be chunk-aligned');
  const l2Chunks = p.heapAddrBits - (p.logPallocChunkPages + p.pageShift) - p.pallocChunksL1Bits;
  if (p.pallocChunksL1Bits < 0 || l2Chunks < 0) refuse(op, `pallocChunksL1Bits ${p.pallocChunksL1Bits} is outside [0, chunk index bits]`);
  if (p.logHeapArenaBytes < p.logPallocChunkPages + p.pageShift) refuse(op, 'an arena must hold whole chunks');
  if (p.logHeapArenaBytes > p.heapAddrBits) refuse(op, 'an arena cannot exceed the address space');
  if (p.arenaL1Bits < 0 || p.heapAddrBits - p.logHeapArenaBytes - p.arenaL1Bits < 0) refuse(op, 'arenaL1Bits is out of range');
  if (!isPow2(p.physPageSize) || p.physPageSize < 4096 || p.physPageSize > maxPhysPageSize) refuse(op, 'bad system page size');
  if (p.physHugePageSize !== 0 && (!isPow2(p.physHugePageSize) || p.physHugePageSize > 2 ** (p.logPallocChunkPages + p.pageShift))) {
    refuse(op, 'physHugePageSize must be 0 or a power of two no larger than a chunk');
  }
}

/**
 * The same number, as a V8 small integer when it is one: 2 ** k and
 * quotients are heap doubles otherwise, and a double constant turns the
 * integer arithmetic of every hot loop that reads it into float arithmetic.
 */
function int(x: number): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator,BooleanLiteral: only the V8 representation depends on this test, never the value (x | 0 is x for every int32 but -0): `false`, `x > -0x80000000`, `x < 0x7fffffff` and `+0x80000000` return x only where x | 0 is x; `Object.is(x, -0)` and `+0` differ only at -0, which no argument here is (each is positive, or 2^heapAddrBits - 1 + arenaBaseOffset, a sum that is -0 only if both terms are) (the `true`s, `x < -0x80000000` and `x > 0x7fffffff`, caught, are disabled with them)
  return Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff && !Object.is(x, -0) ? x | 0 : x;
}

function isPow2(x: number): boolean {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: `x > 0` as `true` or `x >= 0` only lets 0 through (2 ** round(log2 0) = 2 ** -Infinity = 0), and validate refuses physPageSize 0 (< 4096) with the same message and never asks about physHugePageSize 0; a negative x gives NaN either way (`false`, `x <= 0`, `!== x` and the other `true`s, caught, are disabled with them)
  return x > 0 && Number.isSafeInteger(x) && 2 ** Math.round(Math.log2(x)) === x;
}

/** The default geometry, shared: Geometry objects are immutable. */
export const defaultGeometry = new Geometry(linuxAmd64);

/** alignUp(n, a) for a power-of-two a (runtime/stubs.go). Exact for every safe integer. */
export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** alignDown(n, a) for a power-of-two a (runtime/stubs.go). */
export function alignDown(n: number, a: number): number {
  return Math.floor(n / a) * a;
}

/** Go's hex(uintptr) print: 0x and lowercase hex digits, the uintptr's unsigned value. */
export function hex(a: number): string {
  const u = a < 0 ? BigInt(a) + (1n << 64n) : BigInt(a);
  return '0x' + u.toString(16);
}
