// Action properties of the span layer: claims about one step. The
// mSpanState comment's bullets are one property each.

import { hex } from '../../model/geometry.js';
import type { MSpanState } from '../../model/mspan.js';
import type { ActionProperty } from '../catalog.js';
import { go } from '../catalog.js';
import type { HeapSnapshot, HeapStep, Transition } from './world.js';

const specFile = 'spec/mheap/actions.ts';
type Act = ActionProperty<HeapSnapshot, HeapStep>;

const stateComment = go('mheap.go', 'type mSpanState');

function spanAt(t: { base: number; npages: number }): string {
  return `the span [${hex(t.base)}, +${t.npages}p)`;
}

function freedDuringGC(step: HeapStep): Transition | undefined {
  return step.transitions.find((t) => t.to === 'mSpanDead' && (t.from === 'mSpanInUse' || t.from === 'mSpanManual') && t.gcphase !== '_GCoff');
}

export const noSpanFreedDuringGC: Act = {
  id: 'noSpanFreedDuringGC',
  kind: 'action',
  go: stateComment,
  quote: 'During GC (gcphase != _GCoff), a span *must not* transition from manual or in-use to free. Because concurrent GC may read a pointer and then look up its span, the span state must be monotonic.',
  statement: 'No span goes from mSpanInUse or mSpanManual to mSpanDead while gcphase != _GCoff.',
  specFile,
  holds: (_b, _a, s) => freedDuringGC(s) === undefined,
  why: (_b, _a, s) => {
    const t = freedDuringGC(s);
    return t === undefined ? '' : `${spanAt(t)} went ${t.from} -> ${t.to} during ${t.gcphase}`;
  },
};

/** The transitions the mSpanState comment allows: (from, to) -> allowed in which phases. */
function allowed(from: MSpanState, to: MSpanState, phase: string): boolean {
  if (from === 'mSpanDead') return true; // free to in-use or manual in any phase; init re-marks a dead span dead
  if (to === 'mSpanDead') return phase === '_GCoff'; // in-use or manual to free: only while sweeping
  return false; // in-use <-> manual never happens directly
}

function illegalTransition(step: HeapStep): Transition | undefined {
  return step.transitions.find((t) => !allowed(t.from, t.to, t.gcphase));
}

export const spanStateTransitionsAreLegal: Act = {
  id: 'spanStateTransitionsAreLegal',
  kind: 'action',
  go: stateComment,
  quote:
    'A span may transition from free to in-use or manual during any GC phase. During sweeping (gcphase == _GCoff), a span may transition from in-use to free (as a result of sweeping) or manual to free (as a result of stacks being freed).',
  statement: 'Every span state change is dead to in-use or manual (any phase), or in-use or manual to dead (only in _GCoff); never in-use to manual or back.',
  specFile,
  holds: (_b, _a, s) => illegalTransition(s) === undefined,
  why: (_b, _a, s) => {
    const t = illegalTransition(s);
    return t === undefined ? '' : `${spanAt(t)} went ${t.from} -> ${t.to} during ${t.gcphase}`;
  },
};

function zeroedBaseDrop(b: HeapSnapshot, a: HeapSnapshot): string | undefined {
  for (const [ai, zb] of b.zeroedBase) {
    const now = a.zeroedBase.get(ai);
    if (now === undefined || now < zb) return `arena ${ai}: zeroedBase went from ${zb} to ${now ?? 'gone'}`;
  }
  return undefined;
}

export const zeroedBaseIsMonotonic: Act = {
  id: 'zeroedBaseIsMonotonic',
  kind: 'action',
  go: go('mheap.go', 'type heapArena (zeroedBase)'),
  quote: 'Increases monotonically until it hits heapArenaBytes.',
  statement: "No arena's zeroedBase ever decreases (and no arena's metadata goes away).",
  specFile,
  holds: (b, a) => zeroedBaseDrop(b, a) === undefined,
  why: (b, a) => zeroedBaseDrop(b, a) ?? '',
};

