// Running a suite with fast-check: generated command sequences, the runner
// checking the catalog after every step, shrinking to a short trace.
//
// A suite runs in batches of runs, each batch one fc.check with its own
// seed (seed + batch index), until the run count or the time budget is
// spent, or a failure is found and shrunk. The same seed and run count give
// the same runs; a time budget only decides how many batches start.

import fc from 'fast-check';
import type { Mutants } from '../../model/mutants.js';
import { Failure, RunContext, Stats } from './runner.js';
import type { FailureInfo } from './runner.js';
import type { CommandCall, CommandDef, Suite } from './suite.js';

/** The world a fast-check run drives: one RunContext, created by the setup. */
interface Box<W, S, Step> {
  ctx: RunContext<W, S, Step>;
}

class SuiteCommand<W, S, Step> implements fc.Command<Box<W, S, Step>, Box<W, S, Step>> {
  constructor(
    readonly def: CommandDef<W, Step>,
    readonly args: number[],
  ) {}

  check(m: Readonly<Box<W, S, Step>>): boolean {
    return this.def.applies(m.ctx.world, this.args);
  }

  run(m: Box<W, S, Step>): void {
    m.ctx.exec(this.def, this.args);
  }

  toString(): string {
    return `${this.def.name}(${this.args.join(',')})`;
  }
}

/** The fast-check arbitrary of a suite's command sequences. */
export function commandsArbitrary<W, S, Step>(suite: Suite<W, S, Step>, maxCommands: number, replayPath?: string) {
  const arbs: fc.Arbitrary<fc.Command<Box<W, S, Step>, Box<W, S, Step>>>[] = [];
  for (const def of suite.commands) {
    const arb = def.args.map((args) => new SuiteCommand<W, S, Step>(def, args));
    for (let i = 0; i < def.weight; i++) arbs.push(arb);
  }
  // size 'max': without it sequences stay near 10 commands whatever maxCommands says.
  return fc.commands(arbs, replayPath === undefined ? { maxCommands, size: 'max' } : { maxCommands, size: 'max', replayPath });
}

/** A saved counterexample: enough to replay it exactly, by commands or by seed and path. */
export interface Counterexample {
  readonly format: 'mheap-spec/counterexample@1';
  readonly suite: string;
  /** fast-check seed of the batch that failed, and the shrink path of the minimal case. */
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string;
  readonly maxCommands: number;
  /** A deliberate model mutation in effect, if any (mutation tests). */
  readonly mutant: keyof Mutants | null;
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
  readonly mutant?: keyof Mutants | null;
  /** Called after each batch (progress display). */
  readonly onBatch?: (r: Progress) => void;
}

export interface Progress {
  readonly suite: string;
  readonly runs: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly failures: number;
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
  readonly counterexample?: Counterexample;
}

/** Run a suite: batches of fast-check runs until runs or time are spent, or a failure is shrunk. */
export function runSuite<W, S, Step>(suite: Suite<W, S, Step>, opts: SuiteRunOptions): SuiteResult {
  const maxCommands = opts.maxCommands ?? suite.maxCommands;
  const runsLimit = opts.runs ?? (opts.timeLimitMs === undefined ? 100 : Infinity);
  const batchSize = opts.batchSize ?? 50;
  const stats = new Stats();
  const started = performance.now();
  let counterexample: Counterexample | undefined;
  for (let batch = 0; stats.runs < runsLimit; batch++) {
    if (opts.timeLimitMs !== undefined && performance.now() - started >= opts.timeLimitMs) break;
    const seed = (opts.seed + batch) | 0;
    const numRuns = Math.min(batchSize, runsLimit - stats.runs);
    const runsBefore = stats.runs;
    const prop = fc.property(commandsArbitrary(suite, maxCommands), (cmds) => {
      const ctx = new RunContext(suite, stats);
      fc.modelRun(() => ({ model: { ctx }, real: { ctx } }), cmds);
      ctx.commit();
    });
    const out = fc.check(prop, { seed, numRuns });
    if (out.failed) {
      counterexample = toCounterexample(suite, { errorInstance: out.errorInstance, counterexample: out.counterexample, counterexamplePath: out.counterexamplePath }, seed, maxCommands, opts.mutant ?? null);
      break;
    }
    if (stats.runs === runsBefore) break; // nothing ran (should not happen)
    opts.onBatch?.({ suite: suite.name, runs: stats.runs, steps: stats.steps, elapsedMs: performance.now() - started, failures: 0 });
  }
  const durationMs = performance.now() - started;
  const result: SuiteResult = { suite: suite.name, seed: opts.seed, maxCommands, runs: stats.runs, steps: stats.steps, shrinkSteps: stats.shrinkSteps, durationMs, stats };
  return counterexample === undefined ? result : { ...result, counterexample };
}

interface FailedRun {
  readonly errorInstance: unknown;
  readonly counterexample: readonly unknown[] | null;
  readonly counterexamplePath: string | null;
}

function toCounterexample<W, S, Step>(suite: Suite<W, S, Step>, out: FailedRun, seed: number, maxCommands: number, mutant: keyof Mutants | null): Counterexample {
  const err = out.errorInstance;
  if (!(err instanceof Failure)) throw err instanceof Error ? err : new Error(String(err));
  const shown = String(out.counterexample?.[0] ?? '');
  const replayPath = /replayPath="([^"]*)"/.exec(shown)?.[1] ?? '';
  const program = [...err.prelude, ...err.trace.map((t) => (t.comment === '' ? t.go : `${t.go}\t// ${t.comment}`))];
  return {
    format: 'mheap-spec/counterexample@1',
    suite: suite.name,
    seed,
    path: out.counterexamplePath ?? '',
    replayPath,
    maxCommands,
    mutant,
    commands: err.executed,
    failure: err.info,
    program,
  };
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
