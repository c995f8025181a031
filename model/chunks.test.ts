import { describe, expect, test } from 'vitest';
import { chunkBase, chunkIndex, chunkL1, chunkL2, chunkPageIndex, levelIndexToAddr, levelIndexToOffAddr, offAddrToLevelIndex, pageAddr, pageIndex } from './chunks.js';
import { Geometry, defaultGeometry as g, small } from './geometry.js';
import { OffAddr } from './mranges.js';

// The reference: Go's definitions (runtime/mpagealloc.go @ go1.21) in uintptr
// arithmetic, mod 2^64, with linux/amd64's constants written out as Go states
// them, not read from the model's Geometry:
//   chunkIndex(p)       = (p - arenaBaseOffset) / pallocChunkBytes
//   chunkBase(ci)       = uintptr(ci)*pallocChunkBytes + arenaBaseOffset
//   chunkPageIndex(p)   = p % pallocChunkBytes / pageSize
//   ci.l1()             = uint(ci) >> pallocChunksL1Shift            (0 when pallocChunksL1Bits == 0)
//   ci.l2()             = uint(ci) & (1<<pallocChunksL2Bits - 1)     (ci when pallocChunksL1Bits == 0)
//   offAddrToLevelIndex = (addr.a - arenaBaseOffset) >> levelShift[level]
//   levelIndexToOffAddr = (uintptr(idx) << levelShift[level]) + arenaBaseOffset
const U64 = 1n << 64n;
const arenaBaseOffset = 0xffff800000000000n; // malloc.go, amd64
const pageSize = 8192n; // _PageShift 13
const pallocChunkBytes = 512n * pageSize; // pallocChunkPages 512
// heapAddrBits 48 - logPallocChunkBytes 22 - pallocChunksL1Bits 13.
const pallocChunksL1Shift = 13n;
const pallocChunksL2Mask = (1n << 13n) - 1n;
// heapAddrBits - summaryL0Bits (14), then summaryLevelBits (3) less per level.
const levelShift = [34n, 31n, 28n, 25n, 22n];

const u = (x: bigint): bigint => ((x % U64) + U64) % U64;
/** The model's signed form of a uintptr (geometry.ts): bit 63 set is negative. */
const signed = (x: bigint): number => Number(u(x) >= 1n << 63n ? u(x) - U64 : u(x));
/** The uintptr a model address stands for. */
const unsigned = (a: number): bigint => u(BigInt(a));

// Heap addresses of interest (uintptr): the offset space's first and last
// address, Go's first amd64 arena hint, a chunk's last page, and one address
// below arenaBaseOffset (outside the heap; Go's chunkPageIndex is still defined there).
const addrs = [0xffff800000000000n, 0x7fffffffffffn, 0xc000000000n, 0xc000000000n + pallocChunkBytes - pageSize, 0xc000123456n, 0x7fffffc00000n, 0xffff7fffffffe000n];

describe("chunk and summary indices equal Go's uintptr arithmetic (linux/amd64)", () => {
  test('chunkIndex, chunkBase, chunkPageIndex', () => {
    for (const p of addrs) {
      const a = signed(p);
      expect(chunkPageIndex(g, a), `chunkPageIndex(${p.toString(16)})`).toBe(Number((p % pallocChunkBytes) / pageSize));
      if (p >= arenaBaseOffset || p < 1n << 47n) {
        const ci = u(p - arenaBaseOffset) / pallocChunkBytes;
        expect(chunkIndex(g, a), `chunkIndex(${p.toString(16)})`).toBe(Number(ci));
        expect(unsigned(chunkBase(g, Number(ci)))).toBe(u(ci * pallocChunkBytes + arenaBaseOffset));
      }
    }
  });

  test('an address below arenaBaseOffset: its page index in the chunk is the unsigned remainder, as in Go', () => {
    // 0xffff7fffffffe000 % 4 MiB / 8 KiB = 511, not the signed remainder's -1.
    expect(chunkPageIndex(g, signed(0xffff7fffffffe000n))).toBe(511);
    // small: arenaBaseOffset 0, 64-page chunks; -8192 is 0xffffffffffffe000: page 63.
    expect(chunkPageIndex(new Geometry(small), -8192)).toBe(63);
  });

  test('ci.l1() and ci.l2() for every uint index, as the shift and mask', () => {
    // The last chunk of the address space, Go's first arena hint's chunk, and
    // indices past 2^30 and 2^32 (not chunks of this heap, but the functions are Go's uint ones).
    for (const ci of [0n, 1n, 8191n, 8192n, (1n << 26n) - 1n, 0x2030000n, (1n << 30n) + 5n, (1n << 33n) + 3n * 8192n + 5n, (1n << 40n) + 12345n]) {
      expect(chunkL1(g, Number(ci)), `l1(${ci})`).toBe(Number(ci >> pallocChunksL1Shift));
      expect(chunkL2(g, Number(ci)), `l2(${ci})`).toBe(Number(ci & pallocChunksL2Mask));
    }
  });

  test('with pallocChunksL1Bits == 0, l1 is 0 and l2 is the index itself, whatever the index', () => {
    const s = new Geometry(small);
    expect(s.pallocChunksL1Bits).toBe(0);
    for (const ci of [0, 1, 2047, 2048, 4096, 2 ** 30 + 1, 2 ** 33]) {
      expect(chunkL1(s, ci), `l1(${ci})`).toBe(0);
      expect(chunkL2(s, ci), `l2(${ci})`).toBe(ci);
    }
  });

  test('offAddrToLevelIndex and levelIndexToOffAddr at every level', () => {
    for (let level = 0; level < 5; level++) {
      for (const p of addrs.slice(0, 6)) {
        const idx = u(p - arenaBaseOffset) >> levelShift[level]!;
        expect(offAddrToLevelIndex(g, level, new OffAddr(signed(p))), `offAddrToLevelIndex(${level}, ${p.toString(16)})`).toBe(Number(idx));
        const base = u((idx << levelShift[level]!) + arenaBaseOffset);
        expect(unsigned(levelIndexToOffAddr(g, level, Number(idx)).addr())).toBe(base);
        expect(unsigned(levelIndexToAddr(g, level, Number(idx)))).toBe(base);
      }
    }
  });

  test('pageIndex and pageAddr: the page number in the offset space and back', () => {
    for (const p of addrs.slice(0, 6)) {
      const pi = u(p - arenaBaseOffset) / pageSize;
      expect(pageIndex(g, signed(p))).toBe(Number(pi));
      expect(unsigned(pageAddr(g, Number(pi)))).toBe(u(pi * pageSize + arenaBaseOffset));
    }
  });
});
