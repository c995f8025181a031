// Action properties of the span layer: claims about one step, judged
// against what was asked, the abstract span heap, the callers' protocol and
// ghost history. The mSpanState comment's bullets are one property each.

import { hex } from '../../model/geometry.js';
import type { MSpanState } from '../../model/mspan.js';
import type { ActionProperty } from '../catalog.js';
import { go } from '../catalog.js';
import { kindGo, spanClassOf } from './spanHeap.js';
import type { Allocated, HeapSnapshot, HeapStep, Transition } from './world.js';
import { pagesOf } from '../format.js';

const specFile = 'spec/mheap/actions.ts';
type Act = ActionProperty<HeapSnapshot, HeapStep>;

const stateComment = go('mheap.go', 'type mSpanState');

function spanAt(t: { base: number; npages: number }): string {
  return `the span [${hex(t.base)}, +${pagesOf(t.npages)})`;
}

/**
 * GC-program bitmaps are the one exception Go 1.21's own code makes: scanstack
 * frees them (dematerializeGCProg) during the mark phase. See
 * model/mbitmap_gcprog.ts.
 */
function exempt(t: Transition): boolean {
  return t.kind !== undefined && !t.kind.heap && t.kind.typ === 'spanAllocPtrScalarBits';
}

function freedDuringGC(step: HeapStep): Transition | undefined {
  return step.transitions.find((t) => t.to === 'mSpanDead' && (t.from === 'mSpanInUse' || t.from === 'mSpanManual') && t.gcphase !== '_GCoff' && !exempt(t));
}

export const noSpanFreedDuringGC: Act = {
  id: 'noSpanFreedDuringGC',
  kind: 'action',
  go: stateComment,
  quote: 'During GC (gcphase != _GCoff), a span *must not* transition from manual or in-use to free. Because concurrent GC may read a pointer and then look up its span, the span state must be monotonic.',
  statement:
    "No span goes from mSpanInUse or mSpanManual to mSpanDead while gcphase != _GCoff. mheap.freeManual does not check this: the callers do (stackfree, stackpoolfree, freeSomeWbufs), so this checks them. The one exception is Go 1.21's own: GC-program bitmaps (spanAllocPtrScalarBits), which scanstack frees during marking and no pointer the GC follows leads into.",
  against: 'span state transitions the model made (a ghost record of every mSpanStateBox.set), with the GC phase at each',
  specFile,
  holds: (_b, _a, s) => freedDuringGC(s) === undefined,
  why: (_b, _a, s) => {
    const t = freedDuringGC(s);
    return t === undefined ? '' : `${spanAt(t)}${t.kind === undefined ? '' : ` (${kindGo(t.kind)})`} went ${t.from} -> ${t.to} during ${t.gcphase}`;
  },
};

/** The transitions the mSpanState comment allows: (from, to) -> allowed in which phases. */
function allowed(t: Transition): boolean {
  if (t.from === 'mSpanDead') return true; // free to in-use or manual in any phase; init re-marks a dead span dead
  if (t.to === 'mSpanDead') return t.gcphase === '_GCoff' || exempt(t); // in-use or manual to free: only while sweeping
  return false; // in-use <-> manual never happens directly
}

function illegalTransition(step: HeapStep): Transition | undefined {
  return step.transitions.find((t) => !allowed(t));
}

export const spanStateTransitionsAreLegal: Act = {
  id: 'spanStateTransitionsAreLegal',
  kind: 'action',
  go: stateComment,
  quote:
    'A span may transition from free to in-use or manual during any GC phase. During sweeping (gcphase == _GCoff), a span may transition from in-use to free (as a result of sweeping) or manual to free (as a result of stacks being freed).',
  statement: 'Every span state change is dead to in-use or manual (any phase), or in-use or manual to dead (only in _GCoff, GC-program bitmaps excepted); never in-use to manual or back.',
  against: 'span state transitions the model made (ghost record), with the GC phase at each',
  specFile,
  holds: (_b, _a, s) => illegalTransition(s) === undefined,
  why: (_b, _a, s) => {
    const t = illegalTransition(s);
    return t === undefined ? '' : `${spanAt(t)} went ${t.from} -> ${t.to} during ${t.gcphase}`;
  },
};

function wantState(x: Allocated): MSpanState {
  return x.want.kind.heap ? 'mSpanInUse' : 'mSpanManual';
}

