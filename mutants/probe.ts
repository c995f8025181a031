// The probe of one named mutant, run inside its build: for each seed, the
// mutant's suites in order, 50-run batches up to the campaign's 10,000 runs
// per suite, until a run fails. What it measures: the time to the first
// failing run (before shrinking), what caught it, and the shrunk program.

import { BATCH_SIZE, runBatch } from '../properties/harness/batch.js';
import { suiteSeed } from '../properties/harness/orchestrate.js';
import { getSuite } from '../properties/registry.js';
import { CANONICAL_RUNS } from '../cli/canonical.js';
import { appliedMutant } from './applied.js';
import { namedMutant } from './catalog.js';

/** One seed's probe. */
export interface SeedProbe {
  readonly seed: number;
  /** The suite that failed, or null: every suite ran its runs and passed. */
  readonly suite: string | null;
  /** Runs done, over the suites tried. */
  readonly runs: number;
  /** Wall time from the probe's start to the end of the first failing run, before shrinking. */
  readonly timeToFailureMs: number | null;
  /** The rule id (or `throw("...")`) that failed. */
  readonly caught: string | null;
  /** The other rules false at the failing step of the shrunk counterexample. */
  readonly alsoViolated: readonly string[];
  /** Commands in the shrunk counterexample. */
  readonly shrunkLength: number | null;
  /** The shrunk counterexample as a Go-like program. */
  readonly program: readonly string[];
  /** The campaign flags that find it again: `mheap-spec check ...`. */
  readonly reproduce: string | null;
}

export interface ProbeResult {
  readonly id: string;
  readonly runsPerSuite: number;
  readonly seeds: readonly SeedProbe[];
}

/**
 * The campaign seed of probe k (1-based): 1, 1001, 2001, ... Batch b of
 * seed S runs fast-check seed S + b (plus the suite's offset), so seeds
 * 1000 apart share no batch within a campaign's 200: each is a run of its own.
 */
export function probeSeed(k: number): number {
  return 1 + (k - 1) * SEED_SPACING;
}

const SEED_SPACING = 1000;

/** Probe this build's mutant over nSeeds seeds (probeSeed). */
export function probe(nSeeds: number, runsPerSuite = CANONICAL_RUNS): ProbeResult {
  const id = appliedMutant();
  if (id === null) throw new Error('the probe runs in a mutant build (mutants/scratch.ts), not on the real model');
  const m = namedMutant(id);
  const seeds: SeedProbe[] = [];
  for (let k = 1; k <= nSeeds; k++) seeds.push(probeOne(m.suites, probeSeed(k), runsPerSuite, id));
  return { id, runsPerSuite, seeds };
}

function probeOne(suites: readonly string[], seed: number, runsPerSuite: number, id: string): SeedProbe {
  let runs = 0;
  let elapsed = 0;
  for (const name of suites) {
    const suite = getSuite(name)!;
    const batches = Math.ceil(runsPerSuite / BATCH_SIZE);
    for (let b = 0; b < batches; b++) {
      const numRuns = Math.min(BATCH_SIZE, runsPerSuite - b * BATCH_SIZE);
      const t0 = performance.now();
      const r = runBatch(suite, { suite: name, suiteSeed: suiteSeed(seed, name), batch: b, numRuns, maxCommands: suite.maxCommands, mutant: id });
      const cx = r.counterexample;
      if (cx !== undefined) {
        return {
          seed,
          suite: name,
          runs: runs + r.stats.runs,
          timeToFailureMs: elapsed + (r.firstFailureMs ?? performance.now() - t0),
          caught: cx.failure.id,
          alsoViolated: cx.failure.alsoViolated ?? [],
          shrunkLength: cx.commands.length,
          program: cx.program,
          reproduce: `mheap-spec check --suite ${name} --seed ${seed} --runs ${(b + 1) * BATCH_SIZE} --mutant ${id}`,
        };
      }
      elapsed += performance.now() - t0;
      runs += r.stats.runs;
    }
  }
  return { seed, suite: null, runs, timeToFailureMs: null, caught: null, alsoViolated: [], shrunkLength: null, program: [], reproduce: null };
}
