// mheap-spec check: the property campaign. Runs every suite (or those
// named), writes reports/summary.json and summary.md, and saves each
// counterexample the moment it is shrunk.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Mutants } from '../model/mutants.js';
import { enableMutant, mutantNames } from '../model/mutants.js';
import type { SuiteResult } from '../properties/harness/campaign.js';
import { runSuite } from '../properties/harness/campaign.js';
import { saveCounterexample, writeAtomic } from '../properties/harness/files.js';
import { formatCounterexample } from '../properties/harness/printer.js';
import { buildSummary, summaryMarkdown } from '../properties/harness/report.js';
import type { AnySuite } from '../properties/harness/suite.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import type { Io } from './io.js';
import { EXIT_FAILED, EXIT_OK, UsageError, parseCount, parseDuration, parseInteger } from './usage.js';

export const checkHelp = `usage: mheap-spec check [options]

Run the property campaign: every suite (or those named) generates random
command sequences, checks every catalog entry after every step, and shrinks
any failure to a short Go-like trace. Writes <out>/summary.json,
<out>/summary.md and <out>/counterexamples/<suite>-<seed>.{json,txt}.

options:
  --suite NAME        run this suite (repeatable; default: all: ${suiteNames.join(', ')})
  --runs N            runs per suite (default 10000)
  --time-limit DUR    stop starting new runs after DUR in all (default 10m; e.g. 90s, 5m, 1h)
  --seed S            campaign seed (default 1); the same seed gives the same runs
  --max-commands K    commands per generated sequence (default: the suite's, 200)
  --out DIR           where reports go (default: reports)
  --mutant NAME       run against a deliberately broken model (${mutantNames.join(', ')})
  --json              print the summary as JSON on stdout
  --help              this text

exit status: 0 nothing failed, 1 an invariant failed or a witness was never reached, 2 bad input`;

export function check(argv: string[], io: Io): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', multiple: true },
      runs: { type: 'string' },
      'time-limit': { type: 'string' },
      seed: { type: 'string' },
      'max-commands': { type: 'string' },
      out: { type: 'string' },
      mutant: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    io.out(checkHelp + '\n');
    return EXIT_OK;
  }
  const names = values.suite ?? [...suiteNames];
  for (const n of names) if (!suiteNames.includes(n)) throw new UsageError(`unknown suite ${JSON.stringify(n)} (suites: ${suiteNames.join(', ')})`);
  const runs = values.runs === undefined ? 10_000 : parseCount('--runs', values.runs, 1);
  const timeLimitMs = values['time-limit'] === undefined ? 600_000 : parseDuration('--time-limit', values['time-limit']);
  const seed = values.seed === undefined ? 1 : parseInteger('--seed', values.seed);
  const maxCommands = values['max-commands'] === undefined ? undefined : parseCount('--max-commands', values['max-commands'], 1);
  const out = values.out ?? 'reports';
  let mutant: keyof Mutants | null = null;
  if (values.mutant !== undefined) {
    if (!mutantNames.includes(values.mutant as keyof Mutants)) throw new UsageError(`unknown mutant ${JSON.stringify(values.mutant)} (mutants: ${mutantNames.join(', ')})`);
    mutant = values.mutant as keyof Mutants;
    enableMutant(mutant);
  }

  const suites: AnySuite[] = names.map((n) => getSuite(n)!);
  const results: SuiteResult[] = [];
  const files = new Map<string, string>();
  const started = performance.now();
  const cxDir = join(out, 'counterexamples');
  for (const [i, suite] of suites.entries()) {
    // Each suite gets its own seed range, so adding a suite does not change the others' runs.
    const suiteSeed = (seed + i * 1_000_003) | 0;
    const left = timeLimitMs - (performance.now() - started);
    const perSuite = Math.max(1, left / (suites.length - i));
    const r = runSuite(suite, {
      seed: suiteSeed,
      runs,
      timeLimitMs: perSuite,
      mutant,
      ...(maxCommands === undefined ? {} : { maxCommands }),
      onBatch: (p) => io.progress(`${p.suite}: ${p.runs} runs, ${p.steps} checked steps, ${Math.round((p.steps / p.elapsedMs) * 1000)} steps/s, ${Math.round((perSuite - p.elapsedMs) / 1000)} s left`),
    });
    results.push(r);
    if (r.counterexample !== undefined) {
      const file = saveCounterexample(cxDir, r.counterexample);
      files.set(suite.name, file);
      io.err(formatCounterexample(r.counterexample.program, [], r.counterexample.failure, file));
    }
    io.log(`${suite.name}: ${r.runs} runs, ${r.steps} checked steps (${Math.round((r.steps / Math.max(1, r.durationMs)) * 1000)}/s), ${r.counterexample === undefined ? 'no failures' : `FAIL ${r.counterexample.failure.id}`}, ${(r.durationMs / 1000).toFixed(1)} s`);
  }
  const summary = buildSummary({ seed, runs, timeLimitMs, ...(maxCommands === undefined ? {} : { maxCommands }) }, suites, results, files);
  writeAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeAtomic(join(out, 'summary.md'), summaryMarkdown(summary));
  for (const u of summary.unreached) io.err(`witness never reached: ${u}\n`);
  if (values.json === true) io.out(JSON.stringify(summary, null, 2) + '\n');
  io.log(`summary: ${join(out, 'summary.md')} — ${summary.ok ? 'PASS' : 'FAIL'}`);
  return summary.ok ? EXIT_OK : EXIT_FAILED;
}
