// Heap arenas (runtime/malloc.go, runtime/mheap.go): where the heap's
// address space comes from, and the per-arena zeroedBase.

import { hex } from '../../model/geometry.js';
import type { StateInvariant } from '../catalog.js';
import { go } from '../catalog.js';
import type { HeapWorld } from './world.js';

const specFile = 'spec/mheap/arenas.ts';
type Inv = StateInvariant<HeapWorld>;

function arenaAddr(w: HeapWorld, ai: number): number {
  return ai * w.h.g.heapArenaBytes + w.h.g.arenaBaseOffset;
}

function zeroedBaseProblem(w: HeapWorld): string | undefined {
  for (const [ai, ha] of w.h.arenas) {
    const want = w.ghost.zeroedHWM.get(ai) ?? 0;
    if (ha.zeroedBase !== want) return `arena ${hex(arenaAddr(w, ai))}: zeroedBase = ${hex(ha.zeroedBase)}, but the highest page ever handed out there ends at ${hex(want)}`;
  }
  return undefined;
}

export const zeroedBaseIsHighWaterMark: Inv = {
  id: 'zeroedBaseIsHighWaterMark',
  kind: 'state',
  go: go('mheap.go', 'type heapArena (zeroedBase)'),
  quote: "zeroedBase marks the first byte of the first page in this arena which hasn't been used yet and is therefore already zero. zeroedBase is relative to the arena base. Increases monotonically until it hits heapArenaBytes.",
  statement: "Every arena's zeroedBase is exactly the end (relative to the arena base) of the highest page ever handed out in it, capped at heapArenaBytes: never below (memory handed out would be taken for zero), never above (fresh memory would be zeroed again), so it only rises.",
  against: 'ghost: the zeroed high-water mark per arena, from every span handed out',
  specFile,
  holds: (w) => zeroedBaseProblem(w) === undefined,
  why: (w) => zeroedBaseProblem(w) ?? '',
};

function arenaProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const seen = new Set(h.allArenas);
  if (seen.size !== h.allArenas.length) return 'allArenas lists an arena twice';
  for (const ai of h.arenas.keys()) if (!seen.has(ai)) return `arena ${hex(arenaAddr(w, ai))} has metadata but is not in allArenas`;
  for (const ai of seen) {
    if (!h.arenas.has(ai)) return `allArenas lists ${hex(arenaAddr(w, ai))}, which has no metadata`;
    const a = arenaAddr(w, ai);
    if (!h.os.isReserved(a, a + g.heapArenaBytes)) return `arena [${hex(a)}, +heapArenaBytes) is not memory the heap reserved from the OS`;
  }
  for (const r of h.os.reserved) {
    if ((r.base - g.arenaBaseOffset) % g.heapArenaBytes !== 0 || (r.limit - r.base) % g.heapArenaBytes !== 0) return `the heap holds the reservation [${hex(r.base)}, ${hex(r.limit)}), which is not whole heapArenaBytes-aligned arenas`;
    for (let a = r.base; a < r.limit; a += g.heapArenaBytes) if (!seen.has(Math.floor((a - g.arenaBaseOffset) / g.heapArenaBytes))) return `reserved arena ${hex(a)} has no metadata`;
  }
  // Every grown page lies in an arena.
  for (const ci of w.pages.shadow.chunks()) {
    const a = ci * g.pallocChunkBytes + g.arenaBaseOffset;
    if (!h.arenas.has(Math.floor((a - g.arenaBaseOffset) / g.heapArenaBytes))) return `grown chunk ${hex(a)} is in no heap arena`;
  }
  return undefined;
}

export const arenasAreReservedAndAligned: Inv = {
  id: 'arenasAreReservedAndAligned',
  kind: 'state',
  go: go('malloc.go', 'heapArenaBytes'),
  quote: 'The heap consists of mappings of size heapArenaBytes, aligned to heapArenaBytes.',
  statement:
    'What the heap reserved from the OS is whole heapArenaBytes-aligned arenas (sysReserveAligned trims what is not), each with metadata and in allArenas exactly once; every grown page lies in one.',
  against: "the OS's record of the heap's reservations, and the abstract page heap's grown chunks",
  specFile,
  holds: (w) => arenaProblem(w) === undefined,
  why: (w) => arenaProblem(w) ?? '',
};

function hintProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const hints = w.ghost.initialHints;
  const bytes = g.heapArenaBytes;
  // mallocinit's hints are expected in their order: each is looked for from the last one found on
  // (linear over the list), and the index map is asked only for a hint not found that way.
  let next = 0;
  let lastInitial = -1;
  for (let x = h.arenaHints; x !== null; x = x.next) {
    const off = x.addr - g.arenaBaseOffset;
    if (Math.floor(off / bytes) * bytes !== off) return `arena hint ${hex(x.addr)} is not heapArenaBytes-aligned`;
    let i = -1;
    for (let k = next; k < hints.length; k++) {
      if (hints[k] !== x) continue;
      i = k;
      next = k + 1;
      break;
    }
    if (i < 0) i = initialIndex(hints).get(x) ?? -1;
    if (i >= 0 && h.arenas.size > 0) {
      const to = x.down ? x.addr - bytes : x.addr;
      if (g.inAddressSpace(to) && h.arenas.has(Math.floor((to - g.arenaBaseOffset) / bytes))) return `arena hint ${hex(x.addr)} points at ${hex(to)}, an arena the heap already has`;
    }
    if (i < 0 && lastInitial >= 0) return `arena hint ${hex(x.addr)} comes after mallocinit's hints; new hints go in front`;
    if (i >= 0) {
      if (i <= lastInitial) return `mallocinit's hints are out of order at ${hex(x.addr)}`;
      lastInitial = i;
    }
  }
  return undefined;
}

/** mallocinit's hints by object, with their places in its list (kept per list). */
const initialIndexes = new WeakMap<readonly object[], Map<object, number>>();
function initialIndex(hints: readonly object[]): Map<object, number> {
  let m = initialIndexes.get(hints);
  if (m === undefined) initialIndexes.set(hints, (m = new Map(hints.map((x, i) => [x, i]))));
  return m;
}

export const arenaHintsKeepGoOrder: Inv = {
  id: 'arenaHintsKeepGoOrder',
  kind: 'state',
  go: go('mheap.go', 'type mheap (arenaHints)'),
  quote: 'arenaHints is a list of addresses at which to attempt to add more heap arenas. This is initially populated with a set of general hint addresses, and grown with the bounds of actual heap arena ranges.',
  statement:
    "Every arena hint is heapArenaBytes-aligned; the hints sysAlloc adds when every hint failed come first, and mallocinit's that remain follow in mallocinit's order, each pointing at an arena the heap does not have yet. (A hint sysAlloc adds at the edge of a new region may abut an arena of the heap's, when the kernel placed the region right below it: Go tries it, fails, and drops it.)",
  against: "ghost: mallocinit's hints, in the order it made them",
  specFile,
  holds: (w) => hintProblem(w) === undefined,
  why: (w) => hintProblem(w) ?? '',
};

function curArenaProblem(w: HeapWorld): string | undefined {
  const { h } = w;
  const g = h.g;
  const cur = h.curArena;
  if (h.allArenas.length === 0) return cur.base === 0 && cur.end === 0 ? undefined : `no arena yet, but curArena = [${hex(cur.base)}, ${hex(cur.end)})`;
  const lastEnd = arenaAddr(w, h.allArenas.at(-1)!) + g.heapArenaBytes;
  if (cur.end !== lastEnd) return `curArena ends at ${hex(cur.end)}, not at the end of the last arena added, ${hex(lastEnd)}`;
  if (cur.base > cur.end || (cur.base - g.arenaBaseOffset) % g.physPageSize !== 0) return `curArena [${hex(cur.base)}, ${hex(cur.end)}) is not a physPageSize-aligned range`;
  // What is left of it is reserved and not yet grown.
  const cp = g.pallocChunkBytes;
  for (let a = cur.base - ((cur.base - g.arenaBaseOffset) % cp); a < cur.end; a += cp) {
    const ci = Math.floor((a - g.arenaBaseOffset) / cp);
    if (a >= cur.base && w.pages.shadow.isMapped(ci)) return `curArena [${hex(cur.base)}, ${hex(cur.end)}) includes chunk ${hex(a)}, which was grown already`;
  }
  if (cur.base < cur.end && !h.os.isReserved(cur.base, cur.end)) return `curArena [${hex(cur.base)}, ${hex(cur.end)}) is not reserved`;
  return undefined;
}

export const curArenaLiesInTheLastArena: Inv = {
  id: 'curArenaLiesInTheLastArena',
  kind: 'state',
  go: go('mheap.go', 'type mheap (curArena)'),
  quote: 'curArena is the arena that the heap is currently growing into. This should always be physPageSize-aligned.',
  statement: 'curArena ends where the last arena added ends, starts physPageSize-aligned, and what lies between was reserved and not yet grown.',
  against: "the abstract page heap's grown chunks, and the OS's record of the heap's reservations",
  specFile,
  holds: (w) => curArenaProblem(w) === undefined,
  why: (w) => curArenaProblem(w) ?? '',
};

export const arenaInvariants: readonly Inv[] = [zeroedBaseIsHighWaterMark, arenasAreReservedAndAligned, arenaHintsKeepGoOrder, curArenaLiesInTheLastArena];
