import { describe, expect, test } from 'vitest';
import { Geometry, hex, small, tiny } from './geometry.js';
import { arenaHintAddrs, sysReserveAligned } from './malloc.js';
import { MHeap } from './mheap.js';

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
