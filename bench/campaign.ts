// Campaign-level measurements: the speed-up of worker threads (the CLI,
// each in a fresh process so neither starts with a warm JIT: same seeds,
// --workers 1 then --workers 2, and the same report), and RSS over a long
// campaign.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CampaignRun } from '../properties/harness/orchestrate.js';
import { runCampaign } from '../properties/harness/orchestrate.js';
import { CAMPAIGN_NODE_FLAGS } from '../properties/harness/pool.js';
import type { Summary } from '../properties/harness/report.js';
import { median } from './median.js';

export interface Speedup {
  readonly suites: readonly string[];
  readonly runs: number;
  /** Campaigns per worker count; the figures are the medians. */
  readonly reps: number;
  readonly cores: number;
  readonly workers1Ms: number;
  readonly workers2Ms: number;
  readonly workers1AllMs: readonly number[];
  readonly workers2AllMs: readonly number[];
  /** The median of the pairs' ratios (each 1-worker campaign over the 2-worker one run right after it: a pair sees the same host load). */
  readonly speedup: number;
  readonly pairSpeedups: readonly number[];
  /** The ratio of the two medians. */
  readonly speedupOfMedians: number;
  /** Cores busy during the 1-worker run (V8's compiler and GC threads use the second core too): 2 cores allow at most cores/this. */
  readonly workers1CoresBusy: number;
  /** Whether both wrote the same report (timings aside). */
  readonly same: boolean;
}

const cliPath = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function campaign(suites: readonly string[], runs: number, seed: number, workers: number): Summary {
  const out = mkdtempSync(join(tmpdir(), 'mheap-bench-'));
  try {
    const args = [...CAMPAIGN_NODE_FLAGS, cliPath, 'check', ...suites.flatMap((s) => ['--suite', s]), '--runs', String(runs), '--seed', String(seed), '--workers', String(workers), '--out', out];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mheap-spec check --workers ${workers} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const untimed = (s: Summary): string => JSON.stringify({ ...s, timings: null });

export function measureSpeedup(suites: readonly string[], runs: number, seed: number, reps = 5): Speedup {
  // Alternate 1 and 2 workers, reps times each: the machine is noisy, and
  // its speed drifts, so each pair is compared, and the median pair counts.
  const ones: Summary[] = [];
  const twos: Summary[] = [];
  for (let r = 0; r < reps; r++) {
    ones.push(campaign(suites, runs, seed, 1));
    twos.push(campaign(suites, runs, seed, 2));
  }
  const med = (xs: Summary[]): Summary => [...xs].sort((a, b) => a.timings.durationMs - b.timings.durationMs)[Math.floor(xs.length / 2)]!;
  const one = med(ones);
  const two = med(twos);
  const pairs = ones.map((s, i) => s.timings.durationMs / twos[i]!.timings.durationMs);
  const t1 = one.timings.durationMs;
  const t2 = two.timings.durationMs;
  return {
    suites,
    runs,
    reps,
    cores: availableParallelism(),
    workers1Ms: t1,
    workers2Ms: t2,
    workers1AllMs: ones.map((s) => s.timings.durationMs),
    workers2AllMs: twos.map((s) => s.timings.durationMs),
    speedup: Number(median(pairs).toFixed(2)),
    pairSpeedups: pairs.map((x) => Number(x.toFixed(2))),
    speedupOfMedians: Number((t1 / t2).toFixed(2)),
    workers1CoresBusy: Number(((one.timings.cpuMs ?? 0) / t1).toFixed(2)),
    same: [...ones, ...twos].every((s) => untimed(s) === untimed(ones[0]!)),
  };
}

export interface MemorySample {
  readonly atS: number;
  readonly rssMB: number;
}

/** A campaign of every suite for `ms`, runs unbounded, RSS sampled every `everyMs`. */
export async function campaignMemory(suites: readonly string[], ms: number, everyMs: number, log: (line: string) => void): Promise<{ samples: MemorySample[]; run: CampaignRun }> {
  const t0 = performance.now();
  const samples: MemorySample[] = [];
  const sample = (): void => {
    const s = { atS: Math.round((performance.now() - t0) / 1000), rssMB: Math.round(process.memoryUsage.rss() / 2 ** 20) };
    samples.push(s);
    log(`  t=${String(s.atS).padStart(5)} s  RSS ${s.rssMB} MB`);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  try {
    const run = await runCampaign({ suites, seed: 1, runs: 1_000_000_000, timeLimitMs: ms, mutant: null, workers: availableParallelism() });
    return { samples, run };
  } finally {
    clearInterval(timer);
  }
}
