// One command per mheap entry point the span layer offers, called as its
// Go callers call it: alloc (as mcentral.grow and mcache.allocLarge do; the
// sweeper frees heap spans, with sweepone and at gcStart), the GC phase and
// sweep generation, forced scavenging, and the OS mappings that push the
// heap to other arenas. The
// manual-span callers (stacks, work buffers, GC programs) are in
// callerCommands.ts; misuse in misuse.ts.

import fc from 'fast-check';
import { hex } from '../../model/geometry.js';
import { gcMarkTermination, gcStart } from '../../model/mgc.js';
import { sweepone } from '../../model/mgcsweep.js';
import type { MSpan } from '../../model/mspan.js';
import { class_to_allocnpages, class_to_size } from '../../model/sizeclasses.js';
import { makeSpanClass } from '../../model/spanclass.js';
import { kindGo } from '../../spec/mheap/spanHeap.js';
import type { SpanKind } from '../../spec/mheap/spanHeap.js';
import type { HeapStep } from '../../spec/mheap/world.js';
import type { CommandDef, Executed, Param } from '../harness/suite.js';
import { callerCommands, stackSpansDying } from './callerCommands.js';
import { misuse } from './misuse.js';
import type { HeapSystem } from './world.js';
import { pagesOf } from '../../spec/format.js';

type Cmd = CommandDef<HeapSystem, HeapStep>;
type Ex = Executed<HeapStep>;

export const pArg = fc.nat({ max: 7 });
export const pParam: Param = { name: 'p', min: 0, max: 7, doc: 'the P that calls: this index modulo GOMAXPROCS' };

export function pOf(w: HeapSystem, i: number): number {
  return i % w.h.allp.length;
}

/** A span for a trace comment: [0xc000000000, +3 pages) mSpanInUse sweepgen=0 needzero=0. */
export function spanComment(s: MSpan): string {
  return `[${hex(s.base())}, +${pagesOf(s.npages)}) ${s.state.get()} sweepgen=${s.sweepgen} needzero=${s.needzero}`;
}

/** Allocate a heap span on P p the way its Go caller does, which then sets the span's limit limitBytes past its base. */
function allocHeap(w: HeapSystem, op: string, p: number, npages: number, kind: Extract<SpanKind, { heap: true }>, limitBytes: number): { step: HeapStep; s: MSpan | null; id: number } {
  const pp = w.h.p(p);
  const sweepgen = w.h.sweepgen;
  const { result: s, base } = w.measure(op, p, () => w.h.alloc(npages, makeSpanClass(kind.sizeclass, kind.noscan), pp));
  if (s === null) return { step: { ...base, outOfMemory: true }, s, id: 0 };
  const old = w.freedStructures.get(s);
  const allocated = w.allocated(s, { npages, kind }, p, sweepgen);
  s.limit = s.base() + limitBytes;
  w.limits.set(allocated.id, limitBytes);
  w.heapSpans.push(allocated.id);
  // Where Go's callers leave it for the sweeper: a large span on its mcentral's full swept set
  // (mcache.allocLarge); a small one, which this suite gives no objects, on the partial swept set.
  const c = w.h.central[s.spanclass]!;
  (kind.sizeclass === 0 ? c.fullSwept(w.h.sweepgen) : c.partialSwept(w.h.sweepgen)).push(s);
  return { step: { ...base, allocated, staleSpansEntry: w.staleEntryAfter(s, old) }, s, id: allocated.id };
}

/** mcentral.grow: a span of a small size class, limit after its last whole object. */
const allocSmall: Cmd = {
  name: 'allocSmall',
  doc: 'h.alloc as mcentral.grow calls it: a span for a small size class',
  weight: 5,
  params: [pParam, { name: 'sizeclass', min: 1, max: 67, doc: 'the size class (its span has class_to_allocnpages pages)' }, { name: 'noscan', min: 0, max: 1, doc: '1 noscan, 0 scan' }],
  args: fc.tuple(pArg, fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 21, max: 67 }) }), fc.nat({ max: 1 })),
  applies: () => true,
  call: (w, [p, c, ns]) => `h.alloc(${class_to_allocnpages[c!]}, makeSpanClass(${c}, ${ns === 1}))  // P${pOf(w, p!)}`,
  run(w, [p, c, ns]): Ex {
    const npages = class_to_allocnpages[c!]!;
    const kind = { heap: true, sizeclass: c!, noscan: ns === 1 } as const;
    const pi = pOf(w, p!);
    // mcentral.grow sets the limit after the last whole object.
    const size = class_to_size[c!]!;
    const { step, s, id } = allocHeap(w, 'allocSmall', pi, npages, kind, size * Math.floor((npages * w.g.pageSize) / size));
    const call = `h.alloc(${npages}, ${kindGo(kind)})`;
    if (s === null) return { step, go: `_ = ${call}`, comment: `P${pi}: nil, out of memory` };
    return { step, go: `${w.nameOf(id)} := ${call}`, comment: `P${pi}, for mcentral.grow: ${spanComment(s)}` };
  },
};

