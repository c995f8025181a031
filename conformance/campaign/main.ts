// `npm run conformance [-- --ops N --seed S --runtime LIST --mutant NAME --out DIR]`:
// the differential campaign against every real Go runtime installed (or the
// ones named), one after another (conformance/README.md). Prints the
// figures; writes <out>/conformance.md and, for a divergence, the shrunk
// trace under <out>/conformance/.
// Exit status: 0 no divergence, 1 a divergence, 2 bad arguments, 3 a runtime
// missing (none installed, or one that --runtime names).

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EXIT_USAGE, UsageError, parseCount, parseInteger } from '../../cli/usage.js';
import { runInMutant } from '../../cli/inMutant.js';
import { processIo } from '../../cli/io.js';
import { appliedMutant } from '../../mutants/applied.js';
import { namedMutantIds } from '../../mutants/catalog.js';
import { writeAtomic } from '../../properties/harness/files.js';
import type { GoRuntime } from '../realgo/gorunner.js';
import { buildReplayer, goRuntimes } from '../realgo/gorunner.js';
import type { RealRelease } from '../versions/catalog.js';
import type { CampaignOptions } from './campaign.js';
import { runCampaign } from './campaign.js';
import type { RuntimeRun } from './report.js';
import { conformanceMarkdown, describeDivergence, saveDivergence } from './report.js';

/** The runtimes the version catalog has a policy for. */
export const REAL_RELEASES: readonly RealRelease[] = ['go1.19', 'go1.26'];

export const conformanceHelp = `usage: npm run conformance [-- options]

Generate random page-allocator traces, run each on the model and on each real
Go runtime (conformance/realgo/), compare every line field by field (letting
through only the differences the version catalog names), shrink the first
divergence to a minimal trace. Writes <out>/conformance.md and
<out>/conformance/divergence-*.{json,txt}.

options:
  --ops N          random ops to compare per runtime (default 100000)
  --seed S         campaign seed (default 1); the same seed gives the same traces
  --runtime LIST   the runtimes to compare with, e.g. go1.19,go1.26 (default:
                   every one installed); a runtime named here and not
                   installed is a failure (exit 3), not a skip
  --mutant ID      run a named mutant's model (mutants/catalog.ts; built from mutants/patches/ID.patch)
  --out DIR        where reports go (default reports)
  --help           this text

exit status: 0 no divergence, 1 a divergence, 2 bad arguments, 3 a runtime missing`;

const EXIT_NO_GO = 3;

type Options = Omit<CampaignOptions, 'bin'> & { out: string; runtimes: readonly RealRelease[] | undefined };

