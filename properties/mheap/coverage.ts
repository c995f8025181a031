// The mheap suite's coverage (coverage.md): which span states each command
// met, the sweep generations of in-use spans (Go's table on mspan.sweepgen),
// every transition of the span-state machine by GC phase, and how each
// misuse was refused.

import type { MSpanState } from '../../model/mspan.js';
import type { HeapSnapshot, HeapStep } from '../../spec/mheap/world.js';
import type { Coverage } from '../harness/suite.js';
import { coverageLabel } from '../harness/suite.js';
import type { HeapSystem } from './world.js';

const states: readonly MSpanState[] = ['mSpanDead', 'mSpanInUse', 'mSpanManual'];
const phases = ['_GCoff', '_GCmark', '_GCmarktermination'];

/** The state of the span each misuse kind aims at (properties/mheap/misuse.ts); the alloc kinds aim at none. */
const misuseTarget: Readonly<Record<string, MSpanState>> = {
  doubleFree: 'mSpanDead',
  freeUnswept: 'mSpanInUse',
  freeManualOfHeapSpan: 'mSpanInUse',
  freeDuringGC: 'mSpanInUse',
  freeForeignSpan: 'mSpanInUse',
  freeSpanOfManualSpan: 'mSpanManual',
  freeManualWrongType: 'mSpanManual',
  freeManualDuringGC: 'mSpanManual',
};

/** Go's sweepgen table (on mspan.sweepgen), relative to h.sweepgen. */
const relations = new Map<number, string>([
  [-2, 'sg-2 (needs sweeping)'],
  [-1, 'sg-1 (being swept)'],
  [0, 'sg (swept, ready to use)'],
  [1, 'sg+1 (cached before sweep began, needs sweeping)'],
  [3, 'sg+3 (swept and then cached)'],
]);

/** The transitions Go's mSpanState comment allows; (*mspan).init re-marking a dead structure dead is the last. */
const legalEdges: readonly (readonly [MSpanState, MSpanState])[] = [
  ['mSpanDead', 'mSpanInUse'],
  ['mSpanDead', 'mSpanManual'],
  ['mSpanInUse', 'mSpanDead'],
  ['mSpanManual', 'mSpanDead'],
  ['mSpanDead', 'mSpanDead'],
];

const G = {
  stateByCommand: 'command × span state',
  sweepgen: 'sweepgen relation × gcphase',
  transition: 'span transition × gcphase',
  misuse: 'misuse × outcome',
};

function* labels(_b: HeapSnapshot, _a: HeapSnapshot, step: HeapStep, w: HeapSystem): Iterable<string> {
  // The state each span was in when the step first touched it.
  const seen = new Set<number>();
  for (const t of step.transitions) {
    yield coverageLabel(G.transition, `${t.from} → ${t.to}`, t.gcphase);
    if (seen.has(t.span)) continue;
    seen.add(t.span);
    yield coverageLabel(G.stateByCommand, step.op, t.from);
  }
  const r = step.refused;
  if (r !== undefined) {
    const target = misuseTarget[r.kind];
    if (target !== undefined) yield coverageLabel(G.stateByCommand, `misuse ${r.kind}`, target);
    yield coverageLabel(G.misuse, r.kind, r.got.startsWith('throw(') ? "Go's throw" : r.got === 'none' ? 'accepted' : r.got);
  }
  const h = w.h;
  for (const s of h.allspans) if (s.state.get() === 'mSpanInUse') yield sweepgenLabel((s.sweepgen - h.sweepgen) | 0, h.gcphase);
}

/** The sweepgen label of a relation in a phase (cached: it is made for every in-use span after every step). */
const sweepgenLabels = new Map<string, Map<number, string>>();
function sweepgenLabel(d: number, phase: string): string {
  let m = sweepgenLabels.get(phase);
  if (m === undefined) sweepgenLabels.set(phase, (m = new Map()));
  let l = m.get(d);
  if (l === undefined) m.set(d, (l = coverageLabel(G.sweepgen, relations.get(d) ?? `sg${d < 0 ? '' : '+'}${d} (not in Go's table)`, phase)));
  return l;
}

export const heapCoverage: Coverage<HeapSystem, HeapSnapshot, HeapStep> = {
  groups: [
    {
      layout: 'matrix',
      name: G.stateByCommand,
      title: 'Span state × command: the state each span was in when a command acted on it',
      rows: ['allocSmall', 'allocLarge', 'allocManual', 'free', 'freeManual', ...Object.keys(misuseTarget).map((k) => `misuse ${k}`)],
      cols: states,
    },
    { layout: 'matrix', name: G.sweepgen, title: 'Sweep generation of in-use spans after each step (span-steps), by GC phase', rows: [...relations.values()], cols: phases },
    { layout: 'matrix', name: G.transition, title: 'Span-state transitions, by GC phase', rows: legalEdges.map(([a, b]) => `${a} → ${b}`), cols: phases },
    { layout: 'stateDiagram', name: 'span states', title: 'The span-state machine (mSpanState), with observed transitions', source: G.transition, states, edges: legalEdges },
    { layout: 'matrix', name: G.misuse, title: 'Misuse: how each was refused', rows: [...Object.keys(misuseTarget), 'allocManualHeapType', 'allocZeroPages'], cols: ["Go's throw", 'ModelError', 'accepted'] },
  ],
  labels,
};