function allocProblem(s: HeapStep): string | undefined {
  const x = s.allocated;
  if (x === undefined) return undefined;
  const what = `s${x.id} [${hex(x.got.base)}, +${pagesOf(x.got.npages)})`;
  if (x.got.npages !== x.want.npages) return `${what} has ${pagesOf(x.got.npages)}; ${pagesOf(x.want.npages)} ${x.want.npages === 1 ? 'was' : 'were'} asked for`;
  if (x.got.state !== wantState(x)) return `${what} is ${x.got.state}; a ${x.want.kind.heap ? 'heap' : 'manual'} span must be ${wantState(x)}`;
  if (x.want.kind.heap && x.got.spanclass !== spanClassOf(x.want.kind)) return `${what} has span class ${x.got.spanclass}; ${kindGo(x.want.kind)} = ${spanClassOf(x.want.kind)} was asked for`;
  const o = x.ownersBefore;
  if (o.other !== undefined) {
    const who = o.other.owner > 0 ? `live span s${o.other.owner}` : `P${-o.other.owner - 1}'s page cache`;
    return `${what}: its page ${hex(o.other.addr)} was owned by ${who}`;
  }
  if (o.nobody > 0 && o.ownCache > 0) return `${what} mixes ${o.ownCache} pages from P${x.want.p}'s page cache with ${o.nobody} pages from the heap`;
  return undefined;
}

export const spanIsWhatWasAsked: Act = {
  id: 'spanIsWhatWasAsked',
  kind: 'action',
  go: go('mheap.go', '(*mheap).alloc'),
  quote: "alloc allocates a new span of npage pages from the GC'd heap. spanclass indicates the span's size class and scannability.",
  statement:
    "A span alloc or allocManual returns has exactly the npages asked for, the span class asked for (its noscan bit too) or mSpanManual for a manual type, and pages that were free or in the calling P's page cache, all one or the other.",
  against: 'the request the command made, and page ownership in the abstract span heap before the step',
  specFile,
  holds: (_b, _a, s) => allocProblem(s) === undefined,
  why: (_b, _a, s) => allocProblem(s) ?? '',
};

function pathProblem(s: HeapStep): string | undefined {
  const x = s.allocated;
  if (x === undefined) return undefined;
  const fromCache = x.ownersBefore.ownCache > 0;
  if (x.cacheHadRun && !fromCache) return `s${x.id} (${pagesOf(x.want.npages)}) came from the heap although P${x.want.p}'s page cache had ${x.want.npages} free pages in a row`;
  if (!x.cacheHadRun && fromCache) return `s${x.id} (${pagesOf(x.want.npages)}) came from P${x.want.p}'s page cache, which must not serve it`;
  return undefined;
}

export const allocSpanUsesThePageCacheFirst: Act = {
  id: 'allocSpanUsesThePageCacheFirst',
  kind: 'action',
  go: go('mheap.go', '(*mheap).allocSpan'),
  quote: 'If the allocation is small enough, try the page cache!',
  statement:
    "A span of fewer than pageCachePages/4 pages allocated on a P comes from that P's page cache (refilled first if it was empty) exactly when the cache has that many free pages in a row; otherwise, and for larger spans, from the page allocator under the heap lock.",
  against: "the abstract span heap's account of each P's page cache",
  specFile,
  holds: (_b, _a, s) => pathProblem(s) === undefined,
  why: (_b, _a, s) => pathProblem(s) ?? '',
};

function deathProblem(s: HeapStep): string | undefined {
  const d = s.died;
  if (d === undefined) {
    const t = s.transitions.find((x) => x.to === 'mSpanDead' && x.from !== 'mSpanDead');
    return t === undefined ? undefined : `${spanAt(t)} died in a step that frees no span`;
  }
  const got = new Set(d.got);
  const want = new Set(d.want);
  const extra = d.got.find((id) => !want.has(id));
  if (extra !== undefined) return `s${extra} died, but no caller freed it`;
  const kept = d.want.find((id) => !got.has(id));
  if (kept !== undefined) return `s${kept} should have gone back to the heap, but it is still live`;
  return d.mismatch;
}

