// mheap-spec check: the property campaign. Runs every suite (or those
// named) over worker threads, shows progress, saves each counterexample the
// moment it is shrunk, and writes the reports (reports.ts). Every argument
// is validated, and the output directory made and proven writable, before
// any work starts. Only the canonical campaign (canonical.ts) run to its
// end writes reports/; any other run writes to a directory of its own
// under runs/ unless --out names one (outputs.ts).

import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { appliedMutant } from '../mutants/applied.js';
import { namedMutantIds } from '../mutants/catalog.js';
import { counterexampleName, saveCounterexample } from '../properties/harness/files.js';
import type { CampaignOptions, CampaignProgress } from '../properties/harness/orchestrate.js';
import { runCampaign } from '../properties/harness/orchestrate.js';
import { formatCounterexample } from '../properties/harness/printer.js';
import type { Summary } from '../properties/harness/report.js';
import { buildSummary, recordOf } from '../properties/harness/report.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import { CANONICAL_RUNS, CANONICAL_SEED, CANONICAL_TIME_LIMIT_MS, REPORTS_DIR, isCanonical } from './canonical.js';
import { runInMutant } from './inMutant.js';
import { parseFlags } from './flags.js';
import { readSummary } from './invariants.js';
import type { Io, StopSignal } from './io.js';
import { SIGNAL_EXIT } from './io.js';
import { RUNS_DIR, newRunDir, prepareOutDir } from './outputs.js';
import { readCounterexampleFiles, writeCounterexampleFiles, writeReports } from './reports.js';
import { EXIT_CUT_SHORT, EXIT_FAILED, EXIT_OK, parseCount, parseDuration, parseInteger, parseShard, unknown } from './usage.js';

const MAX_WORKERS = 64;
const MAX_RUNS = 1_000_000_000;
const MAX_COMMANDS = 10_000;

const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

export const checkHelp = `usage: mheap-spec check [options]

Run the property campaign: every suite (or those named) generates random
command sequences, checks every catalog entry after every step, and shrinks
any failure to a short Go-like trace. Writes summary.json, summary.md,
coverage.md, invariants.md and counterexamples/<suite>-<seed>.{json,txt}.

Where: the canonical campaign (no options but --workers and --json, as
npm start runs it) writes the committed ${REPORTS_DIR}/, once it has run to its
end; any other run writes to a new directory under ${RUNS_DIR}/ (printed at
the start and the end), unless --out names one.

options:
  --suite NAME        run this suite (repeatable; default: all: ${suiteNames.join(', ')})
  --runs N            runs per suite (default ${CANONICAL_RUNS.toLocaleString('en-US')}), in batches of 50: batch b runs from seed + b
  --time-limit DUR    stop starting runs after DUR in all (default ${clock(CANONICAL_TIME_LIMIT_MS)}; e.g. 90s, 5m, 1h);
                      a campaign it cuts short says so, and its verdict is CUT SHORT
  --seed S            campaign seed (default ${CANONICAL_SEED}); the same seed gives the same runs and the same report
  --max-commands K    commands per generated sequence (default: the suite's)
  --shard k/n         run only the k-th of n slices of every suite's batches (one CI job each);
                      mheap-spec merge joins the shards' reports into the report of one campaign
  --workers N         worker threads (default: the number of cores, ${availableParallelism()} here);
                      any N gives the same report as 1 (timings aside)
  --out DIR           where reports go (default: see above)
  --mutant ID         run against a named mutant: a deliberately broken model built from
                      mutants/patches/ID.patch (mheap-spec mutants lists them)
  --json              print the summary as JSON on stdout
  --help              this text

Ctrl-C, SIGTERM and SIGHUP stop cleanly: batches in flight end, the report
so far is written (exit 130, 143, 129); a second signal quits at once.

exit status: 0 nothing failed and every run asked for was done, 1 an invariant
failed or a witness was never reached, 2 bad input, 3 cut short by the time
limit (nothing failed in the runs done), 130/143/129 stopped by a signal`;

const checkOptions = {
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
} as const;

interface CheckArgs {
  readonly campaign: CampaignOptions;
  /** --out, if given. */
  readonly out: string | undefined;
  readonly json: boolean;
  readonly notes: readonly string[];
}

