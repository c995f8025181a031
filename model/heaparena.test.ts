import { describe, expect, test } from 'vitest';
import { HeapArena, arenaBase, arenaIndex, arenaL1, arenaL2, arenaPage, pageIndexOf } from './heaparena.js';
import { Geometry, defaultGeometry as g, linuxAmd64 } from './geometry.js';

// The reference: Go's definitions (runtime/mheap.go @ go1.21) in uintptr
// arithmetic mod 2^64, with linux/amd64's constants as Go states them:
//   arenaIndex(p)  = (p - arenaBaseOffset) / heapArenaBytes
//   arenaBase(i)   = uintptr(i)*heapArenaBytes + arenaBaseOffset
//   ai.l1()        = uint(ai) >> arenaL1Shift             (0 when arenaL1Bits == 0)
//   ai.l2()        = uint(ai) & (1<<arenaL2Bits - 1)      (ai when arenaL1Bits == 0)
//   pageIndexOf(p) = ((p / pageSize) / 8) % len(arena.pageInUse), byte(1 << ((p / pageSize) % 8))
//   spanOf's page  = (p / pageSize) % pagesPerArena
const U64 = 1n << 64n;
const arenaBaseOffset = 0xffff800000000000n;
const heapArenaBytes = 64n << 20n; // logHeapArenaBytes 6+20
const pageSize = 8192n;
const pagesPerArena = heapArenaBytes / pageSize;
const u = (x: bigint): bigint => ((x % U64) + U64) % U64;
const signed = (x: bigint): number => Number(u(x) >= 1n << 63n ? u(x) - U64 : u(x));

// The offset space's ends, Go's first amd64 arena hint (0xc000000000), an arena's last page, odd pages.
const addrs = [0xffff800000000000n, 0x7fffffffffffn, 0xc000000000n, 0xc000000000n + heapArenaBytes - pageSize, 0xc000000000n + 13n * pageSize + 77n, 0x1234567800n + 5n * pageSize];

describe("arena indices equal Go's uintptr arithmetic (linux/amd64)", () => {
  test('arenaIndex, arenaBase, the page in the arena, pageIndexOf', () => {
    const ha = new HeapArena(0, g.pagesPerArena);
    for (const p of addrs) {
      const a = signed(p);
      const ai = u(p - arenaBaseOffset) / heapArenaBytes;
      expect(arenaIndex(g, a), `arenaIndex(${p.toString(16)})`).toBe(Number(ai));
      expect(u(BigInt(arenaBase(g, Number(ai))))).toBe(u(ai * heapArenaBytes + arenaBaseOffset));
      expect(arenaPage(g, a), `page of ${p.toString(16)}`).toBe(Number((p / pageSize) % pagesPerArena));
      expect(pageIndexOf(g, a), `pageIndexOf(${p.toString(16)})`).toEqual([Number((p / pageSize / 8n) % BigInt(ha.pageInUse.length)), 1 << Number((p / pageSize) % 8n)]);
    }
  });

  test('a heapArena has one spans entry per page and one bit per page in each page bitmap', () => {
    const ha = new HeapArena(3, g.pagesPerArena);
    expect([ha.idx, ha.spans.length, ha.pageInUse.length, ha.pageMarks.length, ha.pageSpecials.length, ha.zeroedBase]).toEqual([3, 8192, 1024, 1024, 1024, 0]);
    expect(ha.spans.every((s) => s === null)).toBe(true);
  });

  test('arenaL1Bits == 0 (linux/amd64): l1 is 0 and l2 the index itself', () => {
    // Past the last arena too (2^22 arenas): Go's l1 is 0 and l2 the index, whatever the index.
    for (const ai of [0, 1, 0xc00, (1 << 22) - 1, 1 << 22, 2 ** 30 + 7]) expect([arenaL1(g, ai), arenaL2(g, ai)]).toEqual([0, ai]);
  });

  test('arenaL1Bits == 6 (Go\'s windows/amd64 value, 4 MiB arenas): l1 is the top 6 bits, l2 the rest', () => {
    // arenaL2Bits = heapAddrBits 48 - logHeapArenaBytes 22 - arenaL1Bits 6 = 20 = arenaL1Shift.
    const w = new Geometry({ ...linuxAmd64, logHeapArenaBytes: 22, arenaL1Bits: 6 });
    expect([w.arenaL2Bits, w.arenaL1Shift]).toEqual([20, 20]);
    for (const ai of [0n, 1n, (1n << 20n) - 1n, 1n << 20n, (5n << 20n) + 12345n, (1n << 26n) - 1n]) {
      expect([arenaL1(w, Number(ai)), arenaL2(w, Number(ai))], `ai = ${ai}`).toEqual([Number(ai >> 20n), Number(ai & ((1n << 20n) - 1n))]);
    }
  });
});
