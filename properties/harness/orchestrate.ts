// A campaign: the chosen suites one after another, each over its own seed
// range, its batches spread over the executor's lanes (worker threads or
// this thread), within a time budget shared out among the suites left.

import { getSuite, suiteNames } from '../registry.js';
import { BATCH_SIZE, epochNow, planBatches, plannedRuns } from './batch.js';
import type { Counterexample, Progress, SuiteResult } from './campaign.js';
import { WorkerPool, workerScript } from './pool.js';
import type { Eta } from './eta.js';
import { campaignTimeLeft } from './eta.js';
import type { Executor } from './scheduler.js';
import { InProcessExecutor, interrupt, newFlags, runScheduled } from './scheduler.js';

export interface CampaignOptions {
  readonly suites: readonly string[];
  readonly seed: number;
  readonly runs: number;
  readonly timeLimitMs: number;
  readonly maxCommands?: number;
  readonly mutant: string | null;
  readonly shard?: { readonly k: number; readonly n: number };
  readonly workers: number;
  /** Each suite's milliseconds per run in an earlier campaign (for the campaign's time left). */
  readonly priorMsPerRun?: ReadonlyMap<string, number>;
}

/** A suite's progress, with the campaign's: the workers and the whole campaign's time left, if it can be told yet. */
export type CampaignProgress = Progress & { readonly workers: number; readonly campaignLeft?: Eta | undefined };

export interface CampaignHooks {
  readonly progress?: (p: CampaignProgress) => void;
  readonly counterexample?: (cx: Counterexample, cutShort: boolean) => void;
  readonly suiteDone?: (r: SuiteResult) => void;
  /** Something worth a log line (e.g. workers unavailable). */
  readonly note?: (line: string) => void;
}

export interface Memory {
  readonly rssStartMB: number;
  readonly rssEndMB: number;
  /** The process's maximum resident set size (getrusage's ru_maxrss): worker threads included, as they live in this process. */
  readonly rssPeakMB: number;
}

export interface CampaignRun {
  readonly results: SuiteResult[];
  readonly interrupted: boolean;
  /** Lanes actually used. */
  readonly workers: number;
  readonly durationMs: number;
  /** CPU time of the whole process (every thread) during the campaign. */
  readonly cpuMs: number;
  readonly memory: Memory;
}

/** Each suite's seed range starts at a fixed offset by its registry position: `--suite X` alone runs what the full campaign runs for X. */
export function suiteSeed(seed: number, suite: string): number {
  return (seed + suiteNames.indexOf(suite) * 1_000_003) | 0;
}

const mb = (): number => Math.round(process.memoryUsage.rss() / 2 ** 20);
/** The true peak, not a sample: the kernel's maximum RSS of the process so far (KiB). */
const peakMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** A handle to stop a running campaign (Ctrl-C): batches in flight end early, nothing new starts. */
export interface CampaignControl {
  interrupt(): void;
}

export async function runCampaign(o: CampaignOptions, hooks: CampaignHooks = {}, control?: (c: CampaignControl) => void): Promise<CampaignRun> {
  const flags = newFlags();
  control?.({ interrupt: () => interrupt(flags) });
  const script = o.workers > 1 ? workerScript() : undefined;
  if (o.workers > 1 && script === undefined) hooks.note?.(`--workers ${o.workers}: no compiled worker script (running from sources?); running in this thread`);
  const executor: Executor = script === undefined ? new InProcessExecutor(flags) : new WorkerPool(o.workers, script, flags);
  const rssStartMB = mb();
  const started = performance.now();
  const end = epochNow() + o.timeLimitMs;
  const cpu0 = process.cpuUsage();
  const results: SuiteResult[] = [];
  let rssEndMB = rssStartMB;
  let cpuMs = 0;
  const plan = planBatches(o.runs, BATCH_SIZE, o.shard);
  const suitePlan = o.suites.map((suite) => ({ suite, runs: plannedRuns(plan) ?? 0 }));
  try {
    for (const [i, name] of o.suites.entries()) {
      if (Atomics.load(flags, 1) !== 0) break;
      const suite = getSuite(name)!;
      // The time left is shared out among the suites left, so a quick suite leaves its share to the next.
      const left = end - epochNow();
      const deadline = epochNow() + Math.max(1, left / (o.suites.length - i));
      const r = await runScheduled({
        suite,
        suiteSeed: suiteSeed(o.seed, name),
        plan,
        maxCommands: o.maxCommands ?? suite.maxCommands,
        mutant: o.mutant,
        deadline,
        executor,
        flags,
        onBatch: (p) => {
          const campaignLeft = campaignTimeLeft({
            plan: suitePlan,
            current: i,
            runsDone: p.runs,
            elapsedMs: p.elapsedMs,
            done: results.map((x) => ({ suite: x.suite, runs: x.runs, durationMs: x.durationMs })),
            priorMsPerRun: o.priorMsPerRun ?? new Map(),
            budgetLeftMs: Math.max(0, end - epochNow()),
          });
          hooks.progress?.({ ...p, workers: executor.lanes, campaignLeft });
        },
        ...(hooks.counterexample === undefined ? {} : { onCounterexample: hooks.counterexample }),
      });
      results.push(r);
      hooks.suiteDone?.(r);
    }
    rssEndMB = mb(); // before the workers go
    const cpu = process.cpuUsage(cpu0);
    cpuMs = (cpu.user + cpu.system) / 1000;
  } finally {
    await executor.close();
  }
  return { results, interrupted: Atomics.load(flags, 1) !== 0, workers: executor.lanes, durationMs: performance.now() - started, cpuMs, memory: { rssStartMB, rssEndMB, rssPeakMB: Math.max(peakMB(), rssEndMB) } };
}
