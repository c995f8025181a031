// mheap-spec merge DIR...: join the reports of `check --shard k/n` runs
// (one directory each) into the report of the whole campaign. Everything is
// read and validated before anything is written.

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeAtomic } from '../properties/harness/files.js';
import { MergeError, mergeSummaries, parseSummary } from '../properties/harness/merge.js';
import type { Summary } from '../properties/harness/report.js';
import { ReplayFileError, parseCounterexample } from '../properties/harness/replay.js';
import { getSuite } from '../properties/registry.js';
import type { Io } from './io.js';
import { checkOutDir, writeReports } from './reports.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage.js';

export const mergeHelp = `usage: mheap-spec merge [--out DIR] [--json] DIR...

Merge the reports of a sharded campaign (one directory per
\`mheap-spec check --shard k/n\` run, all n of them) into one report in DIR
(default reports): summary.json, summary.md, coverage.md, invariants.md,
and every shard's counterexamples. The merged report is the one a single
process would have written for the same seed and options (timings aside).

exit status: 0 the merged campaign passed, 1 it failed, 2 bad input`;

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

/** A shard's counterexample files (validated), as name → text. */
function counterexamples(dir: string): Map<string, string> {
  const cxDir = join(dir, 'counterexamples');
  const files = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(cxDir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return files; // no counterexamples
  }
  for (const f of names) {
    const p = join(cxDir, f);
    try {
      parseCounterexample(readJson(p), p);
    } catch (e) {
      if (e instanceof ReplayFileError) throw new UsageError(e.message);
      throw e;
    }
    files.set(f, readFileSync(p, 'utf8'));
    const txt = f.replace(/\.json$/, '.txt');
    try {
      files.set(txt, readFileSync(join(cxDir, txt), 'utf8'));
    } catch {
      // the .txt is a convenience; the JSON is what replays
    }
  }
  return files;
}

export function merge(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true, allowPositionals: true });
  if (values.help === true) {
    io.out(mergeHelp + '\n');
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('merge wants at least one report directory');
  const out = values.out ?? 'reports';
  if (positionals.some((d) => resolve(d) === resolve(out))) throw new UsageError(`--out ${out} is one of the shard directories; merge into another directory`);
  checkOutDir(out);
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
  for (const [name, text] of cx) {
    // The .txt's replay line points at the copy in the merged report.
    const replayLine = `replay: npx mheap-spec replay ${join(out, 'counterexamples', name.replace(/\.txt$/, '.json'))}`;
    writeAtomic(join(out, 'counterexamples', name), name.endsWith('.txt') ? text.replace(/^replay: npx mheap-spec replay .*$/m, replayLine) : text);
  }
  writeReports(out, merged, merged.suites.map((r) => getSuite(r.suite)!));
  if (values.json === true) io.out(JSON.stringify(merged, null, 2) + '\n');
  io.log(`merged ${inputs.length} shard report${inputs.length === 1 ? '' : 's'} into ${join(out, 'summary.md')} — ${merged.ok ? 'PASS' : 'FAIL'}`);
  return merged.ok ? EXIT_OK : EXIT_FAILED;
}
