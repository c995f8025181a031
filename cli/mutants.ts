// mheap-spec mutants [--only ID...] [--json]: run the suites against every
// named mutant (mutants/catalog.ts), each in its own build, and write the
// kill matrix to reports/mutants.md and .json.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { namedMutant, namedMutantIds, namedMutants } from '../mutants/catalog.js';
import { probeInBuild } from '../mutants/probeRun.js';
import type { MutantOutcome } from '../mutants/report.js';
import { buildReport, medianTimeToFailure, reportMarkdown, verdictOf } from '../mutants/report.js';
import { MutantBuildError, prepareMutant } from '../mutants/scratch.js';
import { writeAtomic } from '../properties/harness/files.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import { CANONICAL_RUNS, REPORTS_DIR } from './canonical.js';
import { parseFlags } from './flags.js';
import type { Io } from './io.js';
import { newRunDir, prepareOutDir } from './outputs.js';
import { EXIT_FAILED, EXIT_OK, parseCount, unknown } from './usage.js';

const SEEDS = 5;

export const mutantsHelp = `usage: mheap-spec mutants [--only ID]... [--json] [--out DIR]

Run the suites against every named mutant: a deliberate bug in model/,
kept as a patch (mutants/patches/ID.patch, catalogued in mutants/catalog.ts)
and applied to a scratch copy of the project built under .cache/mutants/.
For each of ${SEEDS} campaign seeds (1, 1001, 2001, ...: 1,000 apart, so no two
share a batch) the mutant's suites run in order, in 50-run batches up
to ${CANONICAL_RUNS.toLocaleString('en-US')} runs per suite, until a run fails. A mutant is killed when
every seed fails on a rule (or Go throw) the catalog expects.

Writes mutants.md and mutants.json: the kill matrix, what caught each
mutant, the time to the first failure (median of the seeds), the shrunk
length and program, and the catalog rules no mutant catches. The whole
catalog writes to reports/; --only, --seeds or --runs to a directory of
its own under runs/ (printed), unless --out names one.

options:
  --only ID      probe only this mutant (repeatable; ${namedMutantIds.length} in the catalog)
  --seeds N      seeds per mutant (default ${SEEDS})
  --runs N       runs per suite and seed (default ${CANONICAL_RUNS.toLocaleString('en-US')})
  --workers N    mutants probed at once (default: the number of cores, ${availableParallelism()} here)
  --out DIR      where the report goes
  --json         print the report as JSON on stdout
  --help         this text

exit status: 0 every mutant probed is killed, 1 one survived, was caught
by a rule the catalog does not expect, or does not build, 2 bad input`;

const options = {
  only: { type: 'string', multiple: true },
  seeds: { type: 'string' },
  runs: { type: 'string' },
  workers: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** The catalog's state invariants and action properties, over every suite. */
function catalogRules(): string[] {
  const ids = new Set<string>();
  for (const n of suiteNames) {
    const c = getSuite(n)!.catalog;
    for (const e of [...c.state, ...c.action]) ids.add(e.id);
  }
  return [...ids];
}

export async function mutants(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, options);
  if (values.help === true) {
    io.out(mutantsHelp + '\n');
    return EXIT_OK;
  }
  const only = values.only ?? [];
  for (const id of only) if (!namedMutantIds.includes(id)) throw unknown('mutant', 'mutants', id, namedMutantIds);
  const seeds = values.seeds === undefined ? SEEDS : parseCount('--seeds', values.seeds, 1, 1000);
  const runs = values.runs === undefined ? CANONICAL_RUNS : parseCount('--runs', values.runs, 1, 10_000_000);
  const workers = values.workers === undefined ? availableParallelism() : parseCount('--workers', values.workers, 1, 64);
  const whole = only.length === 0 && seeds === SEEDS && runs === CANONICAL_RUNS;
  let dir: string;
  if (values.out !== undefined) {
    prepareOutDir(values.out);
    dir = values.out;
  } else if (whole) {
    prepareOutDir(REPORTS_DIR, `${REPORTS_DIR}/`);
    dir = REPORTS_DIR;
  } else dir = newRunDir('mutants');
  const chosen = only.length === 0 ? namedMutants : namedMutantIds.filter((id) => only.includes(id)).map(namedMutant);

  const outcomes: MutantOutcome[] = new Array(chosen.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < chosen.length; i = next++) {
      const m = chosen[i]!;
      let build: string;
      try {
        build = prepareMutant(m.id, (l) => io.log(l));
      } catch (e) {
        if (!(e instanceof MutantBuildError)) throw e;
        outcomes[i] = { mutant: m, verdict: 'does not build', buildError: e.message };
        io.log(`${m.id}: DOES NOT BUILD: ${e.message}`);
        continue;
      }
      const probe = await probeInBuild(build, seeds, runs);
      const o: MutantOutcome = { mutant: m, verdict: verdictOf(m, probe), probe };
      outcomes[i] = o;
      const caught = [...new Set(probe.seeds.map((s) => s.caught ?? 'nothing'))].join(', ');
      io.log(`${m.id}: ${o.verdict} by ${caught}; median time to first failure ${(medianTimeToFailure(o) / 1000).toFixed(2)} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, chosen.length) }, worker));

  const report = buildReport(outcomes, catalogRules(), seeds, runs);
  writeAtomic(join(dir, 'mutants.json'), JSON.stringify(report, null, 2) + '\n');
  writeAtomic(join(dir, 'mutants.md'), reportMarkdown(report));
  if (values.json === true) io.out(JSON.stringify(report, null, 2) + '\n');
  io.log(`mutants: ${report.killed} of ${report.total} killed; median time to first failure ${((report.medianTimeToFailureMs ?? NaN) / 1000).toFixed(2)} s, max ${((report.maxTimeToFailureMs ?? NaN) / 1000).toFixed(2)} s; ${report.rulesNoMutantCatches.length} rules no mutant catches`);
  io.log(`report: ${join(dir, 'mutants.md')}`);
  return report.killed === report.total ? EXIT_OK : EXIT_FAILED;
}
