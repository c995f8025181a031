// State invariants of sweeping (runtime/mgcsweep.go, mcentral.go,
// mcache.go, mbitmap.go): true after every step, judged against the objects
// the spec allocated and the marks it decided, never against the model's
// own counts alone.

import { hex } from '../../model/geometry.js';
import { emptymspan } from '../../model/mcache.js';
import type { MSpan } from '../../model/mspan.js';
import { class_to_size } from '../../model/sizeclasses.js';
import type { StateInvariant } from '../catalog.js';
import { go } from '../catalog.js';
import { pagesOf } from '../format.js';
import type { HeapWorld } from '../mheap/world.js';
import type { SweepWorld } from './world.js';

const specFile = 'spec/sweep/invariants.ts';

function spanName(w: HeapWorld, id: number): string {
  const s = w.handles.get(id)!;
  return `s${id} [${hex(s.base())}, +${pagesOf(s.npages)})`;
}

/** Whether slot i of s is allocated as the model keeps it: below freeindex, or set in allocBits. */
function allocated(s: MSpan, i: number): boolean {
  return i < s.freeindex || (s.allocBits?.isSet(i) ?? false);
}

/** The slots as a bitmap of nbytes bytes (a buffer reused across calls). */
let slotBuf = new Uint8Array(64);
function slotBytes(slots: ReadonlySet<number>, nbytes: number): Uint8Array {
  if (slotBuf.length < nbytes) slotBuf = new Uint8Array(nbytes * 2);
  slotBuf.fill(0, 0, nbytes);
  for (const i of slots) slotBuf[i >>> 3]! |= 1 << (i & 7);
  return slotBuf;
}

/** Whether s's allocated slots (below freeindex, or in allocBits) are exactly slots: byte by byte (Go's plain form is slot by slot, as objectsProblem reports). */
function sameAllocated(s: MSpan, slots: ReadonlySet<number>): boolean {
  const bits = s.allocBits;
  if (bits === null) return slots.size === 0;
  const nbytes = (s.nelems + 7) >>> 3;
  const want = slotBytes(slots, nbytes);
  for (let b = 0; b < nbytes; b++) {
    const lo = b * 8;
    const below = s.freeindex >= lo + 8 ? 0xff : s.freeindex <= lo ? 0 : (1 << (s.freeindex - lo)) - 1;
    const tail = lo + 8 <= s.nelems ? 0xff : (1 << (s.nelems - lo)) - 1;
    if (((bits.bytes[b]! | below) & tail) !== want[b]) return false;
  }
  return true;
}

/** Whether s's gcmarkBits are exactly slots, byte by byte. */
function sameMarks(s: MSpan, slots: ReadonlySet<number>): boolean {
  const bits = s.gcmarkBits;
  if (bits === null) return slots.size === 0;
  const nbytes = (s.nelems + 7) >>> 3;
  const want = slotBytes(slots, nbytes);
  for (let b = 0; b < nbytes; b++) {
    const lo = b * 8;
    const tail = lo + 8 <= s.nelems ? 0xff : (1 << (s.nelems - lo)) - 1;
    if ((bits.bytes[b]! & tail) !== want[b]) return false;
  }
  return true;
}

function objectsProblem(w: SweepWorld): string | undefined {
  let reach: Set<string> | undefined;
  for (const a of w.spec.spans()) {
    if (!a.kind.heap) continue;
    const s = w.handles.get(a.id)!;
    const objs = w.spec.objects(a.id);
    if (s.allocCount === objs.size && sameAllocated(s, objs)) continue;
    reach ??= w.reachable();
    for (let i = 0; i < s.nelems; i++) {
      const want = objs.has(i);
      if (allocated(s, i) === want) continue;
      if (want) {
        const who = [...w.objects.values()].find((o) => o.span === a.id && o.slot === i);
        const r = who !== undefined && reach.has(who.name) ? ', and the mutator still reaches it' : '';
        return `${spanName(w, a.id)} slot ${i}: the model has it free, but it holds a live object${who === undefined ? '' : ` (${who.name})`}${r}`;
      }
      return `${spanName(w, a.id)} slot ${i}: the model has it allocated (freeindex ${s.freeindex}), but the spec has no object there: one freed by a sweep, or never handed out`;
    }
    if (s.allocCount !== objs.size) return `${spanName(w, a.id)}: allocCount = ${s.allocCount}, but the spec has ${objs.size} objects in it`;
  }
  return undefined;
}

