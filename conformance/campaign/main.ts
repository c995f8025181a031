// `npm run conformance [-- --ops N --seed S --mutant NAME --out DIR]`: the
// differential campaign against the real Go runtime (conformance/README.md).
// Prints the figures; writes <out>/conformance.md and, for a divergence, the
// shrunk trace under <out>/conformance/.
// Exit status: 0 no divergence, 1 a divergence, 2 bad arguments, 3 Go missing.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EXIT_USAGE, UsageError, parseCount, parseInteger } from '../../cli/usage.js';
import type { Mutants } from '../../model/mutants.js';
import { mutantNames } from '../../model/mutants.js';
import { writeAtomic } from '../../properties/harness/files.js';
import { buildReplayer, findGo } from '../realgo/gorunner.js';
import type { CampaignOptions } from './campaign.js';
import { runCampaign } from './campaign.js';
import { conformanceMarkdown, describeDivergence, saveDivergence } from './report.js';

export const conformanceHelp = `usage: npm run conformance [-- options]

Generate random page-allocator traces, run each on the model and on the real
Go runtime (conformance/realgo/), compare every line field by field, shrink the
first divergence to a minimal trace. Writes <out>/conformance.md and
<out>/conformance/divergence-*.{json,txt}.

options:
  --ops N          random ops to compare in all (default 100000)
  --seed S         campaign seed (default 1); the same seed gives the same traces
  --mutant NAME    run a deliberately wrong model (${mutantNames.join(', ')})
  --out DIR        where reports go (default reports)
  --help           this text

exit status: 0 no divergence, 1 a divergence, 2 bad arguments, 3 Go not installed`;

const EXIT_NO_GO = 3;

function options(argv: string[]): (Omit<CampaignOptions, 'bin'> & { out: string }) | undefined {
  const { values } = parseArgs({
    args: argv,
    options: { ops: { type: 'string' }, seed: { type: 'string' }, mutant: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return undefined;
  const mutant = values.mutant ?? null;
  if (mutant !== null && !mutantNames.includes(mutant as keyof Mutants)) throw new UsageError(`unknown mutant ${JSON.stringify(mutant)} (mutants: ${mutantNames.join(', ')})`);
  return {
    ops: values.ops === undefined ? 100_000 : parseCount('--ops', values.ops, 1),
    seed: values.seed === undefined ? 1 : parseInteger('--seed', values.seed),
    mutant: mutant as keyof Mutants | null,
    out: values.out ?? 'reports',
  };
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
  if (findGo() === undefined) {
    process.stderr.write('conformance: Go is not installed (apt-get install golang-1.19-go golang-1.19-src): nothing compared\n');
    return EXIT_NO_GO;
  }
  const bin = await buildReplayer();
  const tty = process.stderr.isTTY === true;
  const r = await runCampaign({
    ...opts,
    bin,
    progress: (t) => tty && t.traces % 50 === 0 && process.stderr.write(`\r${t.traces} traces, ${t.ops} ops`),
  });
  if (tty) process.stderr.write('\r\x1b[K');
  const file = r.divergence === undefined ? undefined : saveDivergence(join(opts.out, 'conformance'), opts, r.divergence, r.goVersion);
  writeAtomic(join(opts.out, 'conformance.md'), conformanceMarkdown(opts, r, file));
  const t = r.tally;
  const out = [
    `conformance${opts.mutant === null ? '' : ` (mutant ${opts.mutant})`}: model vs ${r.goVersion}, seed ${opts.seed}: ` +
      `${t.traces} traces, ${t.ops} ops, ${r.divergence === undefined ? 0 : 1} divergences, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `  ops: ${Object.entries(t.perKind).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  scavenge: ${t.scavengeCompared} compared exactly, ${t.scavengeAfterFree} after a free (scavenged bits masked), ${t.unsupportedOps} unsupported`,
  ];
  if (r.divergence !== undefined) {
    out.push(`  DIVERGENCE at ${describeDivergence(r.divergence)}`);
    out.push(`  shrunk from ${r.divergence.originalOps} to ${r.divergence.trace.ops.length} ops: ${file}`);
  }
  out.push(`  wrote ${join(opts.out, 'conformance.md')}`);
  process.stdout.write(out.join('\n') + '\n');
  return r.divergence === undefined ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await conformance(process.argv.slice(2));
}