function parseCheck(argv: string[]): CheckArgs | 'help' {
  const { values } = parseFlags(argv, checkOptions);
  if (values.help === true) return 'help';
  const named = values.suite ?? [...suiteNames];
  for (const n of named) if (!suiteNames.includes(n)) throw unknown('suite', 'suites', n, suiteNames);
  // Campaign order is registry order, each suite once, however they were named.
  const suites = suiteNames.filter((n) => named.includes(n));
  const cores = availableParallelism();
  const workers = values.workers === undefined ? cores : parseCount('--workers', values.workers, 1, MAX_WORKERS);
  const notes = workers > cores ? [`--workers ${workers}: more than the ${cores} cores here; the workers share them (the report is the same, the campaign no faster)`] : [];
  if (values.mutant !== undefined && !namedMutantIds.includes(values.mutant)) throw unknown('mutant', 'mutants', values.mutant, namedMutantIds);
  // In a mutant's build the campaign is that mutant's.
  const mutant = values.mutant ?? appliedMutant();
  const maxCommands = values['max-commands'] === undefined ? undefined : parseCount('--max-commands', values['max-commands'], 1, MAX_COMMANDS);
  const shard = values.shard === undefined ? undefined : parseShard('--shard', values.shard);
  return {
    campaign: {
      suites,
      runs: values.runs === undefined ? CANONICAL_RUNS : parseCount('--runs', values.runs, 1, MAX_RUNS),
      timeLimitMs: values['time-limit'] === undefined ? CANONICAL_TIME_LIMIT_MS : parseDuration('--time-limit', values['time-limit']),
      seed: values.seed === undefined ? CANONICAL_SEED : parseInteger('--seed', values.seed),
      mutant,
      workers,
      ...(maxCommands === undefined ? {} : { maxCommands }),
      ...(shard === undefined ? {} : { shard }),
    },
    out: values.out,
    json: values.json === true,
    notes,
  };
}

const num = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The live line: runs, checked steps/s, failures, the whole campaign's time left. */
export function progressLine(p: CampaignProgress): string {
  const runs = p.plannedRuns === undefined ? num(p.runs) : `${num(p.runs)}/${num(p.plannedRuns)}`;
  const e = p.campaignLeft;
  const left = e === undefined ? '? left' : `${e.lowerBound ? 'at least ' : ''}${clock(e.ms)} left${e.atLimit === true ? ' (cut short then by the time limit)' : ''}`;
  return `${p.suite}: ${runs} runs · ${num((p.steps / Math.max(1, p.elapsedMs)) * 1000)} checked steps/s · ${p.failures} failure${p.failures === 1 ? '' : 's'} · campaign ${left} · ${p.workers} worker${p.workers === 1 ? '' : 's'}`;
}

/** Each suite's milliseconds per run in the last campaign recorded in reports/ (for the time left). */
function priorTimings(): Map<string, number> {
  const m = new Map<string, number>();
  const s = readSummary(join(REPORTS_DIR, 'summary.json'));
  for (const t of s?.timings?.suites ?? []) {
    const r = s!.suites.find((x) => x.suite === t.suite);
    if (r !== undefined && r.runs > 0 && t.durationMs > 0) m.set(t.suite, t.durationMs / r.runs);
  }
  return m;
}

/** Where this run writes: its directory, and whether it is the canonical campaign staged for reports/. */
function outputDir(args: CheckArgs): { dir: string; canonical: boolean } {
  if (args.out !== undefined) {
    prepareOutDir(args.out);
    return { dir: args.out, canonical: false };
  }
  const canonical = isCanonical(args.campaign);
  if (canonical) prepareOutDir(REPORTS_DIR, `${REPORTS_DIR}/`);
  return { dir: newRunDir('check'), canonical };
}