/** Large-object page counts: small enough for the page cache, larger, spanning chunks, spanning arenas. */
function largePages(w: { arenaPages: number }): fc.Arbitrary<number> {
  const a = w.arenaPages;
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 15 }) },
    { weight: 3, arbitrary: fc.integer({ min: 16, max: 200 }) },
    { weight: 2, arbitrary: fc.integer({ min: 201, max: Math.max(202, Math.floor(a / 6)) }) },
    { weight: 1, arbitrary: fc.integer({ min: Math.floor(a / 6) + 1, max: Math.floor((3 * a) / 4) }) },
  );
}

/** mcache.allocLarge: a size-class-0 span for one object, limit at the object's end. */
function allocLarge(arenaPages: number): Cmd {
  return {
    name: 'allocLarge',
    doc: 'h.alloc as mcache.allocLarge calls it: a size-class-0 span for one large object',
    weight: 4,
    params: [
      pParam,
      { name: 'npages', min: 1, max: Math.max(202, 2 * arenaPages), doc: 'pages' },
      { name: 'tail', min: 0, max: 8191, doc: 'bytes the object leaves unused in its last page (modulo the page size)' },
      { name: 'noscan', min: 0, max: 1, doc: '1 noscan, 0 scan' },
    ],
    args: fc.tuple(pArg, largePages({ arenaPages }), fc.nat({ max: 8191 }), fc.nat({ max: 1 })),
    applies: () => true,
    call: (w, [p, n, , ns]) => `h.alloc(${n}, makeSpanClass(0, ${ns === 1}))  // P${pOf(w, p!)}`,
    run(w, [p, n, tail, ns]): Ex {
      const npages = n!;
      const size = npages * w.g.pageSize - (tail! % w.g.pageSize);
      const kind = { heap: true, sizeclass: 0, noscan: ns === 1 } as const;
      const pi = pOf(w, p!);
      // allocLarge sets the limit at the object's end; mallocgc then takes its one object.
      const { step, s, id } = allocHeap(w, 'allocLarge', pi, npages, kind, size);
      if (s !== null) {
        s.freeindex = 1;
        s.allocCount = 1;
        s.freeIndexForScan = 1;
        w.spec.addObject(id, 0);
      }
      const call = `h.alloc(${npages}, ${kindGo(kind)})`;
      if (s === null) return { step, go: `_ = ${call}`, comment: `P${pi}: nil, out of memory` };
      return { step, go: `${w.nameOf(id)} := ${call}`, comment: `P${pi}, for mcache.allocLarge of a ${size}-byte object: ${spanComment(s)}` };
    },
  };
}

const gcStartCmd: Cmd = {
  name: 'gcStart',
  doc: 'gcStart: the GC leaves _GCoff for _GCmark',
  weight: 1,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.h.gcphase === '_GCoff',
  call: () => 'gcStart()',
  run(w): Ex {
    const { base } = w.measure('gcStart', null, () => gcStart(w.h));
    return { step: base, go: 'gcStart()', comment: `gcphase=${w.h.gcphase}` };
  },
};

