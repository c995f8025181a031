// The heap statistics (runtime/mstats.go, runtime/mgcpacer.go), from the
// abstract heaps: what is in use, in manual spans, free and released is a
// fact about pages, not a running sum of the model's own deltas.

import type { StateInvariant } from '../catalog.js';
import { go } from '../catalog.js';
import type { HeapWorld } from './world.js';
import { pagesOf } from '../format.js';

const specFile = 'spec/mheap/stats.ts';
type Inv = StateInvariant<HeapWorld>;

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The set bits of a 64-bit mask, counted in two 32-bit halves (a bigint loop allocates at every bit). */
function popcount64(x: bigint): number {
  return popcount32(Number(x & 0xffffffffn)) + popcount32(Number((x >> 32n) & 0xffffffffn));
}

/** The statistics the abstract heaps give, in bytes. */
export function specStats(w: HeapWorld): { inUse: number; stacks: number; workBufs: number; ptrScalarBits: number; free: number; released: number; grown: number } {
  const shadow = w.pages.shadow;
  const ps = w.h.g.pageSize;
  let freePages = 0;
  let releasedPages = 0;
  for (const ci of shadow.chunks()) {
    const c = shadow.chunkStates(ci)!;
    freePages += c.free;
    for (let k = 0; k < c.scavBits.length; k++) releasedPages += popcount32(c.scavBits[k]!);
  }
  let cachedPages = 0;
  for (const m of shadow.liveCaches().values()) {
    cachedPages += popcount64(m.owned);
    releasedPages += popcount64(m.scav);
  }
  const released = releasedPages * ps;
  return {
    inUse: w.spec.heapPages() * ps,
    stacks: w.spec.manualPagesOf('spanAllocStack') * ps,
    workBufs: w.spec.manualPagesOf('spanAllocWorkBuf') * ps,
    ptrScalarBits: w.spec.manualPagesOf('spanAllocPtrScalarBits') * ps,
    free: (freePages + cachedPages) * ps - released,
    released,
    grown: shadow.chunks().length * w.h.g.pallocChunkPages * ps,
  };
}

function specStatsProblem(w: HeapWorld): string | undefined {
  const want = specStats(w);
  const gc = w.h.gcController;
  const st = w.h.heapStats;
  const manual = want.stacks + want.workBufs + want.ptrScalarBits;
  const rows: [string, number, number][] = [
    ['gcController.heapInUse', gc.heapInUse.load(), want.inUse],
    ['gcController.heapFree', gc.heapFree.load(), want.free],
    ['gcController.heapReleased', gc.heapReleased.load(), want.released],
    ['gcController.mappedReady', gc.mappedReady, want.grown - want.released],
    ['heapStats.inHeap', st.inHeap, want.inUse],
    ['heapStats.inStacks', st.inStacks, want.stacks],
    ['heapStats.inWorkBufs', st.inWorkBufs, want.workBufs],
    ['heapStats.inPtrScalarBits', st.inPtrScalarBits, want.ptrScalarBits],
    ['heapStats.released', st.released, want.released],
    ['heapStats.committed', st.committed, want.inUse + want.free + manual],
  ];
  const bad = rows.find(([, got, exp]) => got !== exp);
  if (bad === undefined) return undefined;
  const [stat, got, exp] = bad;
  return `${stat} = ${got} bytes (${pagesOf(got / w.h.g.pageSize)}), but the spec's pages give ${exp} (${pagesOf(exp / w.h.g.pageSize)})`;
}

export const heapStatsMatchSpec: Inv = {
  id: 'heapStatsMatchSpec',
  kind: 'state',
  go: go('mstats.go', 'type heapStatsDelta'),
  quote: 'byte delta of memory committed … byte delta of released memory generated … byte delta of memory placed in the heap … byte delta of memory reserved for stacks … byte delta of memory reserved for work bufs … byte delta of memory reserved for unrolled GC prog bits',
  quoteJoined: true,
  statement:
    "heapInUse and inHeap are the bytes of the spec's in-use spans; inStacks, inWorkBufs and inPtrScalarBits the bytes of its manual spans of each type; heapReleased and released the free and cached pages the abstract page heap has scavenged; heapFree the other free and cached pages; committed everything but the released; mappedReady the grown memory that is not released.",
  against: 'the abstract span heap (spans by kind) and the abstract page heap (free, cached and scavenged pages)',
  specFile,
  holds: (w) => specStatsProblem(w) === undefined,
  why: (w) => specStatsProblem(w) ?? '',
};

function consistencyProblem(w: HeapWorld): string | undefined {
  const gc = w.h.gcController;
  const st = w.h.heapStats;
  if (gc.heapInUse.load() !== st.inHeap) return `heapInUse and consistent stats are not equal: heapInUse=${gc.heapInUse.load()}, consistent value=${st.inHeap}`;
  if (gc.heapReleased.load() !== st.released) return `heapReleased and consistent stats are not equal: heapReleased=${gc.heapReleased.load()}, consistent value=${st.released}`;
  const heapRetained = gc.heapInUse.load() + gc.heapFree.load();
  const consRetained = st.committed - st.inStacks - st.inWorkBufs - st.inPtrScalarBits;
  if (heapRetained !== consRetained) return `measures of the retained heap are not equal: global value=${heapRetained}, consistent value=${consRetained}`;
  // totalMapped without the runtime's own metadata, which the model does not count in mappedReady either.
  const totalMapped = gc.heapInUse.load() + gc.heapFree.load() + gc.heapReleased.load() + st.inStacks + st.inWorkBufs + st.inPtrScalarBits;
  if (gc.mappedReady !== totalMapped - st.released) return `mappedReady and other memstats are not equal: mappedReady=${gc.mappedReady}, totalMapped-released=${totalMapped - st.released}`;
  return undefined;
}

export const heapStatsAreConsistent: Inv = {
  id: 'heapStatsAreConsistent',
  kind: 'state',
  go: go('mstats.go', 'readmemstats_m'),
  quote:
    '* memstats.heapInUse == inHeap * memstats.heapReleased == released * memstats.heapInUse + memstats.heapFree == committed - inStacks - inWorkBufs - inPtrScalarBits … Also check that mappedReady lines up with totalMapped - released.',
  quoteJoined: true,
  statement:
    "Go's own consistency checks hold, with Go's throw messages: heapInUse == inHeap; heapReleased == released; heapInUse + heapFree == committed - inStacks - inWorkBufs - inPtrScalarBits; mappedReady == totalMapped - released (heap memory only: the model keeps no runtime metadata). The other two, totalAlloc and totalFree, count objects, which come with mcache and sweeping.",
  against: "Go's consistency checks in readmemstats_m (doubleCheckReadMemStats), between two independently kept sets of statistics",
  specFile,
  holds: (w) => consistencyProblem(w) === undefined,
  why: (w) => consistencyProblem(w) ?? '',
};

export const statsInvariants: readonly Inv[] = [heapStatsMatchSpec, heapStatsAreConsistent];