export async function check(argv: string[], io: Io): Promise<number> {
  const args = parseCheck(argv);
  if (args === 'help') {
    io.out(checkHelp + '\n');
    return EXIT_OK;
  }
  const { campaign: c } = args;
  // Another model than this build's: the campaign runs in the mutant's build.
  if (c.mutant !== null && c.mutant !== appliedMutant()) return runInMutant(c.mutant, ['check', ...argv], io);
  const { dir, canonical } = outputDir(args);
  const cxDir = join(dir, 'counterexamples');
  for (const n of args.notes) io.log(n);
  io.log(`campaign: seed ${c.seed}, ${c.suites.join(', ')}; ${num(c.runs)} runs per suite${c.shard === undefined ? '' : `, shard ${c.shard.k}/${c.shard.n}`}; time limit ${clock(c.timeLimitMs)}${c.mutant === null ? '' : `; mutant ${c.mutant}`}`);
  io.log(canonical ? `reports: ${REPORTS_DIR}/ once the campaign has run to its end (until then: ${dir})` : `reports: ${dir}${args.out === undefined ? ` (not the canonical campaign: the committed ${REPORTS_DIR}/ is left as it is)` : ''}`);
  let stopListening = (): void => {};
  let stoppedBy: StopSignal | undefined;
  const run = await runCampaign(
    { ...c, priorMsPerRun: priorTimings() },
    {
      progress: (p) => io.progress(progressLine(p)),
      counterexample: (cx, cutShort) => {
        const file = saveCounterexample(cxDir, cx);
        io.err(formatCounterexample(cx.program, [], cx.failure, file));
        if (cutShort) io.err('(its shrinking was cut short: a lower batch failed first, and that one is the campaign\'s counterexample)\n');
      },
      suiteDone: (r) =>
        io.log(
          `${r.suite}: ${num(r.runs)}${r.runsAsked === null || r.runsAsked === r.runs ? '' : ` of ${num(r.runsAsked)}`} runs, ${num(r.steps)} checked steps (${num((r.steps / Math.max(1, r.durationMs)) * 1000)}/s), ${r.counterexample === undefined ? 'no failures' : `FAIL ${r.counterexample.failure.id} (counterexamples/${counterexampleName(r.counterexample)}.json)`}${r.cut ? ', CUT SHORT by the time limit' : ''}, ${(r.durationMs / 1000).toFixed(1)} s`,
        ),
      note: (l) => io.log(l),
    },
    (control) => {
      stopListening =
        io.onInterrupt?.((sig) => {
          stoppedBy ??= sig;
          io.log(`interrupted (${sig}): finishing the batches in flight and writing the report (a second signal quits at once)`);
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
  writeReports(dir, summary, suites);
  const where = canonical ? publish(dir, REPORTS_DIR, summary, suites, io) : dir;
  stopListening(); // signals stay handled until the reports are on disk
  if (summary.verdict === 'FAIL') for (const u of summary.unreached) io.err(`witness never reached: ${u}\n`);
  if (summary.cutShort) io.err(`cut short by the time limit (${clock(c.timeLimitMs)}): ${summary.suites.filter((r) => r.cut).map((r) => `${r.suite} ${num(r.runs)} of ${num(r.runsAsked)} runs`).join(', ')}\n`);
  if (args.json) io.out(JSON.stringify(summary, null, 2) + '\n');
  io.log(`memory: RSS ${run.memory.rssStartMB} MB at start, ${run.memory.rssEndMB} MB at end; the process's maximum RSS ${run.memory.rssPeakMB} MB`);
  io.log(`summary: ${join(where, 'summary.md')} — ${summary.verdict}`);
  if (run.interrupted) return SIGNAL_EXIT[stoppedBy ?? 'SIGINT'];
  return summary.verdict === 'PASS' ? EXIT_OK : summary.verdict === 'CUT SHORT' ? EXIT_CUT_SHORT : EXIT_FAILED;
}

/**
 * The canonical campaign, run to its end, becomes reports/ (its staging
 * directory is then removed); one interrupted or cut short stays where it
 * ran and reports/ is left as it was. Returns where the reports are.
 */
export function publish(stage: string, reports: string, summary: Summary, suites: Parameters<typeof writeReports>[2], io: Io): string {
  if (summary.interrupted || summary.cutShort) {
    io.log(`${reports}/ is left as it was: this canonical campaign was ${summary.interrupted ? 'interrupted' : 'cut short by its time limit'}; its report is in ${stage}`);
    return stage;
  }
  writeCounterexampleFiles(reports, readCounterexampleFiles(stage));
  writeReports(reports, summary, suites);
  rmSync(stage, { recursive: true, force: true });
  return reports;
}
