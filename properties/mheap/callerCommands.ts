// The manual-span callers, one command per Go entry point: stackalloc and
// stackfree (stack.go), getempty, putempty and freeSomeWbufs (mgcwork.go),
// materializeGCProg and dematerializeGCProg (mbitmap.go). Each runs on the
// model, and the spec's account of the callers (spec/mheap/callers.ts) says
// which span the stack or buffer must come from and which spans must die.

import fc from 'fast-check';
import { hex } from '../../model/geometry.js';
import { dematerializeGCProg, materializeGCProg } from '../../model/mbitmap_gcprog.js';
import { freeSomeWbufs, getempty, putempty } from '../../model/mgcwork.js';
import type { MSpan } from '../../model/mspan.js';
import { stackalloc, stackfree } from '../../model/stack.js';
import type { Stack } from '../../model/stack.js';
import { GoThrow } from '../../model/throw.js';
import { AbstractStacks, STACK_CACHE_SIZE, WORKBUF_ALLOC } from '../../spec/mheap/callers.js';
import type { StackPlan, WorkbufPlan } from '../../spec/mheap/callers.js';
import type { ManualType } from '../../spec/mheap/spanHeap.js';
import type { Allocated, HeapStep, Placed } from '../../spec/mheap/world.js';
import type { CommandDef, Executed, Param } from '../harness/suite.js';
import type { HeapSystem, MeasuredStep } from './world.js';
import { pagesOf } from '../../spec/format.js';

type Cmd = CommandDef<HeapSystem, HeapStep>;
type Ex = Executed<HeapStep>;

const pArg = fc.nat({ max: 7 });
const pParam: Param = { name: 'p', min: 0, max: 7, doc: 'the P that calls: this index modulo GOMAXPROCS' };
const pOf = (w: HeapSystem, i: number): number => i % w.h.allp.length;

/** Stack sizes: the four stack pool orders, then large stacks of 4 to 128 pages. */
const stackSizes = [2048, 2048, 4096, 8192, 16384, 32768, 65536, 262144, 1048576];

/** The span the model published in the step, if exactly one (its state went from mSpanDead to live). */
function born(base: MeasuredStep): MSpan[] {
  return base.transitions.filter((t) => t.from === 'mSpanDead' && t.to !== 'mSpanDead').map((t) => t.span);
}

/**
 * Record a caller's allocation: a span it had to make (want pages of typ),
 * where the thing it returned lies, against the spec's plan.
 */
function placeManual(w: HeapSystem, base: MeasuredStep, p: number, sweepgen: number, call: string, wantSpan: number | 'new', wantPages: number, typ: ManualType, addr: number, size: number): { allocated?: Allocated; placed: Placed } {
  const births = born(base);
  let allocated: Allocated | undefined;
  if (births.length > 0) allocated = w.allocated(births[0]!, { npages: wantPages, kind: { heap: false, typ } }, p, sweepgen);
  const page = Math.floor((addr - w.g.arenaBaseOffset) / w.g.pageSize);
  const owner = w.spec.ownerOf(page);
  const gotSpan = allocated !== undefined && owner === allocated.id ? 'new' : owner > 0 ? owner : 'none';
  const span = owner > 0 ? w.spec.span(owner) : undefined;
  // The whole object lies in the span.
  const inside = span !== undefined && addr + size <= (span.basePage + span.npages) * w.g.pageSize + w.g.arenaBaseOffset;
  const placed: Placed = { call, wantSpan, gotSpan, births: births.length, inside };
  return allocated === undefined ? { placed } : { allocated, placed };
}

/** A GoThrow("out of memory") from a caller: Go's program dies there; the run goes on without the allocation. */
function outOfMemory(f: () => void): boolean {
  try {
    f();
    return false;
  } catch (e) {
    if (e instanceof GoThrow && e.goMessage === 'out of memory') return true;
    throw e;
  }
}

const oomComment = 'fatal error: out of memory (a real program dies here; the run goes on without it)';

