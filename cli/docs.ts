// mheap-spec docs [--check]: (re)generate reports/invariants.md from the
// catalog and the last campaign's summary; --check only compares, for CI.

import { readFileSync } from 'node:fs';
import { writeAtomic } from '../properties/harness/files.js';
import { parseFlags } from './flags.js';
import type { Io } from './io.js';
import { catalogRows, readSummary, statusFromSummary } from './invariants.js';
import { invariantsMarkdown } from './invariantsDoc.js';
import { EXIT_FAILED, EXIT_OK } from './usage.js';

export const docsHelp = `usage: mheap-spec docs [--check] [--summary FILE] [--out FILE]

Generate the invariant catalog as documentation (default reports/invariants.md),
grouped by Go file, with each entry's status in the campaign recorded in
FILE (default reports/summary.json).

options:
  --check   regenerate in memory and fail (exit 1) if the file on disk differs
  --help    this text`;

export function docs(argv: string[], io: Io): number {
  const { values } = parseFlags(argv, { check: { type: 'boolean' }, summary: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } });
  if (values.help === true) {
    io.out(docsHelp + '\n');
    return EXIT_OK;
  }
  const out = values.out ?? 'reports/invariants.md';
  const summary = readSummary(values.summary ?? 'reports/summary.json');
  const text = invariantsMarkdown(catalogRows(statusFromSummary(summary)), summary);
  if (values.check === true) {
    let onDisk: string | undefined;
    try {
      onDisk = readFileSync(out, 'utf8');
    } catch {
      onDisk = undefined;
    }
    if (onDisk === text) {
      io.log(`${out} is up to date`);
      return EXIT_OK;
    }
    io.err(`mheap-spec docs --check: ${out} is ${onDisk === undefined ? 'missing' : 'stale (the catalog or reports/summary.json changed)'}; run \`npx mheap-spec docs\` and commit it\n`);
    return EXIT_FAILED;
  }
  writeAtomic(out, text);
  io.log(`wrote ${out}`);
  return EXIT_OK;
}
