// Short deterministic campaigns of every suite: the stateful half of the
// test command Stryker runs against each mutant of model/ (see
// vitest.mutation.config.ts; the unit tests are the other half).
//
// Made to kill fast: fixed seeds, small budgets, and no shrinking. The first
// failing run ends the test (fast-check's endOnFailure), so a mutant the
// catalog catches dies in the first few runs; a surviving mutant costs the
// whole budget, which is why it stays at a second or two over all suites.
// Short sequences come first (most mutants die in a handful of steps), then
// long ones (states several GC cycles deep). The witness check at the end
// kills mutants that make a path unreachable without breaking a rule.
//
// npm test runs this file too, so the campaigns stay green on the real model.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { commandsArbitrary } from './harness/arbitrary.js';
import { Failure, RunContext, Stats } from './harness/runner.js';
import { getSuite, suiteNames } from './registry.js';

/** One phase of a campaign: runs of at most maxCommands steps from seed. */
interface Phase {
  readonly seed: number;
  readonly runs: number;
  readonly maxCommands: number;
}

interface Budget {
  readonly phases: readonly Phase[];
  /** Witnesses these runs do not reach on the real model (rare ones; the suite's own tests reach them). */
  readonly notReached: readonly string[];
}

const short = (seed: number, runs: number): Phase => ({ seed, runs, maxCommands: 30 });
const long = (seed: number, runs: number): Phase => ({ seed, runs, maxCommands: 100 });

// Rare interleavings: sweep.test.ts's programs (which mutation runs include) reach most of them.
const sweepRaces = ['reachesSpanBeingSwept', 'reachesCacheSpanPartialUnswept', 'reachesCacheSpanFullUnswept', 'reachesEnsureSweptSweeps', 'reachesEnsureSweptWaits', 'reachesSweeperLosesRace', 'reachesCacheSpanLosesRace'];

// The small geometries are cheap per step and hit chunk and arena edges
// often, so they get most of the budget; Go's geometry keeps its own share
// (five summary levels, real addresses).
export const budgets: Record<string, Budget> = {
  'pagealloc-small': { phases: [short(1, 40), long(2, 30)], notReached: ['reachesDenseChunkPassedOver'] },
  pagealloc: { phases: [short(1, 10), long(2, 15)], notReached: ['reachesHeapExhaustion', 'reachesPagesOrphanedByBackgroundScavenge', 'reachesDenseChunkPassedOver', 'reachesHugePageKeptWhole'] },
  'mheap-small': { phases: [short(1, 20), long(2, 20)], notReached: ['reachesOutOfMemory', 'reachesGrowthDown'] },
  mheap: { phases: [short(1, 10), long(2, 10)], notReached: ['reachesOutOfMemory', 'reachesWaitingStackSpanReused', 'reachesGCProgBitmapFreedDuringMark'] },
  'sweep-small': { phases: [short(1, 30), long(2, 25)], notReached: [...sweepRaces, 'reachesTinyBlockReused'] },
  'pagealloc-16k': { phases: [short(1, 10), long(2, 15)], notReached: ['reachesHeapExhaustion', 'reachesPagesOrphanedByBackgroundScavenge', 'reachesDenseChunkPassedOver', 'reachesHugePageKeptWhole'] },
  sweep: { phases: [short(1, 10), long(2, 15)], notReached: [...sweepRaces, 'reachesRecycledSpanStructure', 'reachesFreeAfterSweep', 'reachesSpanFreedByReclaim', 'reachesLargeSpanFreedBySweep', 'reachesTinyBlockReused', 'reachesObjectFreedBySweep'] },
};

/** Run one phase; the first failing run ends it, unshrunk. Returns the failure's one-line summary, if any. */
export function runPhase(name: string, phase: Phase, stats: Stats): string | undefined {
  const suite = getSuite(name)!;
  const prop = fc.property(commandsArbitrary(suite, phase.maxCommands), (cmds) => {
    const ctx = new RunContext(suite, stats);
    fc.modelRun(() => ({ model: { ctx }, real: { ctx } }), cmds);
    ctx.commit();
  });
  const out = fc.check(prop, { seed: phase.seed, numRuns: phase.runs, endOnFailure: true });
  if (!out.failed) return undefined;
  const e = out.errorInstance;
  if (e instanceof Failure) return `FAIL ${e.info.id} after step ${e.info.step + 1}: ${e.info.why}\n${e.trace.map((t) => `${t.go}\t// ${t.comment}`).join('\n')}`;
  return `the model crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}

describe.each(Object.keys(budgets))('%s, short campaign', (name) => {
  test('no catalog entry fails and the witnesses are reached', () => {
    const budget = budgets[name]!;
    const stats = new Stats();
    for (const phase of budget.phases) expect(runPhase(name, phase, stats) ?? 'no counterexample').toBe('no counterexample');
    const missing = getSuite(name)!.catalog.witness.map((w) => w.id).filter((id) => !stats.witnessRuns.has(id) && !budget.notReached.includes(id));
    expect(missing).toEqual([]);
  });
});

test('every suite in the registry has a short campaign', () => {
  expect(Object.keys(budgets).sort()).toEqual([...suiteNames].sort());
});