/** gcMarkTermination on P p, with the Ps of idle (a bit mask) parked by the scheduler. */
const gcMarkTerminationCmd: Cmd = {
  name: 'gcMarkTermination',
  doc: 'gcMarkTermination and gcSweep on a P: back to _GCoff, h.sweepgen += 2; the stacks the cycle kept alive die',
  weight: 1,
  params: [pParam, { name: 'idle', min: 0, max: 7, doc: 'a bit mask of Ps the scheduler has parked (never the one ending the cycle): their page caches are flushed' }],
  args: fc.tuple(pArg, fc.nat({ max: 7 })),
  applies: (w) => w.h.gcphase === '_GCmark',
  call: () => 'gcMarkTermination()',
  run(w, [p, idle]): Ex {
    const h = w.h;
    const pi = pOf(w, p!);
    // As the scheduler would: park the Ps of the mask (never the one ending the cycle).
    const parked = h.allp.filter((x) => x.id !== pi && (idle! >> x.id) & 1);
    for (const x of parked) x.status = '_Pidle';
    const withPages = parked.filter((x) => !x.pcache.empty()).length;
    // The spans the cycle kept alive die now: stacks (freeStackSpans); work buffers only become free.
    const dying = stackSpansDying(w);
    w.workbufs.prepareFreeWorkbufs();
    w.heldBuffers = [];
    const { base } = w.measure('gcMarkTermination', pi, () => gcMarkTermination(h, h.p(pi)), dying);
    for (const x of parked) x.status = '_Prunning';
    const died = base.died;
    const idleNote = parked.length === 0 ? '' : `; P${parked.map((x) => x.id).join(', P')} idle, their page caches flushed`;
    const freedNote = died!.want.length === 0 ? '' : `; freed ${died!.want.map((id) => w.nameOf(id)).join(', ')}`;
    return { step: { ...base, flushedIdle: withPages }, go: 'gcMarkTermination()', comment: `P${pi}: gcphase=${h.gcphase} h.sweepgen=${h.sweepgen}${idleNote}${freedNote}` };
  },
};

const sweep: Cmd = {
  name: 'sweep',
  doc: 'sweepone: sweep the first span that needs it, as the background sweeper does',
  weight: 2,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.heapSpans.some((id) => w.handles.get(id)!.sweepgen !== w.h.sweepgen),
  call: () => 'sweepone()',
  run(w): Ex {
    const { result: npages, base } = w.measure('sweep', null, () => sweepone(w.h));
    const what = base.swept!.length === 0 ? 'nothing to sweep' : `${w.nameOf(base.swept![0]!.id)} swept${npages > 0 ? `, freed (${pagesOf(npages)})` : ''}`;
    return { step: base, go: 'sweepone()', comment: `as the background sweeper does: ${what}` };
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
    const { result: released, base } = w.measure('scavenge', null, () => w.h.pages.scavenge(pages * w.g.pageSize, true));
    const arg = pages === Infinity ? '^uintptr(0)' : `${pages}*pageSize`;
    return { step: base, go: `h.pages.scavenge(${arg}, nil, true)`, comment: `as debug.FreeOSMemory does: released ${released / w.g.pageSize} pages` };
  },
};

/** Another mapping takes the address of the next arena hint: the heap must go elsewhere. */
const occupyNextHint: Cmd = {
  name: 'occupyNextHint',
  doc: 'another mapping takes the address of the next arena hint, so the heap must grow elsewhere',
  weight: 1,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.h.arenaHints !== null,
  call: () => 'mmap(<next arena hint>)',
  run(w): Ex {
    const hint = w.h.arenaHints!;
    const at = hint.down ? hint.addr - w.g.heapArenaBytes : hint.addr;
    const { base } = w.measure('occupyNextHint', null, () => w.h.os.addForeign(at, w.g.heapArenaBytes));
    return { step: base, go: `mmap(${hex(at)}, heapArenaBytes)`, comment: 'as another library might: it maps the address of the next arena hint' };
  },
};

/** Another library maps a few physical pages wherever the kernel puts them: later placements move, and need not be arena-aligned. */
const mmapAnywhere: Cmd = {
  name: 'mmapAnywhere',
  doc: 'another library maps a few physical pages wherever the kernel puts them',
  weight: 1,
  params: [{ name: 'physPages', min: 1, max: 40, doc: 'physical pages it maps' }],
  args: fc.tuple(fc.integer({ min: 1, max: 40 })),
  applies: () => true,
  call: (w, [n]) => `mmap(nil, ${n! * w.g.physPageSize})`,
  run(w, [n]): Ex {
    const bytes = n! * w.g.physPageSize;
    const { result: at, base } = w.measure('mmapAnywhere', null, () => w.h.os.mmapAnywhere(bytes));
    return { step: base, go: `mmap(nil, ${bytes})`, comment: `as another library might: the kernel places it at ${at === 0 ? 'nowhere (no room)' : hex(at)}` };
  },
};

/** The heap suite's commands, for a geometry with arenaPages pages per arena. */
export function heapCommands(arenaPages: number): Cmd[] {
  return [allocSmall, allocLarge(arenaPages), ...callerCommands, gcStartCmd, gcMarkTerminationCmd, sweep, scavenge, occupyNextHint, mmapAnywhere, misuse];
}