export const objectsAreTheSpecs: StateInvariant<SweepWorld> = {
  id: 'objectsAreTheSpecs',
  kind: 'state',
  go: go('mheap.go', 'type mspan (allocBits)'),
  quote: 'allocBits is a bitmap of objects in this span. If n >= freeindex and allocBits[n/8] & (1<<(n%8)) is 0 then object n is free; otherwise, object n is allocated.',
  statement:
    'In every heap span, the objects the model has allocated (below freeindex, or set in allocBits) are exactly those the spec handed out and did not free, and allocCount counts them: no reachable object is ever freed, no freed slot still counts as allocated, and a sweep frees exactly the objects the cycle left unmarked.',
  against: 'the objects mallocgc handed out, as the spec keeps them, and the marks the spec decided (what the mutator reached at mark termination, and what was allocated during the mark phase)',
  specFile,
  holds: (w) => objectsProblem(w) === undefined,
  why: (w) => objectsProblem(w) ?? '',
};

function marksProblem(w: SweepWorld): string | undefined {
  for (const a of w.spec.spans()) {
    if (!a.kind.heap) continue;
    const s = w.handles.get(a.id)!;
    const marks = w.spec.marks(a.id);
    if (sameMarks(s, marks)) continue;
    for (let i = 0; i < s.nelems; i++) {
      const got = s.gcmarkBits?.isSet(i) ?? false;
      if (got !== marks.has(i)) return `${spanName(w, a.id)} slot ${i} is ${got ? '' : 'not '}marked in gcmarkBits, but the spec ${marks.has(i) ? 'marked' : 'did not mark'} it this cycle`;
    }
  }
  // Page marks: set for every span with a mark; during the mark phase for no other (gcStart cleared them).
  for (const a of w.spec.spans()) {
    if (!a.kind.heap) continue;
    const s = w.handles.get(a.id)!;
    const ha = w.h.arenaOf(s.base())!;
    const page = Math.floor((s.base() - w.h.g.arenaBaseOffset) / w.h.g.pageSize) % w.h.g.pagesPerArena;
    const bit = ((ha.pageMarks[page >>> 3]! >>> (page & 7)) & 1) === 1;
    if (w.spec.marks(a.id).size > 0 && !bit) return `${spanName(w, a.id)} has a marked object but its pageMarks bit is clear`;
  }
  if (w.h.gcphase === '_GCmark') {
    for (const [ai, ha] of w.h.arenas) {
      for (let b = 0; b < ha.pageMarks.length; b++) {
        if (ha.pageMarks[b] === 0) continue;
        for (let j = 0; j < 8; j++) {
          if (((ha.pageMarks[b]! >>> j) & 1) === 0) continue;
          const p = ai * w.h.g.pagesPerArena + b * 8 + j;
          const id = w.spec.ownerOf(p);
          const ok = id > 0 && w.spec.span(id)!.basePage === p && w.spec.marks(id).size > 0;
          if (!ok) return `pageMarks bit of ${hex(p * w.h.g.pageSize + w.h.g.arenaBaseOffset)} is set during the mark phase, but no span with a marked object starts there`;
        }
      }
    }
  }
  return undefined;
}

export const marksAreTheSpecs: StateInvariant<SweepWorld> = {
  id: 'marksAreTheSpecs',
  kind: 'state',
  go: go('mheap.go', 'type heapArena (pageMarks)'),
  quote: 'pageMarks is a bitmap that indicates which spans have any marked objects on them. Like pageInUse, only the bit corresponding to the first page in each span is used.',
  statement:
    "Every heap span's gcmarkBits are exactly the objects the spec marked this cycle (zero after a sweep: fresh mark bits); the pageMarks bit of a span with a marked object is set, and during the mark phase no other is (gcStart cleared them all).",
  against: 'the marks the spec decided',
  specFile,
  holds: (w) => marksProblem(w) === undefined,
  why: (w) => marksProblem(w) ?? '',
};

function sweepDoneProblem(w: SweepWorld): string | undefined {
  const h = w.h;
  if (!h.sweep.active.isDone()) return undefined;
  const sg = h.sweepgen;
  for (const a of w.spec.spans()) {
    if (!a.kind.heap) continue;
    const s = w.handles.get(a.id)!;
    const rel = (s.sweepgen - sg) | 0;
    if (rel === -2 || rel === -1) return `isSweepDone() is true, but ${spanName(w, a.id)} is at sg${rel} (${rel === -2 ? 'needs sweeping' : 'being swept'})`;
    if (rel === 1) return `isSweepDone() is true, but ${spanName(w, a.id)} is at sg+1: an mcache still holds it unswept`;
  }
  for (const id of w.needSweep) {
    if (w.spec.span(id)?.kind.heap === true) return `isSweepDone() is true, but ${spanName(w, id)} was live when this sweep generation began and no sweep has reached it since`;
  }
  for (const g of w.holders()) {
    if (g.span !== null && (g.holds || ((g.span.sweepgen - sg) | 0) === -2)) return `isSweepDone() is true, but ${g.who} holds [${hex(g.span.base())}, +${pagesOf(g.span.npages)})`;
  }
  return undefined;
}