const stackallocCmd: Cmd = {
  name: 'stackalloc',
  doc: "stackalloc: a goroutine stack, from the P's stack cache, the stack pools or a large-stack span",
  weight: 3,
  params: [pParam, { name: 'size', min: 0, max: stackSizes.length - 1, doc: `the stack size: ${stackSizes.join(', ')} bytes` }],
  args: fc.tuple(pArg, fc.nat({ max: stackSizes.length - 1 })),
  applies: () => true,
  call: (w, [p, k]) => `stackalloc(${stackSizes[k!]})  // P${pOf(w, p!)}`,
  run(w, [p, k]): Ex {
    const n = stackSizes[k!]!;
    const pi = pOf(w, p!);
    const plan: StackPlan = w.stacks.plan(n, w.g.pageSize);
    const sweepgen = w.h.sweepgen;
    let stk: Stack | undefined;
    const { result: oom, base } = w.measure('stackalloc', pi, () => outOfMemory(() => (stk = stackalloc(w.h, n, w.h.p(pi)))));
    if (oom) return { step: { ...base, outOfMemory: true }, go: `_ = stackalloc(${n})`, comment: `P${pi}: ${oomComment}` };
    const wantPages = AbstractStacks.isSmall(n) ? STACK_CACHE_SIZE / w.g.pageSize : n / w.g.pageSize;
    const wantSpan = 'span' in plan ? plan.span : 'new';
    const { allocated, placed } = placeManual(w, base, pi, sweepgen, `stackalloc(${n})`, wantSpan, wantPages, 'spanAllocStack', stk!.lo, n);
    const span = w.spec.ownerOf(Math.floor((stk!.lo - w.g.arenaBaseOffset) / w.g.pageSize));
    if (span > 0) w.stacks.allocated(n, span, w.g.pageSize);
    const name = `stk${w.nextStack++}`;
    w.liveStacks.push({ name, stk: stk!, span });
    const step: HeapStep = { ...base, placed, ...(allocated === undefined ? {} : { allocated }), stackBytes: { want: n, got: stk!.hi - stk!.lo } };
    const where = allocated !== undefined ? `a new stack span ${w.nameOf(allocated.id)} [${hex(allocated.got.base)}, +${pagesOf(allocated.got.npages)})` : `stack span ${w.nameOf(span)}`;
    return { step, go: `${name} := stackalloc(${n})`, comment: `P${pi}: ${name} = [${hex(stk!.lo)}, ${hex(stk!.hi)}) in ${where}` };
  },
};

const stackfreeCmd: Cmd = {
  name: 'stackfree',
  doc: 'stackfree: give a live stack back',
  weight: 3,
  params: [{ name: 'stack', min: 0, max: 63, doc: 'which live stack: this index modulo their number, oldest first' }, pParam],
  args: fc.tuple(fc.nat({ max: 63 }), pArg),
  applies: (w) => w.liveStacks.length > 0,
  call: (w, [i]) => `stackfree(${w.liveStacks[i! % w.liveStacks.length]!.name})`,
  run(w, [i, p]): Ex {
    const k = i! % w.liveStacks.length;
    const st = w.liveStacks[k]!;
    const pi = pOf(w, p!);
    const n = st.stk.hi - st.stk.lo;
    const gcoff = w.h.gcphase === '_GCoff';
    const dying = w.stacks.freed(n, st.span, gcoff);
    const { base } = w.measure('stackfree', pi, () => stackfree(w.h, st.stk, w.h.p(pi)), dying);
    w.liveStacks.splice(k, 1);
    const fate = dying.length > 0 ? `${w.nameOf(st.span)} back to the heap` : AbstractStacks.isSmall(n) ? `${w.nameOf(st.span)} stays in the stack pool` : `${w.nameOf(st.span)} waits in stackLarge until mark termination`;
    return { step: base, go: `stackfree(${st.name})`, comment: `P${pi}, ${w.h.gcphase}: ${fate}` };
  },
};

const getemptyCmd: Cmd = {
  name: 'getempty',
  doc: 'getempty: take an empty GC work buffer (allocating a span of them when none is free)',
  weight: 2,
  params: [pParam],
  args: fc.tuple(pArg),
  applies: (w) => w.heldBuffers.length < 40,
  call: () => 'getempty()',
  run(w, [p]): Ex {
    const pi = pOf(w, p!);
    const plan: WorkbufPlan = w.workbufs.plan(w.g.pageSize);
    const sweepgen = w.h.sweepgen;
    let b = 0;
    const { result: oom, base } = w.measure('getempty', pi, () => outOfMemory(() => (b = getempty(w.h, w.h.p(pi)))));
    if (oom) return { step: { ...base, outOfMemory: true }, go: '_ = getempty()', comment: `P${pi}: ${oomComment}` };
    const planSpan = 'buffer' in plan ? w.spec.ownerOf(Math.floor((plan.buffer - w.g.arenaBaseOffset) / w.g.pageSize)) : 'span' in plan ? plan.span : ('new' as const);
    const { allocated, placed } = placeManual(w, base, pi, sweepgen, 'getempty()', planSpan, WORKBUF_ALLOC / w.g.pageSize, 'spanAllocWorkBuf', b, 2048);
    const fromBuffer = 'buffer' in plan ? { buffer: { want: plan.buffer, got: b } } : {};
    const span = w.spec.ownerOf(Math.floor((b - w.g.arenaBaseOffset) / w.g.pageSize));
    const spanBase = span > 0 ? w.spec.span(span)!.basePage * w.g.pageSize + w.g.arenaBaseOffset : 0;
    w.workbufs.took(plan, span, spanBase);
    const name = `wb${w.nextBuffer++}`;
    w.heldBuffers.push({ name, addr: b });
    const step: HeapStep = { ...base, placed, ...fromBuffer, ...(allocated === undefined ? {} : { allocated }) };
    const from = 'buffer' in plan ? 'work.empty' : allocated !== undefined ? `a new work buffer span ${w.nameOf(allocated.id)}` : `free work buffer span ${w.nameOf(span)}`;
    return { step, go: `${name} := getempty()`, comment: `P${pi}: ${name} = ${hex(b)} from ${from}` };
  },
};