export const spansDieWhenTheirCallersFreeThem: Act = {
  id: 'spansDieWhenTheirCallersFreeThem',
  kind: 'action',
  go: go('stack.go', 'stackfree'),
  quote: "If the GC is running, we can't return a stack span to the heap because it could be reused as a heap span, and this state change would race with GC. Add it to the large stack cache instead.",
  statement:
    'The spans that die in a step are exactly those its caller frees by Go\'s protocol: the heap span the sweeper frees; a large stack\'s span in _GCoff; a stack pool span whose last stack goes in _GCoff; at mark termination every waiting large stack span and every empty pool span; up to 64 free work buffer spans in _GCoff; a GC program\'s bitmap. Their pages, and no others, go back to the page allocator.',
  against: "the callers' protocol kept by the spec (spec/mheap/callers.ts) and the spans of the abstract span heap",
  specFile,
  holds: (_b, _a, s) => deathProblem(s) === undefined,
  why: (_b, _a, s) => deathProblem(s) ?? '',
};

function placeProblem(s: HeapStep): string | undefined {
  const p = s.placed;
  if (p !== undefined) {
    const wantBirths = p.wantSpan === 'new' ? 1 : 0;
    if (p.births !== wantBirths) return `${p.call} published ${p.births} spans; it must ${p.wantSpan === 'new' ? 'allocate one' : `reuse s${p.wantSpan}`}`;
    if (p.gotSpan !== p.wantSpan) return `${p.call} returned memory in ${p.gotSpan === 'none' ? 'no live span' : p.gotSpan === 'new' ? 'a new span' : `s${p.gotSpan}`}; it must come from ${p.wantSpan === 'new' ? 'a new span' : `s${p.wantSpan}`}`;
    if (!p.inside) return `${p.call} returned memory that runs past the end of its span`;
  }
  if (s.stackBytes !== undefined && s.stackBytes.got !== s.stackBytes.want) return `stackalloc(${s.stackBytes.want}) returned a stack of ${s.stackBytes.got} bytes`;
  if (s.buffer !== undefined && s.buffer.got !== s.buffer.want) return `getempty returned ${hex(s.buffer.got)}, not the buffer on top of work.empty, ${hex(s.buffer.want)}`;
  return undefined;
}

export const callersReuseTheirSpans: Act = {
  id: 'callersReuseTheirSpans',
  kind: 'action',
  go: go('stack.go', 'stackalloc'),
  quote: 'Try to get a stack from the large stack cache.',
  statement:
    'A stack comes from the first stack pool span of its order with a free stack, or from a large stack span waiting in stackLarge for its size, and only when there is none from a new span; a work buffer comes from work.empty, then a free work buffer span, then a new span. What the call returns lies inside that span.',
  against: "the callers' protocol kept by the spec (spec/mheap/callers.ts)",
  specFile,
  holds: (_b, _a, s) => placeProblem(s) === undefined,
  why: (_b, _a, s) => placeProblem(s) ?? '',
};

export const needzeroIsSound: Act = {
  id: 'needzeroIsSound',
  kind: 'action',
  go: go('mheap.go', '(*mheap).allocNeedsZero'),
  quote: 'allocNeedsZero checks if the region of address space [base, base+npage*pageSize), assumed to be allocated, needs to be zeroed, updating heap arena metadata for future allocations.',
  statement: 'A span touching any page handed out before (since its arena was mapped) gets needzero = 1: no allocation is handed memory a previous one may have dirtied as if it were zero.',
  against: 'ghost: the pages ever handed out, per arena',
  specFile,
  holds: (_b, _a, s) => s.allocated === undefined || !s.allocated.handedOutBefore || s.allocated.needzero === 1,
  why: (_b, _a, s) => (s.allocated === undefined ? '' : `s${s.allocated.id} [${hex(s.allocated.got.base)}, +${pagesOf(s.allocated.got.npages)}) reuses pages handed out before but has needzero = ${s.allocated.needzero}`),
};

export const needzeroIsPrecise: Act = {
  id: 'needzeroIsPrecise',
  kind: 'action',
  go: go('mheap.go', 'type heapArena (zeroedBase)'),
  quote: "zeroedBase marks the first byte of the first page in this arena which hasn't been used yet and is therefore already zero.",
  statement:
    "needzero is 1 exactly when the span starts below the zeroed high-water mark of some arena it touches (the end of the highest page handed out there so far): fresh memory is not zeroed twice, and memory below the mark always is.",
  against: 'ghost: the zeroed high-water mark per arena, from every span handed out',
  specFile,
  holds: (_b, _a, s) => s.allocated === undefined || s.allocated.needzero === s.allocated.needzeroWant,
  why: (_b, _a, s) =>
    s.allocated === undefined
      ? ''
      : `s${s.allocated.id} [${hex(s.allocated.got.base)}, +${pagesOf(s.allocated.got.npages)}) has needzero = ${s.allocated.needzero}; it ${s.allocated.needzeroWant === 1 ? 'starts below' : 'lies wholly above'} the zeroed mark of its arenas`,
};