function options(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: { ops: { type: 'string' }, seed: { type: 'string' }, runtime: { type: 'string' }, mutant: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return undefined;
  if (values.mutant !== undefined && !namedMutantIds.includes(values.mutant)) throw new UsageError(`unknown mutant ${JSON.stringify(values.mutant)} (mutants: ${namedMutantIds.join(', ')})`);
  const mutant = values.mutant ?? appliedMutant();
  let runtimes: RealRelease[] | undefined;
  if (values.runtime !== undefined) {
    runtimes = [];
    for (const r of values.runtime.split(',')) {
      if (!REAL_RELEASES.includes(r as RealRelease)) throw new UsageError(`--runtime: unknown runtime ${JSON.stringify(r)} (the version catalog covers ${REAL_RELEASES.join(', ')})`);
      if (!runtimes.includes(r as RealRelease)) runtimes.push(r as RealRelease);
    }
  }
  return {
    ops: values.ops === undefined ? 100_000 : parseCount('--ops', values.ops, 1),
    seed: values.seed === undefined ? 1 : parseInteger('--seed', values.seed),
    mutant,
    out: values.out ?? 'reports',
    runtimes,
  };
}

/** The runtimes to compare with: those named (all must be installed) or every installed one the catalog covers. */
function chooseRuntimes(wanted: readonly RealRelease[] | undefined): { runtimes: (GoRuntime & { release: RealRelease })[]; problem?: string } {
  const found = goRuntimes();
  const covered = found.filter((rt): rt is GoRuntime & { release: RealRelease } => REAL_RELEASES.includes(rt.release as RealRelease));
  if (wanted === undefined) {
    for (const rt of found) if (!covered.includes(rt as GoRuntime & { release: RealRelease })) process.stderr.write(`conformance: ${rt.version} (${rt.go}) skipped: the version catalog covers ${REAL_RELEASES.join(', ')}\n`);
    if (covered.length === 0) return { runtimes: [], problem: 'no Go runtime is installed (apt-get install golang-1.19-go golang-1.19-src; Go 1.26 as `go` on PATH): nothing compared' };
    return { runtimes: covered };
  }
  const missing = wanted.filter((w) => !covered.some((rt) => rt.release === w));
  if (missing.length > 0) {
    const have = found.map((rt) => `${rt.version} (${rt.go})`).join(', ') || 'none';
    return { runtimes: [], problem: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed (found: ${have}): nothing compared` };
  }
  return { runtimes: wanted.map((w) => covered.find((rt) => rt.release === w)!) };
}

export async function conformance(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = options(argv);
  } catch (e) {
    if (!(e instanceof UsageError) && !String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) throw e;
    process.stderr.write(`conformance: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (opts === undefined) {
    process.stdout.write(conformanceHelp + '\n');
    return 0;
  }
  // Another model than this build's: the campaign runs in the mutant's build.
  if (opts.mutant !== null && opts.mutant !== appliedMutant()) {
    try {
      return await runInMutant(opts.mutant, argv, processIo(), 'conformance/campaign/main.js');
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      process.stderr.write(`conformance: ${e.message}\n`);
      return EXIT_USAGE;
    }
  }
  const { runtimes, problem } = chooseRuntimes(opts.runtimes);
  if (problem !== undefined) {
    process.stderr.write(`conformance: ${problem}\n`);
    return EXIT_NO_GO;
  }
  const tty = process.stderr.isTTY === true;
  const runs: RuntimeRun[] = [];
  const out: string[] = [];
  for (const rt of runtimes) {
    const bin = await buildReplayer(rt.go);
    const r = await runCampaign({
      ...opts,
      bin,
      release: rt.release,
      progress: (t) => tty && t.traces % 50 === 0 && process.stderr.write(`\r${rt.release}: ${t.traces} traces, ${t.ops} ops`),
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const file = r.divergence === undefined ? undefined : saveDivergence(join(opts.out, 'conformance'), opts, rt.release, r.divergence, r.goVersion);
    runs.push({ release: rt.release, result: r, divergenceFile: file });
    const t = r.tally;
    out.push(
      `conformance${opts.mutant === null ? '' : ` (mutant ${opts.mutant})`}: model vs ${r.goVersion}, seed ${opts.seed}: ` +
        `${t.traces} traces, ${t.ops} ops, ${t.opLines} lines compared, ${r.divergence === undefined ? 0 : 1} divergences, ${(r.elapsedMs / 1000).toFixed(1)} s`,
      `  ops: ${Object.entries(t.perKind).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      rt.release === 'go1.19'
        ? `  scavenge: ${t.scavengeCompared} compared exactly, ${t.scavengeAfterFree} after a free (scavenged bits masked), ${t.unsupportedOps} unsupported`
        : `  scavenge and index: all compared exactly; ${t.catalogLines['scavChunkNoHugePageRemoved'] ?? 0} lines differed only in go1.21's noHugePage flag (scavChunkNoHugePageRemoved)`,
    );
    if (r.divergence !== undefined) {
      out.push(`  DIVERGENCE at ${describeDivergence(r.divergence)}`);
      out.push(`  shrunk from ${r.divergence.originalOps} to ${r.divergence.trace.ops.length} ops: ${file}`);
    }
  }
  writeAtomic(join(opts.out, 'conformance.md'), conformanceMarkdown(opts, runs));
  out.push(`  wrote ${join(opts.out, 'conformance.md')}`);
  process.stdout.write(out.join('\n') + '\n');
  return runs.every((r) => r.result.divergence === undefined) ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await conformance(process.argv.slice(2));
}