const putemptyCmd: Cmd = {
  name: 'putempty',
  doc: 'putempty: give a held work buffer back to the empty list',
  weight: 1,
  params: [{ name: 'buffer', min: 0, max: 63, doc: 'which held work buffer: this index modulo their number, oldest first' }],
  args: fc.tuple(fc.nat({ max: 63 })),
  applies: (w) => w.heldBuffers.length > 0,
  call: (w, [i]) => `putempty(${w.heldBuffers[i! % w.heldBuffers.length]!.name})`,
  run(w, [i]): Ex {
    const k = i! % w.heldBuffers.length;
    const b = w.heldBuffers[k]!;
    const { base } = w.measure('putempty', null, () => putempty(w.h, b.addr));
    w.heldBuffers.splice(k, 1);
    w.workbufs.putempty(b.addr);
    return { step: base, go: `putempty(${b.name})`, comment: 'on work.empty' };
  },
};

const freeSomeWbufsCmd: Cmd = {
  name: 'freeSomeWbufs',
  doc: "freeSomeWbufs: free the work-buffer spans on the free list (the background sweeper's call)",
  weight: 1,
  params: [pParam],
  args: fc.tuple(pArg),
  applies: () => true,
  call: () => 'freeSomeWbufs(true)',
  run(w, [p]): Ex {
    const pi = pOf(w, p!);
    const dying = w.workbufs.freeSomeWbufs(w.h.gcphase === '_GCoff');
    const { result: more, base } = w.measure('freeSomeWbufs', pi, () => freeSomeWbufs(w.h, w.h.p(pi)), dying);
    return { step: base, go: 'freeSomeWbufs(true)', comment: `P${pi}, as the background sweeper does: freed ${dying.length === 0 ? 'nothing' : dying.map((id) => w.nameOf(id)).join(', ')}${more ? ', more left' : ''}` };
  },
};

const ptrdataSizes = [64, 4096, 600_000, 5_000_000];

const materializeGCProgCmd: Cmd = {
  name: 'materializeGCProg',
  doc: "materializeGCProg: a manual span for a GC program's pointer bitmap",
  weight: 1,
  params: [pParam, { name: 'ptrdata', min: 0, max: ptrdataSizes.length - 1, doc: `the type's pointer data: ${ptrdataSizes.join(', ')} bytes` }],
  args: fc.tuple(pArg, fc.nat({ max: ptrdataSizes.length - 1 })),
  applies: () => true,
  call: (_w, [, k]) => `materializeGCProg(${ptrdataSizes[k!]}, prog)`,
  run(w, [p, k]): Ex {
    const pi = pOf(w, p!);
    const ptrdata = ptrdataSizes[k!]!;
    const sweepgen = w.h.sweepgen;
    const { result: s, base } = w.measure('materializeGCProg', pi, () => materializeGCProg(w.h, ptrdata, w.h.p(pi)));
    if (s === null) return { step: { ...base, outOfMemory: true }, go: `_ = materializeGCProg(${ptrdata}, prog)`, comment: `P${pi}: nil, out of memory` };
    const pages = Math.ceil(Math.ceil(ptrdata / 64) / w.g.pageSize);
    const allocated = w.allocated(s, { npages: pages, kind: { heap: false, typ: 'spanAllocPtrScalarBits' } }, pi, sweepgen);
    w.gcProgSpans.push(allocated.id);
    return { step: { ...base, allocated }, go: `${w.nameOf(allocated.id)} := materializeGCProg(${ptrdata}, prog)`, comment: `P${pi}, as scanstack does for a stack object with a GC program: [${hex(s.base())}, +${pagesOf(s.npages)})` };
  },
};

const dematerializeGCProgCmd: Cmd = {
  name: 'dematerializeGCProg',
  doc: "dematerializeGCProg: free a GC program's bitmap span",
  weight: 1,
  params: [{ name: 'span', min: 0, max: 63, doc: "which live bitmap span: this index modulo their number, oldest first" }, pParam],
  args: fc.tuple(fc.nat({ max: 63 }), pArg),
  applies: (w) => w.gcProgSpans.length > 0,
  call: (w, [i]) => `dematerializeGCProg(${w.nameOf(w.gcProgSpans[i! % w.gcProgSpans.length]!)})`,
  run(w, [i, p]): Ex {
    const k = i! % w.gcProgSpans.length;
    const id = w.gcProgSpans[k]!;
    const pi = pOf(w, p!);
    const s = w.handles.get(id)!;
    const { base } = w.measure('dematerializeGCProg', pi, () => dematerializeGCProg(w.h, s, w.h.p(pi)), [id]);
    w.gcProgSpans.splice(k, 1);
    return { step: base, go: `dematerializeGCProg(${w.nameOf(id)})`, comment: `P${pi}, ${w.h.gcphase}: ${s.state.get()}` };
  },
};

export const callerCommands: readonly Cmd[] = [stackallocCmd, stackfreeCmd, getemptyCmd, putemptyCmd, freeSomeWbufsCmd, materializeGCProgCmd, dematerializeGCProgCmd];

/** freeStackSpans at mark termination: the stack spans that die, per the spec. */
export function stackSpansDying(w: HeapSystem): number[] {
  return w.stacks.freeStackSpans();
}
