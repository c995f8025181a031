// The mheap suites' coverage (coverage.md): which span states each command
// met, the sweep generations of in-use spans (Go's table on
// mspan.sweepgen) by GC phase, every transition of the span-state machine by
// GC phase, and how each misuse was refused. Cells no run can reach are
// marked so, with the reason.

import type { MSpanState } from '../../model/mspan.js';
import { sweepgenRelationsGo } from '../../spec/mheap/invariants.js';
import type { HeapSnapshot, HeapStep } from '../../spec/mheap/world.js';
import type { Coverage } from '../harness/suite.js';
import { coverageLabel } from '../harness/suite.js';
import { misuseKinds } from './misuse.js';
import type { HeapSystem } from './world.js';

const states: readonly MSpanState[] = ['mSpanDead', 'mSpanInUse', 'mSpanManual'];
const phases = ['_GCoff', '_GCmark', '_GCmarktermination'];

/** Go's sweepgen table (on mspan.sweepgen), relative to h.sweepgen. */
const relations = new Map<number, string>([
  [-2, 'sg-2 (needs sweeping)'],
  [-1, 'sg-1 (being swept)'],
  [0, 'sg (swept, ready to use)'],
  [1, 'sg+1 (cached before sweep began, needs sweeping)'],
  [3, 'sg+3 (swept and then cached)'],
]);

/** The transitions Go's mSpanState comment allows. */
const legalEdges: readonly (readonly [MSpanState, MSpanState])[] = [
  ['mSpanDead', 'mSpanInUse'],
  ['mSpanDead', 'mSpanManual'],
  ['mSpanInUse', 'mSpanDead'],
  ['mSpanManual', 'mSpanDead'],
];

const G = {
  stateByCommand: 'command × span state',
  sweepgen: 'sweepgen relation × gcphase',
  transition: 'span transition × gcphase',
  misuse: 'misuse × outcome',
};

/** Commands that make spans, free them, or do either, and the states they can meet. */
const allocating = ['allocSmall', 'allocLarge', 'stackalloc', 'getempty', 'materializeGCProg'];
const freeing = ['free', 'stackfree', 'freeSomeWbufs', 'dematerializeGCProg', 'gcMarkTermination'];

function stateUnreachable(cmd: string, st: string): string | undefined {
  if (allocating.includes(cmd)) return st === 'mSpanDead' ? undefined : 'a span is published from a dead structure';
  if (cmd === 'free') return st === 'mSpanInUse' ? undefined : 'the sweeper frees only in-use heap spans';
  if (freeing.includes(cmd)) return st === 'mSpanManual' ? undefined : 'these callers free only manual spans';
  return undefined;
}

/** Why a sweepgen relation cannot be seen in a phase, in a suite that does (or does not) cache spans and step its sweepers. */
export function sweepgenUnreachable(rel: string, phase: string, mcache: boolean): string | undefined {
  const d = [...relations].find(([, l]) => l === rel)?.[0];
  if (d === undefined) return undefined;
  if (phase === '_GCmarktermination') return 'nothing runs between the steps of mark termination';
  if (!sweepgenRelationsGo[phase]!.includes(d)) return "Go's table rules it out in this phase";
  if (!mcache && d === -1) return 'this suite sweeps a span within one step: no sweeper holds one between steps';
  if (!mcache && (d === 1 || d === 3)) return 'this suite caches no span in an mcache';
  return undefined;
}

/** Go's sweepgen relations, as coverage rows. */
export const relationRows: readonly string[] = [...relations.values()];

/** The sweepgen label of a span, relative to h.sweepgen, in a phase. */
export function relationLabel(d: number): string {
  return relations.get(d) ?? `sg${d < 0 ? '' : '+'}${d} (not in Go's table)`;
}

function transitionUnreachable(edge: string, phase: string): string | undefined {
  if (phase === '_GCmarktermination') return 'nothing runs between the steps of mark termination';
  if (phase !== '_GCoff' && edge === 'mSpanInUse → mSpanDead') return 'the sweeper frees heap spans only in _GCoff';
  return undefined;
}

function* labels(_b: HeapSnapshot, _a: HeapSnapshot, step: HeapStep, w: HeapSystem): Iterable<string> {
  // The state each span was in when the step first touched it; re-initializing a dead structure is no transition.
  const seen = new Set<object>();
  for (const t of step.transitions) {
    if (t.from === t.to) continue;
    yield coverageLabel(G.transition, `${t.from} → ${t.to}`, t.gcphase);
    if (seen.has(t.span)) continue;
    seen.add(t.span);
    yield coverageLabel(G.stateByCommand, step.op, t.from);
  }
  const r = step.refused;
  if (r !== undefined) yield coverageLabel(G.misuse, r.kind, r.got.startsWith('throw(') ? "Go's throw" : r.got === 'none' ? 'accepted' : r.got);
  const h = w.h;
  for (const a of w.spec.spans()) if (a.state === 'mSpanInUse') yield sweepgenLabel((w.handles.get(a.id)!.sweepgen - h.sweepgen) | 0, h.gcphase);
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
      title: 'Span state × command: the state each span was in when a command changed it',
      rows: [...allocating, ...freeing],
      cols: states,
      unreachable: stateUnreachable,
    },
    { layout: 'matrix', name: G.sweepgen, title: 'Sweep generation of in-use spans after each step (span-steps), by GC phase', rows: [...relations.values()], cols: phases, unreachable: (r, c) => sweepgenUnreachable(r, c, false) },
    { layout: 'matrix', name: G.transition, title: 'Span-state transitions, by GC phase', rows: legalEdges.map(([a, b]) => `${a} → ${b}`), cols: phases, unreachable: transitionUnreachable },
    { layout: 'stateDiagram', name: 'span states', title: 'The span-state machine (mSpanState), with observed transitions', source: G.transition, states, edges: legalEdges },
    {
      layout: 'matrix',
      name: G.misuse,
      title: "Misuse: how each was refused (Go's throw where Go guards, ModelError where Go leaves the input undefined)",
      rows: misuseKinds,
      cols: ["Go's throw", 'ModelError', 'accepted'],
    },
  ],
  labels,
};
