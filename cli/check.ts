// mheap-spec check: the property campaign. Runs every suite (or those
// named) over worker threads, shows progress, saves each counterexample the
// moment it is shrunk, and writes the reports (reports.ts). Every argument
// is validated before anything is written.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Mutants } from '../model/mutants.js';
import { mutantNames } from '../model/mutants.js';
import type { Progress } from '../properties/harness/campaign.js';
import { counterexampleName, saveCounterexample } from '../properties/harness/files.js';
import type { CampaignOptions } from '../properties/harness/orchestrate.js';
import { runCampaign } from '../properties/harness/orchestrate.js';
import { formatCounterexample } from '../properties/harness/printer.js';
import { buildSummary, recordOf } from '../properties/harness/report.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import type { Io } from './io.js';
import { checkOutDir, writeReports } from './reports.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, UsageError, parseCount, parseDuration, parseInteger, parseShard } from './usage.js';

const MAX_WORKERS = 64;

export const checkHelp = `usage: mheap-spec check [options]

Run the property campaign: every suite (or those named) generates random
command sequences, checks every catalog entry after every step, and shrinks
any failure to a short Go-like trace. Writes <out>/summary.json, summary.md,
coverage.md, invariants.md and counterexamples/<suite>-<seed>.{json,txt}.

options:
  --suite NAME        run this suite (repeatable; default: all: ${suiteNames.join(', ')})
  --runs N            runs per suite (default 10000), in batches of 50: batch b runs from seed + b
  --time-limit DUR    stop starting new batches after DUR in all (default 10m; e.g. 90s, 5m, 1h)
  --seed S            campaign seed (default 1); the same seed gives the same runs and the same report
  --max-commands K    commands per generated sequence (default: the suite's)
  --shard k/n         run only the k-th of n slices of every suite's batches (one CI job each);
                      mheap-spec merge joins the shards' reports into the report of one campaign
  --workers N         worker threads (default: the number of cores, ${availableParallelism()} here);
                      any N gives the same report as 1 (timings aside)
  --out DIR           where reports go (default: reports)
  --mutant NAME       run against a deliberately broken model (${mutantNames.join(', ')})
  --json              print the summary as JSON on stdout
  --help              this text

Ctrl-C stops cleanly: batches in flight end, the report so far is written (exit 130).

exit status: 0 nothing failed, 1 an invariant failed or a witness was never reached,
2 bad input, 130 interrupted`;

interface CheckArgs {
  readonly campaign: CampaignOptions;
  readonly out: string;
  readonly json: boolean;
}

function parseCheck(argv: string[]): CheckArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', multiple: true },
      runs: { type: 'string' },
      'time-limit': { type: 'string' },
      seed: { type: 'string' },
      'max-commands': { type: 'string' },
      shard: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      mutant: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return 'help';
  const named = values.suite ?? [...suiteNames];
  for (const n of named) if (!suiteNames.includes(n)) throw new UsageError(`unknown suite ${JSON.stringify(n)} (suites: ${suiteNames.join(', ')})`);
  // Campaign order is registry order, each suite once, however they were named.
  const suites = suiteNames.filter((n) => named.includes(n));
  const workers = values.workers === undefined ? availableParallelism() : parseCount('--workers', values.workers, 1);
  if (workers > MAX_WORKERS) throw new UsageError(`--workers must be at most ${MAX_WORKERS}, got ${workers}`);
  let mutant: keyof Mutants | null = null;
  if (values.mutant !== undefined) {
    if (!mutantNames.includes(values.mutant as keyof Mutants)) throw new UsageError(`unknown mutant ${JSON.stringify(values.mutant)} (mutants: ${mutantNames.join(', ')})`);
    mutant = values.mutant as keyof Mutants;
  }
  const maxCommands = values['max-commands'] === undefined ? undefined : parseCount('--max-commands', values['max-commands'], 1);
  const shard = values.shard === undefined ? undefined : parseShard('--shard', values.shard);
  const out = values.out ?? 'reports';
  checkOutDir(out);
  return {
    campaign: {
      suites,
      runs: values.runs === undefined ? 10_000 : parseCount('--runs', values.runs, 1),
      timeLimitMs: values['time-limit'] === undefined ? 600_000 : parseDuration('--time-limit', values['time-limit']),
      seed: values.seed === undefined ? 1 : parseInteger('--seed', values.seed),
      mutant,
      workers,
      ...(maxCommands === undefined ? {} : { maxCommands }),
      ...(shard === undefined ? {} : { shard }),
    },
    out,
    json: values.json === true,
  };
}

