// Misuse: calls a correct caller never makes. Where Go guards against one,
// it must throw Go's message; where Go leaves the input undefined (it would
// corrupt its accounting), the model refuses it with a ModelError. Either
// way the heap must be exactly as it was.

import fc from 'fast-check';
import { hex } from '../../model/geometry.js';
import { MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import { stackalloc, stackfree } from '../../model/stack.js';
import { GoThrow, ModelError } from '../../model/throw.js';
import { makeSpanClass, spanAllocStack, spanAllocWorkBuf } from '../../model/spanclass.js';
import { heapImage } from '../../spec/mheap/fingerprint.js';
import { StateImage } from '../../spec/hasher.js';
import type { HeapStep } from '../../spec/mheap/world.js';
import type { CommandDef, Executed } from '../harness/suite.js';
import type { HeapSystem } from './world.js';
import { pagesOf } from '../../spec/format.js';

const invalidFree = 'throw("mheap.freeSpanLocked - invalid free")';
const invalidState = 'throw("mheap.freeSpanLocked - invalid span state")';
const invalidStackFree = 'throw("mheap.freeSpanLocked - invalid stack free")';

interface Target {
  readonly name: string;
  readonly span: MSpan;
}

interface Kind {
  readonly name: string;
  /** The spans it may misuse (none: it needs none). */
  pick(w: HeapSystem): Target[];
  /** The Go call, for printing. */
  go(target: string): string;
  readonly note: string;
  /** What the call must produce, given the heap now: Go's throw where Go checks (its checks come first), else 'ModelError'. */
  want(w: HeapSystem, s: MSpan | undefined): string;
  run(w: HeapSystem, s: MSpan | undefined): void;
}

const heapTargets = (w: HeapSystem): Target[] => w.heapSpans.map((id) => ({ name: w.nameOf(id), span: w.handles.get(id)! }));
const manualTargets = (w: HeapSystem): Target[] =>
  [...w.spec.spans()].filter((s) => !s.kind.heap).map((s) => ({ name: w.nameOf(s.id), span: w.handles.get(s.id)! }));
/** Go checks allocCount and sweepgen of an in-use span before anything else. */
const heapFreeWant = (w: HeapSystem, s: MSpan): string => (s.allocCount !== 0 || s.sweepgen !== w.h.sweepgen ? invalidFree : 'ModelError');
/** And the allocCount of a manual span (stacks in use in a stack pool span). */
const manualFreeWant = (s: MSpan): string => (s.allocCount !== 0 ? invalidStackFree : 'ModelError');
const typeOf = (w: HeapSystem, s: MSpan): string => {
  const id = w.specId(s);
  const k = id === undefined ? undefined : w.spec.span(id)?.kind;
  return k === undefined || k.heap ? 'spanAllocHeap' : k.typ;
};

/** A span structure of a heap other than the one under test (built lazily, once). */
let foreignSpan: MSpan | undefined;
function foreign(): MSpan {
  if (foreignSpan === undefined) {
    const other = new MHeap({});
    foreignSpan = other.alloc(1, makeSpanClass(1, true), other.p(0))!;
  }
  return foreignSpan;
}

const none = (): Target[] => [];

const kinds: readonly Kind[] = [
  {
    name: 'doubleFree',
    pick: (w) => w.freed.filter((f) => f.span.state.get() === 'mSpanDead'),
    go: (t) => `h.freeSpan(${t})`,
    note: 'already freed',
    want: () => invalidState,
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'freeUnswept',
    pick: (w) => heapTargets(w).filter((t) => t.span.sweepgen !== w.h.sweepgen),
    go: (t) => `h.freeSpan(${t})`,
    note: 'not swept',
    want: () => invalidFree,
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'freeManualOfHeapSpan',
    pick: heapTargets,
    go: (t) => `h.freeManual(${t}, spanAllocStack)`,
    note: 'a heap span',
    want: (w, s) => heapFreeWant(w, s!),
    run: (w, s) => w.h.freeManual(s!, spanAllocStack, w.h.p(0)),
  },
  {
    name: 'freeSpanOfManualSpan',
    pick: manualTargets,
    go: (t) => `h.freeSpan(${t})`,
    note: 'a manual span',
    want: (_w, s) => manualFreeWant(s!),
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'freeManualWrongType',
    pick: manualTargets,
    go: (t) => `h.freeManual(${t}, <another spanAllocType>)`,
    note: 'the wrong allocation type',
    want: (_w, s) => manualFreeWant(s!),
    run: (w, s) => w.h.freeManual(s!, typeOf(w, s!) === spanAllocWorkBuf ? spanAllocStack : spanAllocWorkBuf, w.h.p(0)),
  },
  {
    name: 'freeForeignSpan',
    pick: () => [{ name: 'otherHeapSpan', span: foreign() }],
    go: (t) => `h.freeSpan(${t})`,
    note: "another heap's span",
    want: () => 'ModelError',
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'stackfreeOfHeapSpan',
    pick: (w) => heapTargets(w).filter((t) => t.span.npages >= 4),
    go: (t) => `stackfree(stack{${t}.base(), ${t}.base()+32768})`,
    note: 'not a stack span',
    want: () => 'throw("bad span state")',
    run: (w, s) => stackfree(w.h, { lo: s!.base(), hi: s!.base() + 32768 }, w.h.p(0)),
  },
  {
    name: 'stackallocNotPowerOf2',
    pick: none,
    go: () => 'stackalloc(24576)',
    note: 'not a power of 2',
    want: () => 'throw("stack size not a power of 2")',
    run: (w) => void stackalloc(w.h, 24576, w.h.p(0)),
  },
  {
    name: 'allocManualHeapType',
    pick: none,
    go: () => 'h.allocManual(1, spanAllocHeap)',
    note: 'not a manual type',
    want: () => 'throw("manual span allocation called with non-manually-managed type")',
    run: (w) => void w.h.allocManual(1, 'spanAllocHeap', w.h.p(0)),
  },
  {
    name: 'allocZeroPages',
    pick: none,
    go: () => 'h.alloc(0, makeSpanClass(1, true))',
    note: 'zero pages',
    want: () => 'ModelError',
    run: (w) => void w.h.alloc(0, makeSpanClass(1, true), w.h.p(0)),
  },
];

/** The kinds of misuse and whether Go guards each (the coverage report's rows). */
export const misuseKinds: readonly string[] = kinds.map((k) => k.name);

/** Kinds that can run now: those that need no span, or have one to misuse. */
function available(w: HeapSystem): Kind[] {
  return kinds.filter((k) => k.pick === none || k.pick(w).length > 0);
}

/**
 * Two images, reused from one misuse to the next in any world (a misuse
 * runs to its end before another starts): a new world's images would
 * otherwise copy the whole heap afresh.
 */
const imageBuffers: [StateImage, StateImage] = [new StateImage(), new StateImage()];

export const misuse: CommandDef<HeapSystem, HeapStep> = {
  name: 'misuse',
  doc: 'a call a correct caller never makes; it must be refused and leave the heap as it was',
  weight: 1,
  params: [
    { name: 'kind', min: 0, max: kinds.length - 1, doc: `which misuse: this index modulo the kinds possible now (of ${kinds.map((k) => k.name).join(', ')})` },
    { name: 'target', min: 0, max: 63, doc: 'which span it misuses: this index modulo the candidates' },
  ],
  args: fc.tuple(fc.nat({ max: kinds.length - 1 }), fc.nat({ max: 63 })),
  applies: () => true,
  call: (w, [k]) => available(w)[k! % available(w).length]!.go('s'),
  run(w, [k, i]): Executed<HeapStep> {
    const kind = available(w)[k! % available(w).length]!;
    const targets = kind.pick(w);
    const target = targets.length === 0 ? undefined : targets[i! % targets.length]!;
    const want = kind.want(w, target?.span);
    const [beforeBuf, afterBuf] = imageBuffers;
    const before = heapImage(w.h, beforeBuf);
    let got = 'none';
    const { base } = w.measure('misuse', 0, () => {
      try {
        kind.run(w, target?.span);
      } catch (e) {
        if (e instanceof GoThrow) got = `throw(${JSON.stringify(e.goMessage)})`;
        else if (e instanceof ModelError) got = 'ModelError';
        else throw e;
      }
    });
    const unchanged = heapImage(w.h, afterBuf).equals(before);
    const at = target === undefined ? '' : ` (${target.name} = [${hex(target.span.base())}, +${pagesOf(target.span.npages)}))`;
    return {
      step: { ...base, refused: { kind: kind.name, got, want, unchanged } },
      go: kind.go(target?.name ?? ''),
      comment: `misuse, ${kind.note}${at}: ${got === 'none' ? 'accepted' : got}${unchanged ? '' : ', and the heap changed'}`,
    };
  },
};
