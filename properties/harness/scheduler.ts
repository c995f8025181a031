// Scheduling a suite's batches over executors (in-process, or worker
// threads), with the same merged result whatever the number of lanes.
//
// Batch indices are handed out in order, one per free lane; every batch
// handed out is awaited. The result is the merge, in batch order, of the
// batches up to and including the lowest failing one: exactly what one lane
// running them in order would report. Batches above a failure (and all of
// them on an interrupt) are told to stop through shared flags.

import { getSuite } from '../registry.js';
import { batchRuns, epochNow, plannedRuns, runBatch } from './batch.js';
import type { BatchJob, BatchPlan, BatchResult } from './batch.js';
import type { Counterexample, Progress, SuiteResult } from './campaign.js';
import { Stats } from './runner.js';
import type { AnySuite } from './suite.js';

/** Runs batches: the process itself, or a pool of worker threads. */
export interface Executor {
  /** How many batches it runs at once. */
  readonly lanes: number;
  run(job: BatchJob): Promise<BatchResult>;
  close(): Promise<void>;
}

const NONE = 0x7fffffff;

/** Flags shared with worker threads: [0] the lowest failing batch of the running suite, [1] interrupted. */
export function newFlags(): Int32Array {
  const f = new Int32Array(new SharedArrayBuffer(8));
  f[0] = NONE;
  return f;
}

export function interrupt(flags: Int32Array): void {
  Atomics.store(flags, 1, 1);
}

export function interrupted(flags: Int32Array): boolean {
  return Atomics.load(flags, 1) !== 0;
}

/** Run one job where the executor lives (its mutant is this build's), stopping when the flags say so. */
export function runJob(job: BatchJob, flags: Int32Array, suites: Map<string, AnySuite>): BatchResult {
  let suite = suites.get(job.suite);
  if (suite === undefined) {
    suite = getSuite(job.suite);
    if (suite === undefined) throw new Error(`unknown suite ${job.suite}`);
    suites.set(job.suite, suite);
  }
  const stop = (): boolean => interrupted(flags) || job.batch > Atomics.load(flags, 0);
  return runBatch(suite, job, stop);
}

/** The executor of `--workers 1`: batches run in this thread, yielding between them (so Ctrl-C is heard). */
export class InProcessExecutor implements Executor {
  private readonly suites = new Map<string, AnySuite>();
  constructor(
    private readonly flags: Int32Array,
    readonly lanes = 1,
  ) {}

  async run(job: BatchJob): Promise<BatchResult> {
    await new Promise<void>((r) => setImmediate(r));
    return runJob(job, this.flags, this.suites);
  }

  async close(): Promise<void> {}
}

export interface ScheduleOptions {
  readonly suite: AnySuite;
  readonly suiteSeed: number;
  readonly plan: BatchPlan;
  readonly maxCommands: number;
  readonly mutant: BatchJob['mutant'];
  /** Epoch milliseconds (batch.ts epochNow) after which no run starts: batches in flight stop at it too. */
  readonly deadline: number;
  readonly executor: Executor;
  readonly flags: Int32Array;
  readonly onBatch?: (p: Progress) => void;
  /** Called the moment a batch returns a (shrunk) failure. */
  /** cutShort: the batch was told to stop while shrinking (a lower batch failed first), so the case may be longer than needed. */
  readonly onCounterexample?: (cx: Counterexample, cutShort: boolean) => void;
}

/** Run a suite's planned batches on the executor's lanes; merge them in batch order. */
export async function runScheduled(o: ScheduleOptions): Promise<SuiteResult> {
  const { plan, flags } = o;
  Atomics.store(flags, 0, NONE);
  const started = performance.now();
  // Results wait here only until every lower batch is in: then they are
  // merged, in batch order, and dropped (a long campaign keeps no history).
  const waiting = new Map<number, BatchResult>();
  const stats = new Stats();
  let counterexample: Counterexample | undefined;
  let merged = plan.from; // batches [plan.from, merged) are merged
  let mergedAll = false; // the merge reached a failing batch: nothing above it counts
  let next = plan.from;
  let lowestFailure = Infinity;
  let runs = 0;
  let steps = 0;
  let failures = 0;
  let cut = false;
  const mergeReady = (): void => {
    while (!mergedAll && waiting.has(merged)) {
      const r = waiting.get(merged)!;
      waiting.delete(merged);
      stats.merge(r.stats);
      merged++;
      if (r.counterexample !== undefined) {
        counterexample = r.counterexample;
        mergedAll = true;
      }
    }
    if (mergedAll) waiting.clear();
  };
  const lane = async (): Promise<void> => {
    while (next < plan.to && next < lowestFailure && !interrupted(flags)) {
      if (epochNow() >= o.deadline) {
        cut = true;
        break;
      }
      const b = next++;
      const r = await o.executor.run({ suite: o.suite.name, suiteSeed: o.suiteSeed, batch: b, numRuns: batchRuns(plan, b), maxCommands: o.maxCommands, mutant: o.mutant, ...(Number.isFinite(o.deadline) ? { deadline: o.deadline } : {}) });
      if (r.cut) cut = true;
      if (!mergedAll) waiting.set(b, r);
      runs += r.stats.runs;
      steps += r.stats.steps;
      if (r.counterexample !== undefined) {
        failures++;
        if (b < lowestFailure) {
          lowestFailure = b;
          Atomics.store(flags, 0, b);
        }
        o.onCounterexample?.(r.counterexample, r.aborted);
      }
      mergeReady();
      o.onBatch?.({ suite: o.suite.name, runs, steps, elapsedMs: performance.now() - started, failures, plannedRuns: plannedRuns(plan), budgetLeftMs: Math.max(0, o.deadline - epochNow()) });
    }
  };
  await Promise.all(Array.from({ length: o.executor.lanes }, lane));
  // Batches that ran above a gap (a lower one never started: interrupt) do not count.
  const asked = plannedRuns(plan);
  const result: SuiteResult = {
    suite: o.suite.name,
    seed: o.suiteSeed,
    maxCommands: o.maxCommands,
    runs: stats.runs,
    steps: stats.steps,
    shrinkSteps: stats.shrinkSteps,
    durationMs: performance.now() - started,
    stats,
    batches: merged - plan.from,
    firstBatch: plan.from,
    runsAsked: asked ?? null,
    cut: cut && counterexample === undefined && !interrupted(flags) && asked !== undefined,
  };
  return counterexample === undefined ? result : { ...result, counterexample };
}
