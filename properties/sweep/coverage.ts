// The sweep suites' coverage (coverage.md): the sweepgen relation of every
// in-use heap span after each step, by GC phase and by the command that
// ran; cacheSpan's paths; and the span-state matrix of the heap suites.

import type { Coverage, CoverageGroup } from '../harness/suite.js';
import { coverageLabel } from '../harness/suite.js';
import { relationLabel, relationRows, sweepgenUnreachable } from '../mheap/coverage.js';
import type { SweepSnapshot, SweepStep } from '../../spec/sweep/world.js';
import type { SweepSystem } from './world.js';

const phases = ['_GCoff', '_GCmark', '_GCmarktermination'];
const G = { cube: 'sweepgen relation · gcphase × command', cacheSpan: 'cacheSpan path' };

/** The phase each command leaves the heap in, when it is fixed. */
const leavesPhase: Readonly<Record<string, string>> = { gcStart: '_GCmark', gcMarkTermination: '_GCoff', markSome: '_GCmark', ensureSwept: '_GCoff', flushAtSafePoint: '_GCoff' };

function cubeUnreachable(row: string, cmd: string, nprocs: number): string | undefined {
  const [rel, phase] = row.split(' · ') as [string, string];
  const why = sweepgenUnreachable(rel, phase, true);
  if (why !== undefined) return why;
  // Sweepers wait out the stopped world, and only a refill caches a span after the sweep began.
  if (cmd === 'gcMarkTermination' && (rel.startsWith('sg-1 ') || rel.startsWith('sg+3 '))) return 'right after mark termination no span is being swept or cached since the sweep began (markTerminationBeginsTheSweep)';
  // mallocgc pauses only to sweep (proportional sweep, cacheSpan's tryAcquire, reclaim); after gcStart's finishsweep_m every span is swept.
  if (cmd === 'mallocStep' && phase === '_GCmark') return 'in the mark phase every span is swept: a mallocgc has nothing to sweep, so it runs from its start to its publication barrier in one step';
  // forEachP flushes the P running mark termination and the idle Ps at once: with two Ps the one flush deferred to a safe point is the last.
  if (cmd === 'flushAtSafePoint' && rel.startsWith('sg+1 ') && nprocs <= 2) return `with ${nprocs} Ps the flush deferred to a safe point is the last: after it no mcache holds a span cached before the sweep began`;
  const fixed = leavesPhase[cmd];
  if (fixed !== undefined && fixed !== phase) return `${cmd} leaves the heap in ${fixed}`;
  return undefined;
}

export function sweepCoverage(commands: readonly string[], nprocs: number): Coverage<SweepSystem, SweepSnapshot, SweepStep> {
  const rows = phases.flatMap((p) => relationRows.map((r) => `${r} · ${p}`));
  const groups: CoverageGroup[] = [
    { layout: 'matrix', name: G.cube, title: 'Sweep generation of in-use spans after each step (span-steps), by GC phase and by the command that ran', rows, cols: commands, unreachable: (row: string, cmd: string) => cubeUnreachable(row, cmd, nprocs) },
    { layout: 'table', name: G.cacheSpan, title: "cacheSpan's paths (mcache.refill)", keys: ['partialSwept', 'partialUnswept', 'fullUnswept', 'grow'] },
  ];
  return {
    groups,
    *labels(_b, a, step, w) {
      const h = w.h;
      for (const s of w.spec.spans()) {
        if (!s.kind.heap) continue;
        const d = (w.handles.get(s.id)!.sweepgen - h.sweepgen) | 0;
        yield coverageLabel(G.cube, `${relationLabel(d)} · ${a.gcphase}`, step.op);
      }
      if (step.cacheSpanPath !== undefined) yield coverageLabel(G.cacheSpan, step.cacheSpanPath);
    },
  };
}