export const recycledSpanKeepsSweepgen: Act = {
  id: 'recycledSpanKeepsSweepgen',
  kind: 'action',
  go: go('mheap.go', '(*mheap).init'),
  quote:
    "Don't zero mspan allocations. Background sweeping can inspect a span concurrently with allocating it, so it's important that the span's sweepgen survive across freeing and re-allocating a span to prevent background sweeping from improperly cas'ing it from 0.",
  statement: 'A new heap span is published at sweepgen == h.sweepgen; a manual span made from a recycled structure keeps the sweepgen the structure had when freed.',
  against: "ghost: each freed structure's sweepgen at the time it was freed",
  specFile,
  holds: (_b, _a, s) => {
    const x = s.allocated;
    if (x === undefined) return true;
    if (x.want.kind.heap) return x.sweepgen === x.heapSweepgen;
    return x.recycledSweepgen === null || x.sweepgen === x.recycledSweepgen;
  },
  why: (_b, _a, s) =>
    s.allocated === undefined ? '' : `s${s.allocated.id} (${kindGo(s.allocated.want.kind)}) has sweepgen ${s.allocated.sweepgen}; recycled from ${s.allocated.recycledSweepgen}, h.sweepgen ${s.allocated.heapSweepgen}`,
};

function throwProblem(s: HeapStep): string | undefined {
  const r = s.refused;
  if (r === undefined || r.want === 'ModelError') return undefined;
  if (r.got !== r.want) return `misuse ${r.kind}: got ${r.got}, want Go's ${r.want}`;
  if (!r.unchanged) return `misuse ${r.kind}: ${r.got}, but the heap changed`;
  return undefined;
}

export const misuseThrowsGosMessage: Act = {
  id: 'misuseThrowsGosMessage',
  kind: 'action',
  go: go('mheap.go', '(*mheap).freeSpanLocked'),
  quote: 'throw("mheap.freeSpanLocked - invalid span state")',
  statement: "Every misuse Go guards against (a double free, freeing an unswept span, stackfree of a non-stack span, a stack size that is not a power of 2, allocManual of a heap type) throws Go's message, verbatim, before changing anything.",
  against: "Go's throw messages (runtime/mheap.go, runtime/stack.go), and a fingerprint of the whole heap before the call",
  specFile,
  holds: (_b, _a, s) => throwProblem(s) === undefined,
  why: (_b, _a, s) => throwProblem(s) ?? '',
};

function refusalProblem(s: HeapStep): string | undefined {
  const r = s.refused;
  if (r === undefined || r.want !== 'ModelError') return undefined;
  if (r.got !== 'ModelError') return `misuse ${r.kind}: got ${r.got}, want a ModelError`;
  if (!r.unchanged) return `misuse ${r.kind}: refused, but the heap changed`;
  return undefined;
}

export const undefinedInputIsRefused: Act = {
  id: 'undefinedInputIsRefused',
  kind: 'action',
  go: go('mheap.go', '(*mheap).freeManual'),
  quote: 'typ must be the same as the spanAllocType passed to the allocManual that allocated s.',
  statement:
    "Input Go leaves undefined, where it would corrupt its accounting (freeing another heap's span, freeSpan of a manual span, freeManual with the wrong type or of a heap span, 0 pages), gets a ModelError and changes nothing. This is the model's refusal, not a rule of Go.",
  against: 'a fingerprint of the whole heap before the call',
  modelRefusal: true,
  specFile,
  holds: (_b, _a, s) => refusalProblem(s) === undefined,
  why: (_b, _a, s) => refusalProblem(s) ?? '',
};

/** The span layer's own action properties, in catalog order. */
export const heapActionProperties: readonly Act[] = [
  spanIsWhatWasAsked,
  allocSpanUsesThePageCacheFirst,
  spansDieWhenTheirCallersFreeThem,
  callersReuseTheirSpans,
  noSpanFreedDuringGC,
  spanStateTransitionsAreLegal,
  needzeroIsSound,
  needzeroIsPrecise,
  recycledSpanKeepsSweepgen,
  misuseThrowsGosMessage,
  undefinedInputIsRefused,
];