export const needzeroIsSound: Act = {
  id: 'needzeroIsSound',
  kind: 'action',
  go: go('mheap.go', '(*mheap).allocNeedsZero'),
  quote: 'allocNeedsZero checks if the region of address space [base, base+npage*pageSize), assumed to be allocated, needs to be zeroed, updating heap arena metadata for future allocations.',
  statement: 'A span touching any page handed out before (since its arena was mapped) gets needzero = 1: no allocation is handed memory a previous one may have dirtied as if it were zero.',
  specFile,
  holds: (_b, _a, s) => s.allocated === undefined || !s.allocated.handedOutBefore || s.allocated.needzero === 1,
  why: (_b, _a, s) => (s.allocated === undefined ? '' : `${spanAt(s.allocated)} reuses pages handed out before but has needzero = ${s.allocated.needzero}`),
};

export const needzeroIsPrecise: Act = {
  id: 'needzeroIsPrecise',
  kind: 'action',
  go: go('mheap.go', 'type heapArena (zeroedBase)'),
  quote: 'zeroedBase marks the first byte of the first page in this arena which hasn\'t been used yet and is therefore already zero.',
  statement: 'A span lying entirely at or above its arenas\' zeroedBase gets needzero = 0: fresh memory is not zeroed twice.',
  specFile,
  holds: (_b, _a, s) => s.allocated === undefined || !s.allocated.aboveZeroedBase || s.allocated.needzero === 0,
  why: (_b, _a, s) => (s.allocated === undefined ? '' : `${spanAt(s.allocated)} lies above zeroedBase but has needzero = ${s.allocated.needzero}`),
};

export const recycledSpanKeepsSweepgen: Act = {
  id: 'recycledSpanKeepsSweepgen',
  kind: 'action',
  go: go('mheap.go', '(*mheap).init'),
  quote:
    "Don't zero mspan allocations. Background sweeping can inspect a span concurrently with allocating it, so it's important that the span's sweepgen survive across freeing and re-allocating a span to prevent background sweeping from improperly cas'ing it from 0.",
  statement: 'A new heap span is published at sweepgen == h.sweepgen; a manual span made from a recycled structure keeps the sweepgen the structure had when freed.',
  specFile,
  holds: (_b, _a, s) => {
    const x = s.allocated;
    if (x === undefined) return true;
    if (x.typ === 'spanAllocHeap') return x.sweepgen === x.heapSweepgen;
    return x.recycledSweepgen === null || x.sweepgen === x.recycledSweepgen;
  },
  why: (_b, _a, s) =>
    s.allocated === undefined ? '' : `${spanAt(s.allocated)} (${s.allocated.typ}) has sweepgen ${s.allocated.sweepgen}; recycled from ${s.allocated.recycledSweepgen}, h.sweepgen ${s.allocated.heapSweepgen}`,
};

export const misuseIsRefusedAndHarmless: Act = {
  id: 'misuseIsRefusedAndHarmless',
  kind: 'action',
  go: go('mheap.go', '(*mheap).freeSpanLocked'),
  quote: 'throw("mheap.freeSpanLocked - invalid span state")',
  statement: "Every misuse Go guards throws Go's message, every misuse it does not gets a model error, and either way the heap is unchanged.",
  specFile,
  holds: (_b, _a, s) => s.refused === undefined || (s.refused.want.includes(s.refused.got) && s.refused.unchanged),
  why: (_b, _a, s) =>
    s.refused === undefined ? '' : `misuse ${s.refused.kind}: got ${s.refused.got}, want ${s.refused.want.join(' or ')}${s.refused.unchanged ? '' : '; the heap changed'}`,
};

/** The span layer's own action properties, in catalog order. */
export const heapActionProperties: readonly Act[] = [
  noSpanFreedDuringGC,
  spanStateTransitionsAreLegal,
  zeroedBaseIsMonotonic,
  needzeroIsSound,
  needzeroIsPrecise,
  recycledSpanKeepsSweepgen,
  misuseIsRefusedAndHarmless,
];
