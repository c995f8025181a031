import { describe, expect, test } from 'vitest';
import { Geometry, hex, linuxAmd64, small, tiny } from './geometry.js';
import { HeapArena } from './heaparena.js';
import type { ArenaHint } from './malloc.js';
import { arenaHintAddrs, sysAlloc, sysReserveAligned } from './malloc.js';
import { MHeap } from './mheap.js';
import { catchThrow } from '../testing/heap.js';

const MiB = 1 << 20;

describe('arena hints', () => {
  test.each([
    ['small', small],
    ['tiny', tiny],
  ])('%s geometry: the one hint is heapArenaBytes-aligned, so the first allocation works', (_name, params) => {
    const g = new Geometry(params);
    const [hint] = arenaHintAddrs(g);
    expect((hint! - g.arenaBaseOffset) % g.heapArenaBytes).toBe(0);
    const h = new MHeap({ geometry: g });
    const s = h.alloc(1, 0, h.p(0))!;
    expect(s.base()).toBe(hint);
  });
});

describe('sysReserveAligned', () => {
  test('AlignedAnswer: an aligned placement keeps all size+align bytes', () => {
    const h = new MHeap({});
    const [v, size] = sysReserveAligned(h, 64 * MiB, 64 * MiB);
    expect((v - h.g.arenaBaseOffset) % (64 * MiB)).toBe(0);
    expect(size).toBe(128 * MiB);
    expect(h.os.reservedBytes).toBe(128 * MiB);
  });

  test('TrimUnaligned: an unaligned placement is trimmed at both ends to exactly size aligned bytes', () => {
    const h = new MHeap({});
    h.os.mmapAnywhere(3 * 4096); // the kernel's next placement is now 3 physical pages off
    const [v, size] = sysReserveAligned(h, 64 * MiB, 64 * MiB);
    expect((v - h.g.arenaBaseOffset) % (64 * MiB)).toBe(0);
    expect(size).toBe(64 * MiB);
    expect(h.os.reservedBytes).toBe(64 * MiB);
    expect(h.os.reserved.map((r) => [hex(r.base), hex(r.limit)])).toEqual([[hex(v), hex(v + 64 * MiB)]]);
  });

  test('HintsExhausted: with every hint taken, the heap takes any aligned space and grows down from it', () => {
    const g = new Geometry(small);
    const h = new MHeap({ geometry: g });
    const [hint] = arenaHintAddrs(g);
    h.os.addForeign(hint!, g.heapArenaBytes);
    const a = h.alloc(1, 0, h.p(0))!;
    const ai = h.allArenas[0]!;
    expect(a.base()).toBe(ai * g.heapArenaBytes);
    // The new hints: up from the end of the reservation, then down from its start.
    expect(h.arenaHints!.down).toBe(false);
    expect(h.arenaHints!.next!.down).toBe(true);
    // Outgrow the reservation (size + align = 2 arenas, just below the kernel's mmap top): the up
    // hint would leave the address space, so the next two arenas come from the down hint.
    h.alloc(2 * g.pagesPerArena - 1, 0, h.p(0));
    expect(h.allArenas).toEqual([ai, ai + 1, ai - 2, ai - 1]);
    expect(h.arenaHints!.down).toBe(true);
    expect(h.arenaHints!.addr).toBe((ai - 2) * g.heapArenaBytes);
  });
});

test('mappedReady counts Ready heap memory: committed when allocated from scavenged pages, returned by the scavenger', () => {
  const h = new MHeap({});
  expect(h.gcController.mappedReady).toBe(0);
  const s = h.alloc(4, 0, h.p(0))!;
  expect(h.gcController.mappedReady).toBe(4 * 8192); // fresh memory is scavenged: all four pages were Prepared
  h.freeSpan(s, h.p(0));
  expect(h.gcController.mappedReady).toBe(4 * 8192); // free but not released
  const released = h.pages.scavenge(Infinity, true);
  expect(released).toBe(4 * 8192);
  expect(h.gcController.mappedReady).toBe(0);
});

