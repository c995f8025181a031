// Misuse: calls a correct caller never makes. Each must be refused, with
// Go's throw where Go guards against it and a model error where Go does not,
// and must leave the heap exactly as it was.

import fc from 'fast-check';
import { MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import { GoThrow, ModelError } from '../../model/throw.js';
import type { SpanAllocType } from '../../model/spanclass.js';
import { makeSpanClass, spanAllocHeap, spanAllocStack, spanAllocWorkBuf } from '../../model/spanclass.js';
import { heapFingerprint } from '../../spec/mheap/fingerprint.js';
import type { HeapStep, LiveSpan } from '../../spec/mheap/world.js';
import type { CommandDef, Executed } from '../harness/suite.js';
import type { HeapSystem } from './world.js';

const invalidFree = 'throw("mheap.freeSpanLocked - invalid free")';
const invalidState = 'throw("mheap.freeSpanLocked - invalid span state")';

interface Kind {
  readonly name: string;
  /** The span it misuses, if it needs one. */
  pick(w: HeapSystem): { name: string; span: MSpan; typ?: SpanAllocType }[];
  /** The call, for printing, and what makes it misuse. */
  go(target: string): string;
  readonly note: string;
  /** What the call must produce, given the heap now (Go's throw, if Go checks, comes first). */
  want(w: HeapSystem, s: MSpan | undefined): string[];
  run(w: HeapSystem, s: MSpan | undefined): void;
}

const heapSpans = (w: HeapSystem): LiveSpan[] => w.live.filter((l) => l.typ === spanAllocHeap);
const manualSpans = (w: HeapSystem): LiveSpan[] => w.live.filter((l) => l.typ !== spanAllocHeap);
/** Go checks allocCount and sweepgen of an in-use span before anything else. */
const heapFreeWant = (w: HeapSystem, s: MSpan): string[] => (s.allocCount !== 0 || s.sweepgen !== w.h.sweepgen ? [invalidFree] : ['ModelError']);

/** A span structure of a heap other than the one under test (built lazily, once). */
let foreignSpan: MSpan | undefined;
function foreign(): MSpan {
  if (foreignSpan === undefined) {
    const other = new MHeap({});
    foreignSpan = other.alloc(1, makeSpanClass(1, true), other.p(0))!;
  }
  return foreignSpan;
}

const kinds: readonly Kind[] = [
  {
    name: 'doubleFree',
    pick: (w) => w.freed.filter((f) => f.span.state.get() === 'mSpanDead'),
    go: (t) => `h.freeSpan(${t})`,
    note: 'already freed',
    want: () => [invalidState],
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'freeUnswept',
    pick: (w) => heapSpans(w).filter((l) => l.span.sweepgen !== w.h.sweepgen),
    go: (t) => `h.freeSpan(${t})`,
    note: 'not swept',
    want: () => [invalidFree],
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'freeManualOfHeapSpan',
    pick: (w) => heapSpans(w),
    go: (t) => `h.freeManual(${t}, spanAllocStack)`,
    note: 'a heap span',
    want: (w, s) => heapFreeWant(w, s!),
    run: (w, s) => w.h.freeManual(s!, spanAllocStack, w.h.p(0)),
  },
  {
    name: 'freeSpanOfManualSpan',
    pick: (w) => manualSpans(w),
    go: (t) => `h.freeSpan(${t})`,
    note: 'a manual span',
    want: () => ['ModelError'],
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'freeManualWrongType',
    pick: (w) => manualSpans(w),
    go: (t) => `h.freeManual(${t}, <another spanAllocType>)`,
    note: 'the wrong allocation type',
    want: () => ['ModelError'],
    run: (w, s) => {
      const l = w.live.find((x) => x.span === s)!;
      w.h.freeManual(s!, l.typ === spanAllocWorkBuf ? spanAllocStack : spanAllocWorkBuf, w.h.p(0));
    },
  },
  {
    name: 'freeManualDuringGC',
    pick: (w) => (w.h.gcphase === '_GCoff' ? [] : manualSpans(w)),
    go: (t) => `h.freeManual(${t})`,
    note: 'during GC',
    want: () => ['ModelError'],
    run: (w, s) => {
      const l = w.live.find((x) => x.span === s)!;
      w.h.freeManual(s!, l.typ, w.h.p(0));
    },
  },
  {
    name: 'freeDuringGC',
    pick: (w) => (w.h.gcphase === '_GCoff' ? [] : heapSpans(w)),
    go: (t) => `h.freeSpan(${t})`,
    note: 'during GC',
    want: (w, s) => heapFreeWant(w, s!),
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'freeForeignSpan',
    pick: () => [{ name: 'otherHeapSpan', span: foreign() }],
    go: (t) => `h.freeSpan(${t})`,
    note: "another heap's span",
    want: () => ['ModelError'],
    run: (w, s) => w.h.freeSpan(s!, w.h.p(0)),
  },
  {
    name: 'allocManualHeapType',
    pick: () => [],
    go: () => 'h.allocManual(1, spanAllocHeap)',
    note: 'not a manual type',
    want: () => ['throw("manual span allocation called with non-manually-managed type")'],
    run: (w) => void w.h.allocManual(1, spanAllocHeap, w.h.p(0)),
  },
  {
    name: 'allocZeroPages',
    pick: () => [],
    go: () => 'h.alloc(0, spanClass(1, noscan))',
    note: 'zero pages',
    want: () => ['ModelError'],
    run: (w) => void w.h.alloc(0, makeSpanClass(1, true), w.h.p(0)),
  },
];

/** Kinds that can run now: those that need no span, or have one to misuse. */
function available(w: HeapSystem): Kind[] {
  return kinds.filter((k) => k.name.startsWith('alloc') || k.pick(w).length > 0);
}

export const misuse: CommandDef<HeapSystem, HeapStep> = {
  name: 'misuse',
  doc: 'a call a correct caller never makes; it must be refused and leave the heap as it was',
  weight: 2,
  params: [
    { name: 'kind', min: 0, max: kinds.length - 1, doc: `which misuse, this index modulo the kinds possible now (of ${kinds.map((k) => k.name).join(', ')})` },
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
    const before = heapFingerprint(w.h);
    let got = 'none';
    const { base } = w.measure('misuse', () => {
      try {
        kind.run(w, target?.span);
      } catch (e) {
        if (e instanceof GoThrow) got = `throw(${JSON.stringify(e.goMessage)})`;
        else if (e instanceof ModelError) got = 'ModelError';
        else throw e;
      }
    });
    const unchanged = heapFingerprint(w.h) === before;
    return {
      step: { ...base, refused: { kind: kind.name, got, want, unchanged } },
      go: kind.go(target?.name ?? ''),
      comment: `misuse (${kind.note}): ${got === 'none' ? 'accepted' : got}${unchanged ? '' : ', and the heap changed'}`,
    };
  },
};
