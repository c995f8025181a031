// One batch: the unit of work of a campaign. Batch b of a suite is one
// fc.check of numRuns runs from seed (suiteSeed + b), so its result depends
// on nothing but the suite, the seed, b and the model: batches can run in any
// process or thread, and merged in batch order they give the same campaign.

import fc from 'fast-check';
import { commandsArbitrary } from './arbitrary.js';
import type { Counterexample } from './campaign.js';
import { Failure, RunContext, Stats } from './runner.js';
import type { StatsData, TraceLine } from './runner.js';
import { reduceCommands } from './reduce.js';
import type { AnySuite, Suite } from './suite.js';

/** Runs per batch: part of the seed plan (batch b starts at seed + b), so fixed. */
export const BATCH_SIZE = 50;

export interface BatchJob {
  readonly suite: string;
  readonly suiteSeed: number;
  readonly batch: number;
  readonly numRuns: number;
  readonly maxCommands: number;
  readonly mutant: string | null;
  /**
   * The campaign's time limit for this suite, as epoch milliseconds
   * (performance.timeOrigin + performance.now(), the same clock in every
   * thread): once past it no new run starts, though a run in progress ends
   * and a failure already found is still shrunk.
   */
  readonly deadline?: number;
}

/** Now, on the clock BatchJob.deadline is on. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface BatchResult {
  readonly batch: number;
  readonly stats: StatsData;
  /** The batch was told to stop early (interrupt, or a lower batch failed): its counts are partial. */
  readonly aborted: boolean;
  /** The deadline passed during the batch: runs after it were not run (its counts are the runs done). */
  readonly cut: boolean;
  readonly counterexample?: Counterexample;
  /** Milliseconds from the batch's start to the end of its first failing run, before shrinking (what `mheap-spec mutants` reports). */
  readonly firstFailureMs?: number;
}

/** The fast-check seed of batch b. */
export function batchSeed(suiteSeed: number, batch: number): number {
  return (suiteSeed + batch) | 0;
}

/** The batches of a campaign of `runs` runs, or shard k of n of them: [from, to), vitest-style contiguous slices. */
export interface BatchPlan {
  readonly from: number;
  readonly to: number;
  readonly runs: number;
  readonly batchSize: number;
}

export function planBatches(runs: number, batchSize = BATCH_SIZE, shard?: { readonly k: number; readonly n: number }): BatchPlan {
  const total = runs === Infinity ? Infinity : Math.ceil(runs / batchSize);
  if (shard === undefined || shard.n === 1) return { from: 0, to: total, runs, batchSize };
  if (total === Infinity) throw new RangeError('a sharded campaign needs a finite run count');
  return { from: Math.floor(((shard.k - 1) * total) / shard.n), to: Math.floor((shard.k * total) / shard.n), runs, batchSize };
}

/** Runs the plan asks for (this shard's share), if finite. */
export function plannedRuns(plan: BatchPlan): number | undefined {
  if (plan.to === Infinity) return undefined;
  return Math.max(0, Math.min(plan.runs, plan.to * plan.batchSize) - plan.from * plan.batchSize);
}

/** Runs in batch b of the plan. */
export function batchRuns(plan: BatchPlan, b: number): number {
  return Math.min(plan.batchSize, plan.runs - b * plan.batchSize);
}

/**
 * Run one batch; stop() is polled before every run: once it says so, the
 * remaining runs (and shrink attempts) pass without running, so the batch
 * ends at once, keeping whatever failure it had already found. timeUp()
 * (default: the job's deadline has passed) is polled before every run too,
 * until a run fails: once it says so no further run starts, but shrinking
 * a failure found before it goes on to the end.
 */
export function runBatch<W, S, Step>(suite: Suite<W, S, Step>, job: BatchJob, stop: () => boolean = () => false, timeUp: () => boolean = deadlinePassed(job)): BatchResult {
  const stats = new Stats();
  let aborted = false;
  let cut = false;
  const seed = batchSeed(job.suiteSeed, job.batch);
  const t0 = performance.now();
  let firstFailureMs: number | undefined;
  const prop = fc.property(commandsArbitrary(suite, job.maxCommands), (cmds) => {
    if (aborted || stop()) {
      aborted = true;
      return;
    }
    if (!stats.failed && (cut || timeUp())) {
      cut = true;
      return;
    }
    const ctx = new RunContext(suite, stats);
    try {
      fc.modelRun(() => ({ model: { ctx }, real: { ctx } }), cmds);
    } catch (e) {
      firstFailureMs ??= performance.now() - t0;
      throw e;
    }
    ctx.commit();
  });
  const out = fc.check(prop, { seed, numRuns: job.numRuns });
  const result: BatchResult = { batch: job.batch, stats: stats.toData(), aborted, cut };
  if (!out.failed) return result;
  return { ...result, counterexample: toCounterexample(suite, out, seed, job), ...(firstFailureMs === undefined ? {} : { firstFailureMs }) };
}

function deadlinePassed(job: BatchJob): () => boolean {
  const d = job.deadline;
  return d === undefined ? () => false : () => epochNow() >= d;
}

interface FailedRun {
  readonly errorInstance: unknown;
  readonly counterexample: readonly unknown[] | null;
  readonly counterexamplePath: string | null;
}

function toCounterexample<W, S, Step>(suite: Suite<W, S, Step>, out: FailedRun, seed: number, job: BatchJob): Counterexample {
  const err = out.errorInstance;
  if (!(err instanceof Failure)) throw err instanceof Error ? err : new Error(String(err));
  const shown = String(out.counterexample?.[0] ?? '');
  const replayPath = /replayPath="([^"]*)"/.exec(shown)?.[1] ?? '';
  // fast-check's shrunk case, cut further to a 1-minimal list of commands (reduce.ts).
  const reduced = reduceCommands(suite as unknown as AnySuite, err.executed, err.info.id);
  const shorter = reduced !== undefined && reduced.commands.length < err.executed.length && reduced.replay.failure !== undefined;
  return {
    format: 'mheap-spec/counterexample@1',
    suite: suite.name,
    seed,
    path: out.counterexamplePath ?? '',
    replayPath,
    maxCommands: job.maxCommands,
    mutant: job.mutant,
    commands: shorter ? reduced.commands : err.executed,
    failure: shorter ? reduced.replay.failure! : err.info,
    program: shorter ? programOf(reduced.replay.prelude, reduced.replay.trace) : programOf(err.prelude, err.trace),
  };
}

/** The Go-like program: the prelude, then a line per step with its comment. */
function programOf(prelude: readonly string[], trace: readonly TraceLine[]): string[] {
  return [...prelude, ...trace.map((t) => (t.comment === '' ? t.go : `${t.go}\t// ${t.comment}`))];
}
