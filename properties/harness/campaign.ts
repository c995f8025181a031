// Running a suite with fast-check: generated command sequences, the runner
// checking the catalog after every step, shrinking to a short trace.
//
// A suite runs in batches of runs (batch.ts), batch b from seed + b, until
// the run count or the time budget is spent, or a failure is found and
// shrunk. The same seed and run count give the same runs; a time budget only
// decides how many batches start. runSuite is the synchronous, in-process
// form (tests, bench); the CLI schedules the same batches (scheduler.ts).

import fc from 'fast-check';
import { commandsArbitrary } from './arbitrary.js';
import { BATCH_SIZE, batchRuns, epochNow, planBatches, plannedRuns, runBatch } from './batch.js';
import { Failure, RunContext, Stats } from './runner.js';
import type { FailureInfo } from './runner.js';
import type { CommandCall, Suite } from './suite.js';

export { commandsArbitrary } from './arbitrary.js';

/** A saved counterexample: enough to replay it exactly, by commands or by seed and path. */
export interface Counterexample {
  readonly format: 'mheap-spec/counterexample@1';
  readonly suite: string;
  /**
   * fast-check seed of the batch that failed, and the shrink path of
   * fast-check's minimal case (which reduce.ts may have cut further:
   * `commands` is what replay runs).
   */
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string;
  readonly maxCommands: number;
  /** A deliberate model mutation in effect, if any (mutation tests). */
  readonly mutant: string | null;
  readonly commands: readonly CommandCall[];
  readonly failure: FailureInfo;
  /** The Go-like program as printed. */
  readonly program: readonly string[];
}

export interface SuiteRunOptions {
  readonly seed: number;
  /** Stop after this many runs (default: unlimited when a time limit is set, else 100). */
  readonly runs?: number;
  readonly timeLimitMs?: number;
  readonly maxCommands?: number;
  readonly batchSize?: number;
  readonly mutant?: string | null;
  /** Called after each batch (progress display). */
  readonly onBatch?: (r: Progress) => void;
}

export interface Progress {
  readonly suite: string;
  readonly runs: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly failures: number;
  /** Runs planned for this suite (this shard's share), if finite. */
  readonly plannedRuns?: number | undefined;
  /** Time left in this suite's budget. */
  readonly budgetLeftMs?: number | undefined;
}

export interface SuiteResult {
  readonly suite: string;
  readonly seed: number;
  readonly maxCommands: number;
  readonly runs: number;
  readonly steps: number;
  readonly shrinkSteps: number;
  readonly durationMs: number;
  readonly stats: Stats;
  /** Batches merged into this result, starting at firstBatch. */
  readonly batches: number;
  readonly firstBatch: number;
  /** Runs asked of this suite (this shard's share), or null for "as many as time allows". */
  readonly runsAsked: number | null;
  /** The time limit stopped it before the runs asked were done (and nothing failed first). */
  readonly cut: boolean;
  readonly counterexample?: Counterexample;
}

/** Run a suite in-process: batches of fast-check runs until runs or time are spent, or a failure is shrunk. */
export function runSuite<W, S, Step>(suite: Suite<W, S, Step>, opts: SuiteRunOptions): SuiteResult {
  const maxCommands = opts.maxCommands ?? suite.maxCommands;
  const plan = planBatches(opts.runs ?? (opts.timeLimitMs === undefined ? 100 : Infinity), opts.batchSize ?? BATCH_SIZE);
  const stats = new Stats();
  const started = performance.now();
  const deadline = opts.timeLimitMs === undefined ? undefined : epochNow() + opts.timeLimitMs;
  let counterexample: Counterexample | undefined;
  let cut = false;
  let b = plan.from;
  for (; b < plan.to; b++) {
    if (deadline !== undefined && epochNow() >= deadline) {
      cut = true;
      break;
    }
    const r = runBatch(suite, { suite: suite.name, suiteSeed: opts.seed, batch: b, numRuns: batchRuns(plan, b), maxCommands, mutant: opts.mutant ?? null, ...(deadline === undefined ? {} : { deadline }) });
    stats.merge(r.stats);
    if (r.counterexample !== undefined) {
      counterexample = r.counterexample;
      b++;
      break;
    }
    if (r.cut) {
      cut = true;
      b++;
      break;
    }
    opts.onBatch?.({ suite: suite.name, runs: stats.runs, steps: stats.steps, elapsedMs: performance.now() - started, failures: 0 });
  }
  const durationMs = performance.now() - started;
  const asked = plannedRuns(plan);
  const result: SuiteResult = { suite: suite.name, seed: opts.seed, maxCommands, runs: stats.runs, steps: stats.steps, shrinkSteps: stats.shrinkSteps, durationMs, stats, batches: b - plan.from, firstBatch: plan.from, runsAsked: asked ?? null, cut: cut && counterexample === undefined && asked !== undefined };
  return counterexample === undefined ? result : { ...result, counterexample };
}

/**
 * Re-run a counterexample through fast-check itself, from its seed and
 * path: the command list it produces must be the saved one.
 */
export function replayWithFastCheck<W, S, Step>(suite: Suite<W, S, Step>, cx: Counterexample): Failure | undefined {
  const stats = new Stats();
  let last: Failure | undefined;
  const prop = fc.property(commandsArbitrary(suite, cx.maxCommands, cx.replayPath), (cmds) => {
    const ctx = new RunContext(suite, stats);
    try {
      fc.modelRun(() => ({ model: { ctx }, real: { ctx } }), cmds);
    } catch (e) {
      if (e instanceof Failure) last = e;
      throw e;
    }
  });
  fc.check(prop, { seed: cx.seed, path: cx.path, numRuns: 1, endOnFailure: true });
  return last;
}
