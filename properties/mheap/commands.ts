// One command per mheap entry point the span layer offers: alloc (as
// mcentral.grow and mcache.allocLarge call it), allocManual, freeSpan,
// freeManual; the GC phase and sweep generation; forced scavenging; an OS
// mapping that pushes the heap to a discontiguous arena; and misuse.

import fc from 'fast-check';
import { hex } from '../../model/geometry.js';
import { gcMarkTermination, gcStart } from '../../model/mgc.js';
import { sweepone } from '../../model/mgcsweep.js';
import type { MSpan } from '../../model/mspan.js';
import { class_to_allocnpages, class_to_size } from '../../model/sizeclasses.js';
import type { SpanAllocType } from '../../model/spanclass.js';
import { makeSpanClass, spanAllocHeap, spanAllocPtrScalarBits, spanAllocStack, spanAllocWorkBuf } from '../../model/spanclass.js';
import type { HeapStep } from '../../spec/mheap/world.js';
import type { CommandDef, Executed, Param } from '../harness/suite.js';
import { misuse } from './misuse.js';
import type { HeapSystem } from './world.js';

type Cmd = CommandDef<HeapSystem, HeapStep>;
type Ex = Executed<HeapStep>;

const pArg = fc.nat({ max: 7 });
const pParam: Param = { name: 'p', min: 0, max: 7, doc: 'the P that calls: this index modulo GOMAXPROCS' };

function pOf(w: HeapSystem, i: number): number {
  return i % w.h.allp.length;
}

/** Run an allocation and record the span, needzero ghost data, and its name. */
function allocate(w: HeapSystem, op: string, npages: number, typ: SpanAllocType, f: () => MSpan | null): { step: HeapStep; s: MSpan | null; name: string } {
  const zeroedBase = w.snapshot().zeroedBase;
  const heapSweepgen = w.h.sweepgen;
  const { result: s, base } = w.measure(op, f);
  if (s === null) return { step: { ...base, outOfMemory: true }, s, name: '' };
  const name = `s${w.nextSpan++}`;
  const recycledSweepgen = w.freedSweepgen.get(s) ?? null;
  w.freedSweepgen.delete(s);
  const allocated = {
    span: s.id,
    typ,
    base: s.base(),
    npages,
    needzero: s.needzero,
    handedOutBefore: w.handOut(s.base(), npages),
    aboveZeroedBase: w.aboveZeroedBase(zeroedBase, s.base(), npages),
    recycledSweepgen,
    sweepgen: s.sweepgen,
    heapSweepgen,
  };
  w.live.push({ name, span: s, typ });
  return { step: { ...base, allocated }, s, name };
}

function spanComment(s: MSpan): string {
  return `[${hex(s.base())}, +${s.npages}p) ${s.state.get()} sweepgen=${s.sweepgen} needzero=${s.needzero}`;
}

/** mcentral.grow: a span of a small size class, limit after its last whole object. */
const allocSmall: Cmd = {
  name: 'allocSmall',
  doc: "h.alloc as mcentral.grow calls it: a span for a small size class",
  weight: 5,
  params: [pParam, { name: 'sizeclass', min: 1, max: 67, doc: 'the size class (its span has class_to_allocnpages pages)' }, { name: 'noscan', min: 0, max: 1, doc: '1 noscan, 0 scan' }],
  args: fc.tuple(pArg, fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 21, max: 67 }) }), fc.nat({ max: 1 })),
  applies: () => true,
  call: (w, [p, c, ns]) => `h.alloc(${class_to_allocnpages[c!]}, spanClass(${c}, ${ns === 1 ? 'noscan' : 'scan'}))  // P${pOf(w, p!)}`,
  run(w, [p, c, ns]): Ex {
    const npages = class_to_allocnpages[c!]!;
    const pp = w.h.p(pOf(w, p!));
    const { step, s, name } = allocate(w, 'allocSmall', npages, spanAllocHeap, () => w.h.alloc(npages, makeSpanClass(c!, ns === 1), pp));
    const call = `h.alloc(${npages}, spanClass(${c}, ${ns === 1 ? 'noscan' : 'scan'}))`;
    if (s === null) return { step, go: `_ = ${call}`, comment: 'nil: out of memory' };
    // mcentral.grow: limit = base + size*n.
    s.limit = s.base() + class_to_size[c!]! * s.nelems;
    return { step, go: `${name} := ${call}`, comment: `P${pp.id}: ${spanComment(s)}` };
  },
};

/** Large-object page counts: small enough for the page cache, larger, spanning chunks, spanning arenas. */
const largePages = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 15 }) },
  { weight: 3, arbitrary: fc.integer({ min: 16, max: 200 }) },
  { weight: 2, arbitrary: fc.integer({ min: 201, max: 1300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1301, max: 6000 }) },
);

