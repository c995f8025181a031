// The differential campaign: fast-check generates traces, each runs on the
// model (in process) and on the real runtime (one long-lived replayer), the
// lines are compared, and the first divergence is shrunk by fast-check to a
// minimal trace. The op budget is spent in rounds of fc.check runs, each
// round seeded from the campaign seed, so a seed always gives the same traces.

import fc from 'fast-check';
import { runTraceText } from '../trace/run.js';
import type { AbstractTrace } from './arbitrary.js';
import { abstractTrace } from './arbitrary.js';
import type { Comparison, SideRun } from './compare.js';
import { compareRuns } from './compare.js';
import type { TraceObject } from './concretize.js';
import { concretize } from './concretize.js';
import { GoSession } from './go_session.js';
import type { RealRelease } from '../versions/catalog.js';
import { comparePolicy, opProfile } from './version_policy.js';
import { Tally } from './tally.js';

export interface CampaignOptions {
  /** Random ops to compare in all (shrinking runs not counted). */
  readonly ops: number;
  readonly seed: number;
  /** The named mutant (mutants/catalog.ts) this build's model is, or null: a label for the report. */
  readonly mutant: string | null;
  /** The replayer binary (buildReplayer()). */
  readonly bin: string;
  /** The real runtime's release: it picks the ops generated and the version policy (default go1.19). */
  readonly release?: RealRelease;
  /** Ops per generated trace at most (default 80). */
  readonly maxOpsPerTrace?: number;
  /** Called after every compared trace. */
  readonly progress?: (t: Tally) => void;
}

/** Both sides' output for one trace, compared. */
export interface TraceRun {
  readonly trace: TraceObject;
  readonly model: SideRun;
  readonly go: SideRun;
  readonly comparison: Comparison;
}

export interface DivergenceFound extends TraceRun {
  /** The fc.check round and seed that found it, and fast-check's path to the shrunk case. */
  readonly round: number;
  readonly fcSeed: number;
  readonly fcPath: string;
  /** Ops of the trace first found to diverge, before shrinking. */
  readonly originalOps: number;
  readonly shrinks: number;
}

export interface CampaignResult {
  readonly tally: Tally;
  readonly divergence: DivergenceFound | undefined;
  readonly elapsedMs: number;
  /** The real runtime's runtime.Version(). */
  readonly goVersion: string;
  readonly rounds: number;
  readonly goProcesses: number;
}

/** The model's run of one trace text (a crash of the model is reported as status -1). */
export function runModel(text: string): SideRun {
  const lines: string[] = [];
  try {
    const r = runTraceText(text, (l) => lines.push(l));
    return { lines, status: r.status, stderr: r.stderr };
  } catch (e) {
    return { lines, status: -1, stderr: `the model crashed: ${(e as Error).stack ?? String(e)}` };
  }
}

/** A 32-bit seed for round r of a campaign seeded with seed. */
export function roundSeed(seed: number, r: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(r + 1, 0x85ebca6b)) | 0;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  const session = new GoSession(opts.bin);
  const tally = new Tally();
  const release = opts.release ?? 'go1.19';
  const arb = abstractTrace(opts.maxOpsPerTrace ?? 80, opProfile(release));
  let goVersion = '';
  let fatal: unknown;

  const runBoth = async (a: AbstractTrace): Promise<TraceRun> => {
    const trace = concretize(a);
    const text = JSON.stringify(trace);
    const model = runModel(text);
    const g = await session.run(text, trace.ops.length);
    if (goVersion === '' && g.lines[0] !== undefined) goVersion = String((JSON.parse(g.lines[0]) as { header: { goVersion: unknown } }).header.goVersion);
    const go: SideRun = { lines: g.lines, status: g.status ?? 0, stderr: g.stderr };
    return { trace, model, go, comparison: compareRuns(trace.ops, comparePolicy(release, trace.ops), model, go) };
  };

  let divergence: DivergenceFound | undefined;
  let round = 0;
  try {
    for (; tally.ops < opts.ops && divergence === undefined; round++) {
      const avg = tally.traces > 0 ? tally.ops / tally.traces : 40;
      const numRuns = Math.max(1, Math.min(200, Math.ceil((opts.ops - tally.ops) / avg)));
      const fcSeed = roundSeed(opts.seed, round);
      let failing = false;
      let originalOps = 0;
      const details = await fc.check(
        fc.asyncProperty(arb, async (a) => {
          if (fatal !== undefined || (!failing && tally.ops >= opts.ops)) return true;
          let r: TraceRun;
          try {
            r = await runBoth(a);
          } catch (e) {
            fatal = e; // the replayer itself failed: stop, do not shrink
            return true;
          }
          if (failing) tally.shrinkRuns++;
          else {
            tally.add(r.trace, r.comparison);
            opts.progress?.(tally);
          }
          if (r.comparison.divergence === undefined) return true;
          if (!failing) originalOps = r.trace.ops.length;
          failing = true;
          return false;
        }),
        { seed: fcSeed, numRuns },
      );
      if (fatal !== undefined) throw fatal;
      if (details.failed && details.counterexample !== null) {
        const r = await runBoth(details.counterexample[0]);
        if (r.comparison.divergence === undefined) throw new Error(`fc.check failed without a divergence: ${String(details.errorInstance)}`);
        divergence = { ...r, round, fcSeed, fcPath: details.counterexamplePath ?? '', originalOps, shrinks: details.numShrinks };
      }
    }
  } finally {
    await session.close();
  }
  return { tally, divergence, elapsedMs: performance.now() - started, goVersion, rounds: round, goProcesses: session.processes };
}