export const sweepDoneMeansSwept: StateInvariant<SweepWorld> = {
  id: 'sweepDoneMeansSwept',
  kind: 'state',
  go: go('mgcsweep.go', 'isSweepDone'),
  quote: 'isSweepDone reports that all spans are swept.',
  statement:
    'When isSweepDone() says sweeping is done, no in-use span needs sweeping or is being swept (sg-2, sg-1), no sweeper holds a span it took from an unswept set, and no mcache holds a span cached before the sweep began (sg+1). (Go issue 46500: runtime.GC could return with a span unswept.)',
  against: "the spans live at mark termination that the spec's sweep records have not reached (ghost), and the goroutines in flight with a span in hand",
  specFile,
  holds: (w) => sweepDoneProblem(w) === undefined,
  why: (w) => sweepDoneProblem(w) ?? '',
};

/**
 * Where each in-use heap span is: in an mcache, in a sweeper's hands, or in
 * one mcentral set. The places are counted; they are named only for the
 * report (names set), which runs after the count found a problem.
 */
function placeProblem(w: HeapWorld & { readonly holders?: SweepWorld['holders'] }, names?: Map<MSpan, string[]>): string | undefined {
  const h = w.h;
  const sg = h.sweepgen;
  const count = new Map<MSpan, number>();
  const add = (s: MSpan): void => void count.set(s, (count.get(s) ?? 0) + 1);
  const note = (s: MSpan, where: string): void => {
    const l = names!.get(s);
    if (l === undefined) names!.set(s, [where]);
    else l.push(where);
  };
  for (const p of h.allp) {
    const alloc = p.mcache.alloc;
    for (let spc = 0; spc < alloc.length; spc++) {
      const s = alloc[spc]!;
      if (s === emptymspan) continue;
      // While mcache.refill runs (inside mallocgc), the slot still names the span it gave back: Go overwrites it when cacheSpan returns.
      const rel = (s.sweepgen - sg) | 0;
      if (p.mallocing && rel !== 1 && rel !== 3) continue;
      add(s);
      if (names !== undefined) note(s, `P${p.id}'s mcache (class ${spc})`);
    }
  }
  // A goroutine's span counts once it took it (sg-1) or while it still needs sweeping (sg-2: popped, not yet acquired); a stale entry it popped does not.
  for (const g of w.holders?.() ?? []) {
    if (g.span === null || g.span.state.get() !== 'mSpanInUse') continue;
    const rel = (g.span.sweepgen - sg) | 0;
    if (!g.holds && rel !== -2) continue;
    add(g.span);
    if (names !== undefined) note(g.span, g.who);
  }
  for (const c of h.central) {
    for (let k = 0; k < 4; k++) {
      const set = k === 0 ? c.partialSwept(sg) : k === 1 ? c.fullSwept(sg) : k === 2 ? c.partialUnswept(sg) : c.fullUnswept(sg);
      if (set.length === 0) continue;
      const swept = k < 2;
      const name = setNames[k]!;
      for (const s of set.contents()) {
        const rel = (s.sweepgen - sg) | 0;
        if (swept) {
          if (s.state.get() !== 'mSpanInUse' || rel !== 0) return `mcentral ${c.spanclass}'s ${name} set holds [${hex(s.base())}, +${pagesOf(s.npages)}) at sg${rel < 0 ? '' : '+'}${rel} (${s.state.get()}): a swept set holds only swept spans`;
          add(s);
          if (names !== undefined) note(s, `mcentral ${c.spanclass} ${name}`);
        } else if (s.state.get() === 'mSpanInUse' && rel === -2) {
          add(s);
          if (names !== undefined) note(s, `mcentral ${c.spanclass} ${name}`);
        } else if (!(rel === 0 || rel === 3 || rel === -1 || s.state.get() !== 'mSpanInUse')) {
          return `mcentral ${c.spanclass}'s ${name} set holds [${hex(s.base())}, +${pagesOf(s.npages)}) at sg${rel < 0 ? '' : '+'}${rel}: an unswept set holds spans that need sweeping, or stale entries already swept`;
        }
      }
    }
  }
  for (const a of w.spec.spans()) {
    if (!a.kind.heap) continue;
    const s = w.handles.get(a.id)!;
    const n = count.get(s) ?? 0;
    if (n === 1) continue;
    if (names === undefined) return 'found';
    const l = names.get(s) ?? [];
    return `${spanName(w, a.id)} is in ${n === 0 ? 'no mcache, no sweeper and no mcentral set: the sweeper will never reach it' : `${n} places: ${l.join(', ')}`}`;
  }
  return undefined;
}