/** mcache.allocLarge: a size-class-0 span for one object, limit at the object's end. */
const allocLarge: Cmd = {
  name: 'allocLarge',
  doc: 'h.alloc as mcache.allocLarge calls it: a size-class-0 span for one large object',
  weight: 4,
  params: [
    pParam,
    { name: 'npages', min: 1, max: 16384, doc: 'pages' },
    { name: 'tail', min: 0, max: 8191, doc: 'bytes the object leaves unused in its last page (modulo the page size)' },
    { name: 'noscan', min: 0, max: 1, doc: '1 noscan, 0 scan' },
  ],
  args: fc.tuple(pArg, largePages, fc.nat({ max: 8191 }), fc.nat({ max: 1 })),
  applies: () => true,
  call: (w, [p, n, , ns]) => `h.alloc(${n}, spanClass(0, ${ns === 1 ? 'noscan' : 'scan'}))  // P${pOf(w, p!)}`,
  run(w, [p, n, tail, ns]): Ex {
    const npages = n!;
    const size = npages * w.g.pageSize - (tail! % w.g.pageSize);
    const pp = w.h.p(pOf(w, p!));
    const { step, s, name } = allocate(w, 'allocLarge', npages, spanAllocHeap, () => w.h.alloc(npages, makeSpanClass(0, ns === 1), pp));
    const call = `h.alloc(${npages}, spanClass(0, ${ns === 1 ? 'noscan' : 'scan'}))`;
    if (s === null) return { step, go: `_ = ${call}`, comment: 'nil: out of memory' };
    // allocLarge: limit = base + size.
    s.limit = s.base() + size;
    return { step, go: `${name} := ${call}`, comment: `P${pp.id}, ${size}-byte object: ${spanComment(s)}` };
  },
};

const manualTypes: SpanAllocType[] = [spanAllocStack, spanAllocStack, spanAllocWorkBuf, spanAllocPtrScalarBits];

const allocManual: Cmd = {
  name: 'allocManual',
  doc: 'h.allocManual: a manually managed span (stacks, work buffers, pointer bitmaps)',
  weight: 3,
  params: [pParam, { name: 'type', min: 0, max: manualTypes.length - 1, doc: `the allocation type: ${manualTypes.join(', ')}` }, { name: 'npages', min: 1, max: 16384, doc: 'pages' }],
  args: fc.tuple(pArg, fc.nat({ max: manualTypes.length - 1 }), fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 9, max: 300 }) })),
  applies: () => true,
  call: (w, [p, t, n]) => `h.allocManual(${n}, ${manualTypes[t!]})  // P${pOf(w, p!)}`,
  run(w, [p, t, n]): Ex {
    const typ = manualTypes[t!]!;
    const pp = w.h.p(pOf(w, p!));
    const { step, s, name } = allocate(w, 'allocManual', n!, typ, () => w.h.allocManual(n!, typ, pp));
    if (s === null) return { step, go: `_ = h.allocManual(${n}, ${typ})`, comment: 'nil: out of memory' };
    return { step, go: `${name} := h.allocManual(${n}, ${typ})`, comment: `P${pp.id}: ${spanComment(s)}` };
  },
};

/** Live heap spans sweeping may free: swept, no objects; only in _GCoff. */
function freeable(w: HeapSystem): number[] {
  if (w.h.gcphase !== '_GCoff') return [];
  return w.live.flatMap((l, i) => (l.typ === spanAllocHeap && l.span.sweepgen === w.h.sweepgen && l.span.allocCount === 0 ? [i] : []));
}

function retire(w: HeapSystem, i: number): void {
  const l = w.live[i]!;
  w.live.splice(i, 1);
  w.freed.push({ name: l.name, span: l.span });
  if (w.freed.length > 8) w.freed.shift();
  w.freedSweepgen.set(l.span, l.span.sweepgen);
}

/** freeSpan: what sweeping does with a span it finds empty. */
const free: Cmd = {
  name: 'free',
  doc: 'h.freeSpan as sweeping calls it: free an empty, swept heap span (only in _GCoff)',
  weight: 4,
  params: [{ name: 'span', min: 0, max: 63, doc: 'which freeable span: this index modulo their number, oldest first' }, pParam],
  args: fc.tuple(fc.nat({ max: 63 }), pArg),
  applies: (w) => freeable(w).length > 0,
  call: (w, [i]) => `h.freeSpan(${w.live[freeable(w)[i! % freeable(w).length]!]!.name})`,
  run(w, [i, p]): Ex {
    const c = freeable(w);
    const k = c[i! % c.length]!;
    const l = w.live[k]!;
    const pp = w.h.p(pOf(w, p!));
    const { base } = w.measure('free', () => w.h.freeSpan(l.span, pp));
    retire(w, k);
    return { step: base, go: `h.freeSpan(${l.name})`, comment: `P${pp.id}: ${l.span.state.get()}` };
  },
};

function manualLive(w: HeapSystem): number[] {
  return w.live.flatMap((l, i) => (l.typ !== spanAllocHeap ? [i] : []));
}

