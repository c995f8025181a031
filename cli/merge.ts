// mheap-spec merge DIR...: join the reports of `check --shard k/n` runs
// (one directory each) into the report of the whole campaign. Everything is
// read and validated before anything is written; without --out the merged
// report goes to a new directory under runs/ (never the committed reports/).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MergeError, mergeSummaries, parseSummary } from '../properties/harness/merge.js';
import type { Summary } from '../properties/harness/report.js';
import { ReplayFileError, parseCounterexample } from '../properties/harness/replay.js';
import { getSuite } from '../properties/registry.js';
import { parseFlags } from './flags.js';
import type { Io } from './io.js';
import { RUNS_DIR, newRunDir, overlaps, prepareOutDir } from './outputs.js';
import { readCounterexampleFiles, writeCounterexampleFiles, writeReports } from './reports.js';
import { EXIT_CUT_SHORT, EXIT_FAILED, EXIT_OK, UsageError } from './usage.js';

export const mergeHelp = `usage: mheap-spec merge [--out DIR] [--json] DIR...

Merge the reports of a sharded campaign (one directory per
\`mheap-spec check --shard k/n\` run, all n of them) into one report in DIR
(default: a new directory under ${RUNS_DIR}/, printed at the end):
summary.json, summary.md, coverage.md, invariants.md, and every shard's
counterexamples. The merged report is the one a single process would have
written for the same seed and options (timings aside).

exit status: 0 the merged campaign passed, 1 it failed, 2 bad input,
3 a shard was cut short by its time limit`;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file (is it a report directory?)` : `${file}: cannot read it (${code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON, truncated or damaged (${(e as Error).message})`);
  }
}

/** A shard's counterexample files, each JSON validated as a replay file. */
function counterexamples(dir: string): Map<string, string> {
  const files = readCounterexampleFiles(dir);
  for (const [f, text] of files) {
    if (!f.endsWith('.json')) continue;
    const p = join(dir, 'counterexamples', f);
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${p}: not valid JSON, truncated or damaged (${(e as Error).message})`);
    }
    try {
      parseCounterexample(v, p);
    } catch (e) {
      if (e instanceof ReplayFileError) throw new UsageError(e.message);
      throw e;
    }
  }
  return files;
}

export function merge(argv: string[], io: Io): number {
  const { values, positionals } = parseFlags(argv, { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, true);
  if (values.help === true) {
    io.out(mergeHelp + '\n');
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('merge wants at least one report directory');
  if (values.out !== undefined) {
    const out = values.out;
    const shard = positionals.find((d) => overlaps(d, out));
    if (shard !== undefined) throw new UsageError(`--out ${out} is one of the shard directories (or holds one: ${shard}); merge into another directory`);
  }
  const inputs: { file: string; summary: Summary }[] = [];
  const cx = new Map<string, string>();
  for (const dir of positionals) {
    const file = join(dir, 'summary.json');
    try {
      inputs.push({ file, summary: parseSummary(readJson(file), file) });
    } catch (e) {
      if (e instanceof MergeError) throw new UsageError(e.message);
      throw e;
    }
    for (const [name, text] of counterexamples(dir)) cx.set(name, text);
  }
  let merged: Summary;
  try {
    merged = mergeSummaries(inputs);
  } catch (e) {
    if (e instanceof MergeError) throw new UsageError(e.message);
    throw e;
  }
  // Only now, with every input good, is the output directory made.
  let out: string;
  if (values.out !== undefined) {
    prepareOutDir(values.out);
    out = values.out;
  } else out = newRunDir('merge');
  if (positionals.some((d) => resolve(d) === resolve(out))) throw new UsageError(`${out} is one of the shard directories`);
  writeCounterexampleFiles(out, cx);
  writeReports(out, merged, merged.suites.map((r) => getSuite(r.suite)!));
  if (values.json === true) io.out(JSON.stringify(merged, null, 2) + '\n');
  io.log(`merged ${inputs.length} shard report${inputs.length === 1 ? '' : 's'} into ${join(out, 'summary.md')} — ${merged.verdict}`);
  return merged.verdict === 'PASS' ? EXIT_OK : merged.verdict === 'CUT SHORT' ? EXIT_CUT_SHORT : EXIT_FAILED;
}