// runtime/malloc.go @ go1.21 · (*mheap).sysAlloc, sysReserveAligned, and
// mallocinit's hints. Geometry small: arenaBaseOffset 0, 2^30 bytes of address
// space, 4 MiB arenas (256 of them), the kernel's mmap top one arena below 2^30.
describe('sysAlloc', () => {
  const A = 1 << 22; // heapArenaBytes in small
  const top = 2 ** 30; // end of small's address space
  const hintList = (...hs: [addr: number, down: boolean][]): ArenaHint | null => hs.reduceRight<ArenaHint | null>((next, [addr, down]) => ({ addr, down, next }), null);

  test("amd64: mallocinit's 64 heap hints, 0x00c000000000 + i<<40 for i = 0..0x3f, in that order", () => {
    const hints = arenaHintAddrs(new Geometry(linuxAmd64));
    expect(hints).toHaveLength(64);
    expect(hints.map(hex)).toEqual(Array.from({ length: 64 }, (_, i) => hex(i * 2 ** 40 + 0xc000000000)));
  });

  test('a hint at address 0 asks for any address: the answer is not the hint, so it is given back and the hint dropped', () => {
    const g = new Geometry(small);
    const h = new MHeap({ geometry: g });
    // A down hint at one arena: p = 0. Then an up hint past the address space, which cannot be used.
    h.arenaHints = hintList([A, true], [top, false]);
    const before = h.os.calls.length;
    expect(sysAlloc(h, 1, true)).toEqual([top - 3 * A, 2 * A]);
    expect(h.os.calls.slice(before)).toEqual([
      { op: 'sysReserve', v: 0, n: A, got: top - 2 * A },
      { op: 'sysFreeOS', v: top - 2 * A, n: A, got: 0 },
      { op: 'sysReserve', v: 0, n: 2 * A, got: top - 3 * A },
    ]);
    // New hints around the aligned reservation: up from its end first, then down from its start.
    expect([h.arenaHints!.addr, h.arenaHints!.down, h.arenaHints!.next!.addr, h.arenaHints!.next!.down, h.arenaHints!.next!.next]).toEqual([top - A, false, top - 3 * A, true, null]);
    expect(h.allArenas).toEqual([253, 254]);
    expect(h.os.reservedBytes).toBe(2 * A);
  });

  test('a down hint that would start below the address space is dropped without asking the kernel (Go: p+n < p, "don\'t ask")', () => {
    const h = new MHeap({ geometry: new Geometry(small) });
    // One arena up, growing down by two: p = -A. The up hint after it is used.
    h.arenaHints = hintList([A, true], [8 * A, false]);
    const before = h.os.calls.length;
    expect(sysAlloc(h, A + 1, true)).toEqual([8 * A, 2 * A]);
    expect(h.os.calls.slice(before)).toEqual([{ op: 'sysReserve', v: 8 * A, n: 2 * A, got: 8 * A }]);
    expect([h.arenaHints!.addr, h.arenaHints!.down, h.arenaHints!.next]).toEqual([10 * A, false, null]);
    expect(h.allArenas).toEqual([8, 9]);
  });

  test('the last arena of the address space is usable', () => {
    const h = new MHeap({ geometry: new Geometry(small) });
    h.arenaHints = hintList([top - A, false]);
    expect(sysAlloc(h, A, true)).toEqual([top - A, A]);
    expect([h.arenaHints!.addr, h.allArenas]).toEqual([top, [255]]);
  });

  test('when the OS refuses everything: [0, 0], every hint dropped, no arena', () => {
    const h = new MHeap({ geometry: new Geometry(small), osLimitBytes: 0 });
    h.arenaHints = hintList([A, true], [8 * A, false]);
    expect(sysAlloc(h, 1, true)).toEqual([0, 0]);
    expect([h.arenaHints, h.allArenas, h.arenas.size]).toEqual([null, [], 0]);
  });

  test('register = false: the arenas get metadata but are not in allArenas (Go: user arenas)', () => {
    const h = new MHeap({ geometry: new Geometry(small) });
    h.arenaHints = hintList([8 * A, false]);
    expect(sysAlloc(h, A + 1, false)).toEqual([8 * A, 2 * A]);
    expect([h.allArenas, [...h.arenas.keys()]]).toEqual([[], [8, 9]]);
  });

  const site = 'runtime/malloc.go · (*mheap).sysAlloc';

  test('memory the OS places outside the address space: "memory reservation exceeds address space limit", with what Go prints', () => {
    // The kernel's mmap top above the space: the aligned fallback lands past its end.
    const out = new MHeap({ geometry: new Geometry(small), mmapTop: 2 * top });
    out.arenaHints = null;
    const e = catchThrow(() => sysAlloc(out, 1, true));
    expect([e.goMessage, e.site, e.detail]).toEqual(['memory reservation exceeds address space limit', site, 'memory allocated by OS [0x7f800000, 0x80000000) not in usable address space: base outside usable address space']);
    // One arena above the end: the reservation straddles it.
    const straddle = new MHeap({ geometry: new Geometry(small), mmapTop: top + A });
    straddle.arenaHints = null;
    const f = catchThrow(() => sysAlloc(straddle, 1, true));
    expect([f.goMessage, f.detail]).toEqual(['memory reservation exceeds address space limit', 'memory allocated by OS [0x3fc00000, 0x40400000) not in usable address space: end outside usable address space']);
  });

  test('an unaligned hint the kernel grants: "misrounded allocation in sysAlloc"', () => {
    const h = new MHeap({ geometry: new Geometry(small) });
    h.arenaHints = hintList([A + 4096, false]);
    const e = catchThrow(() => sysAlloc(h, 1, true));
    expect([e.goMessage, e.site]).toEqual(['misrounded allocation in sysAlloc', site]);
  });

  test('an arena the heap already has metadata for: "arena already initialized"', () => {
    const g = new Geometry(small);
    const h = new MHeap({ geometry: g });
    h.arenas.set(1, new HeapArena(1, g.pagesPerArena));
    h.arenaHints = hintList([A, false]);
    const e = catchThrow(() => sysAlloc(h, 1, true));
    expect([e.goMessage, e.site]).toEqual(['arena already initialized', site]);
  });
});