const freeManual: Cmd = {
  name: 'freeManual',
  doc: 'h.freeManual: free a live manual span (only in _GCoff)',
  weight: 3,
  params: [{ name: 'span', min: 0, max: 63, doc: 'which live manual span: this index modulo their number, oldest first' }, pParam],
  args: fc.tuple(fc.nat({ max: 63 }), pArg),
  applies: (w) => w.h.gcphase === '_GCoff' && manualLive(w).length > 0,
  call: (w, [i]) => `h.freeManual(${w.live[manualLive(w)[i! % manualLive(w).length]!]!.name})`,
  run(w, [i, p]): Ex {
    const c = manualLive(w);
    const k = c[i! % c.length]!;
    const l = w.live[k]!;
    const pp = w.h.p(pOf(w, p!));
    const { base } = w.measure('freeManual', () => w.h.freeManual(l.span, l.typ, pp));
    retire(w, k);
    return { step: base, go: `h.freeManual(${l.name}, ${l.typ})`, comment: `P${pp.id}: ${l.span.state.get()}` };
  },
};

const gcStartCmd: Cmd = {
  name: 'gcStart',
  doc: 'gcStart: the GC leaves _GCoff for _GCmark',
  weight: 1,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.h.gcphase === '_GCoff',
  call: () => 'gcStart()',
  run(w): Ex {
    const { base } = w.measure('gcStart', () => gcStart(w.h));
    return { step: base, go: 'gcStart()', comment: `gcphase=${w.h.gcphase}` };
  },
};

const gcMarkTerminationCmd: Cmd = {
  name: 'gcMarkTermination',
  doc: 'gcMarkTermination and gcSweep: back to _GCoff, h.sweepgen += 2',
  weight: 1,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.h.gcphase === '_GCmark',
  call: () => 'gcMarkTermination()',
  run(w): Ex {
    const { base } = w.measure('gcMarkTermination', () => gcMarkTermination(w.h));
    return { step: base, go: 'gcMarkTermination()', comment: `gcphase=${w.h.gcphase} h.sweepgen=${w.h.sweepgen}` };
  },
};

const sweep: Cmd = {
  name: 'sweep',
  doc: 'sweepone: sweep the first span that needs it',
  weight: 2,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.live.some((l) => l.typ === spanAllocHeap && l.span.sweepgen !== w.h.sweepgen),
  call: () => 'sweepone()',
  run(w): Ex {
    const { result: s, base } = w.measure('sweep', () => sweepone(w.h));
    const name = w.live.find((l) => l.span === s)?.name ?? '?';
    return { step: base, go: 'sweepone()', comment: `${name} swept: sweepgen=${s?.sweepgen}` };
  },
};

const scavengeAmounts = [1, 64, 1024, Infinity];

/** The heap's forced scavenging (debug.FreeOSMemory's scavengeAll, the memory limit). */
const scavenge: Cmd = {
  name: 'scavenge',
  doc: "the heap's forced scavenging (debug.FreeOSMemory, the memory limit)",
  weight: 1,
  params: [{ name: 'amount', min: 0, max: scavengeAmounts.length - 1, doc: `pages to release: ${scavengeAmounts.map((n) => (n === Infinity ? 'all' : String(n))).join(', ')}` }],
  args: fc.tuple(fc.nat({ max: scavengeAmounts.length - 1 })),
  applies: () => true,
  call: (_w, [k]) => `h.pages.scavenge(${scavengeAmounts[k!] === Infinity ? '^uintptr(0)' : `${scavengeAmounts[k!]}*pageSize`}, nil, true)`,
  run(w, [k]): Ex {
    const pages = scavengeAmounts[k!]!;
    const { result: released, base } = w.measure('scavenge', () => w.h.pages.scavenge(pages * w.g.pageSize, true));
    return { step: base, go: `h.pages.scavenge(${pages === Infinity ? '^uintptr(0)' : pages * w.g.pageSize}, nil, true)`, comment: `released ${released}` };
  },
};

/** Another mapping takes the address of the next arena hint: the heap must go elsewhere. */
const occupyNextHint: Cmd = {
  name: 'occupyNextHint',
  doc: 'another mapping takes the next arena hint, so the heap must grow elsewhere',
  weight: 1,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.h.arenaHints !== null,
  call: () => 'mmap(<next arena hint>)',
  run(w): Ex {
    const hint = w.h.arenaHints!;
    const at = hint.down ? hint.addr - w.g.heapArenaBytes : hint.addr;
    const { base } = w.measure('occupyNextHint', () => w.h.os.addForeign(at, w.g.heapArenaBytes));
    return { step: base, go: `mmap(${hex(at)}, heapArenaBytes)`, comment: 'someone else maps the next arena hint' };
  },
};

export const heapCommands: readonly Cmd[] = [allocSmall, allocLarge, allocManual, free, freeManual, gcStartCmd, gcMarkTerminationCmd, sweep, scavenge, occupyNextHint, misuse];