const setNames = ['partial swept', 'full swept', 'partial unswept', 'full unswept'] as const;

export const inUseSpansHaveOnePlace: StateInvariant<HeapWorld> = {
  id: 'inUseSpansHaveOnePlace',
  kind: 'state',
  go: go('mcentral.go', 'type mcentral'),
  quote: 'partial and full contain two mspan sets: one of swept in-use spans, and one of unswept in-use spans. These two trade roles on each GC cycle.',
  quoteJoined: true,
  statement:
    "Every in-use heap span of the spec is in exactly one place: one P's mcache, one sweeper's hands, or one of its mcentral's sets; swept sets hold only spans at sg; unswept sets hold spans that need sweeping (sg-2), or stale entries another sweeper already took (sg-1, sg, sg+3, or freed).",
  against: "the spec's live heap spans",
  specFile,
  holds: (w) => placeProblem(w) === undefined,
  why: (w) => placeProblem(w, new Map()) ?? '',
};

function statsProblem(w: SweepWorld): string | undefined {
  const st = w.h.heapStats;
  const gc = w.h.gcController;
  let totalAlloc = st.largeAlloc;
  let totalFree = st.largeFree;
  for (let i = 1; i < st.smallAllocCount.length; i++) {
    const size = class_to_size[i]!;
    totalAlloc += st.smallAllocCount[i]! * size;
    totalFree += st.smallFreeCount[i]! * size;
  }
  if (gc.totalAlloc !== totalAlloc) return `totalAlloc and consistent stats are not equal: totalAlloc=${gc.totalAlloc}, consistent value=${totalAlloc}`;
  if (gc.totalFree !== totalFree) return `totalFree and consistent stats are not equal: totalFree=${gc.totalFree}, consistent value=${totalFree}`;
  return undefined;
}

export const totalAllocAndFreeAreConsistent: StateInvariant<SweepWorld> = {
  id: 'totalAllocAndFreeAreConsistent',
  kind: 'state',
  go: go('mstats.go', 'readmemstats_m'),
  quote: '* memstats.totalAlloc == totalAlloc * memstats.totalFree == totalFree',
  statement: "Go's last two consistency checks hold, with Go's throw messages: gcController's totalAlloc and totalFree equal what the consistent stats count (large bytes, and small objects per size class times the class's size).",
  against: "Go's consistency checks in readmemstats_m, between two independently kept sets of statistics",
  specFile,
  holds: (w) => statsProblem(w) === undefined,
  why: (w) => statsProblem(w) ?? '',
};

function unpublishedProblem(w: SweepWorld): string | undefined {
  for (const [p, pm] of w.pendingMallocs()) {
    if (pm.path === 'tinyBlock') continue;
    const s = pm.span;
    const i = Math.floor((pm.x - s.base()) / s.elemsize);
    if (i < s.freeIndexForScan) return `P${p} is between mallocgc's start and its publication barrier, but its object (slot ${i} of [${hex(s.base())}, +${pagesOf(s.npages)})) is already below freeIndexForScan ${s.freeIndexForScan}: the GC would scan it uninitialized`;
  }
  return undefined;
}

export const unpublishedObjectsAreFreeToTheGC: StateInvariant<SweepWorld> = {
  id: 'unpublishedObjectsAreFreeToTheGC',
  kind: 'state',
  go: go('malloc.go', 'mallocgc'),
  quote: 'As x and the heap bits are initialized, update freeIndexForScan now so x is seen by the GC (including conservative scan) as an allocated object.',
  statement:
    "An object mallocgc has reserved but not yet published (before its publication barrier) is at or above its span's freeIndexForScan, so the GC's isFree still counts it free and never scans it half initialized (Go issue 54596).",
  against: 'the mallocs the suite has in progress',
  specFile,
  holds: (w) => unpublishedProblem(w) === undefined,
  why: (w) => unpublishedProblem(w) ?? '',
};

export const sweepStateInvariants: readonly StateInvariant<SweepWorld>[] = [objectsAreTheSpecs, marksAreTheSpecs, sweepDoneMeansSwept, unpublishedObjectsAreFreeToTheGC, totalAllocAndFreeAreConsistent];