describe('an arenaBaseOffset that is chunk- but not arena-aligned: arenas are aligned in the offset space', () => {
  // arenaBaseOffset -4 MiB, 2^46 bytes: amd64's sizes otherwise. The base chunk
  // (BaseChunkIdx: 0xc000 * pallocChunkBytes) is at 0x3000000000, so the one hint is
  // the first arena boundary (offset a multiple of 64 MiB) at or above it: 0x3000000000 - 4 MiB + 64 MiB.
  const g = new Geometry({ ...linuxAmd64, heapAddrBits: 46, arenaBaseOffset: -(4 * MiB) });
  const hint = 0x3000000000 + 64 * MiB - 4 * MiB;

  test('the hint, and the first allocation there', () => {
    expect(arenaHintAddrs(g)).toEqual([hint]);
    const h = new MHeap({ geometry: g });
    expect(h.alloc(1, 0, h.p(0))!.base()).toBe(hint);
  });

  test('sysReserveAligned: an answer aligned in the offset space is kept whole', () => {
    const h = new MHeap({ geometry: g });
    // The kernel's mmap top is one arena below the space's end; 128 MiB below it the offset is a multiple of 64 MiB.
    const want = 2 ** 46 - 4 * MiB - 64 * MiB - 128 * MiB;
    expect(sysReserveAligned(h, 64 * MiB, 64 * MiB)).toEqual([want, 128 * MiB]);
  });

  test('sysReserveAligned when the OS refuses: [0, 0]', () => {
    expect(sysReserveAligned(new MHeap({ osLimitBytes: 0 }), 64 * MiB, 64 * MiB)).toEqual([0, 0]);
  });
});