const num = (n: number): string => Math.round(n).toLocaleString('en-US');

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The live line: runs, checked steps/s, failures, time left. */
export function progressLine(p: Progress & { readonly workers: number }): string {
  const rate = p.elapsedMs > 0 ? p.runs / p.elapsedMs : 0;
  const byRuns = p.plannedRuns === undefined || rate === 0 ? Infinity : (p.plannedRuns - p.runs) / rate;
  const left = Math.min(byRuns, p.budgetLeftMs ?? Infinity);
  const runs = p.plannedRuns === undefined ? num(p.runs) : `${num(p.runs)}/${num(p.plannedRuns)}`;
  return `${p.suite}: ${runs} runs · ${num((p.steps / Math.max(1, p.elapsedMs)) * 1000)} checked steps/s · ${p.failures} failure${p.failures === 1 ? '' : 's'} · ${left === Infinity ? '?' : clock(left)} left · ${p.workers} worker${p.workers === 1 ? '' : 's'}`;
}

export async function check(argv: string[], io: Io): Promise<number> {
  const args = parseCheck(argv);
  if (args === 'help') {
    io.out(checkHelp + '\n');
    return EXIT_OK;
  }
  const { campaign: c, out } = args;
  const cxDir = join(out, 'counterexamples');
  io.log(`campaign: seed ${c.seed}, ${c.suites.join(', ')}; ${num(c.runs)} runs per suite${c.shard === undefined ? '' : `, shard ${c.shard.k}/${c.shard.n}`}; time limit ${clock(c.timeLimitMs)}${c.mutant === null ? '' : `; mutant ${c.mutant}`}`);
  let stopListening = (): void => {};
  const run = await runCampaign(
    c,
    {
      progress: (p) => io.progress(progressLine(p)),
      counterexample: (cx, cutShort) => {
        const file = saveCounterexample(cxDir, cx);
        io.err(formatCounterexample(cx.program, [], cx.failure, file));
        if (cutShort) io.err('(its shrinking was cut short: a lower batch failed first, and that one is the campaign\'s counterexample)\n');
      },
      suiteDone: (r) =>
        io.log(
          `${r.suite}: ${num(r.runs)} runs, ${num(r.steps)} checked steps (${num((r.steps / Math.max(1, r.durationMs)) * 1000)}/s), ${r.counterexample === undefined ? 'no failures' : `FAIL ${r.counterexample.failure.id} (counterexamples/${counterexampleName(r.counterexample)}.json)`}, ${(r.durationMs / 1000).toFixed(1)} s`,
        ),
      note: (l) => io.log(l),
    },
    (control) => {
      stopListening =
        io.onInterrupt?.(() => {
          io.log('interrupted: finishing the batches in flight and writing the report (Ctrl-C again quits at once)');
          control.interrupt();
        }) ?? stopListening;
    },
  );
  const suites = run.results.map((r) => getSuite(r.suite)!);
  const records = run.results.map((r, i) => recordOf(suites[i]!, r, r.counterexample === undefined ? null : `counterexamples/${counterexampleName(r.counterexample)}.json`));
  const summary = buildSummary(
    {
      seed: c.seed,
      options: { suites: c.suites, runs: c.runs, timeLimitMs: c.timeLimitMs, maxCommands: c.maxCommands ?? null, mutant: c.mutant },
      shard: c.shard ?? null,
      interrupted: run.interrupted,
    },
    suites,
    records,
    {
      workers: run.workers,
      durationMs: Math.round(run.durationMs),
      cpuMs: Math.round(run.cpuMs),
      suites: run.results.map((r) => ({ suite: r.suite, durationMs: Math.round(r.durationMs), stepsPerSec: r.durationMs > 0 ? Math.round((r.steps / r.durationMs) * 1000) : 0 })),
      memory: run.memory,
    },
  );
  writeReports(out, summary, suites);
  stopListening(); // Ctrl-C stays handled until the reports are on disk
  if (!summary.ok) for (const u of summary.unreached) io.err(`witness never reached: ${u}\n`);
  if (args.json) io.out(JSON.stringify(summary, null, 2) + '\n');
  io.log(`memory: RSS ${run.memory.rssStartMB} MB at start, ${run.memory.rssEndMB} MB at end (at most ${run.memory.rssPeakMB} MB)`);
  io.log(`summary: ${join(out, 'summary.md')} — ${run.interrupted ? 'INTERRUPTED' : summary.ok ? 'PASS' : 'FAIL'}`);
  return run.interrupted ? EXIT_INTERRUPTED : summary.ok ? EXIT_OK : EXIT_FAILED;
}
