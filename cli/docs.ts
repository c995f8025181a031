// mheap-spec docs [--check]: (re)generate the generated documentation: the
// invariant catalog (reports/invariants.md, with the last campaign's
// status), the heap in pictures (reports/heap.md) and the replay file
// format (docs/replay-files.md); --check only compares, for CI.

import { readFileSync } from 'node:fs';
import { writeAtomic } from '../properties/harness/files.js';
import { parseFlags } from './flags.js';
import { heapMarkdown } from './heapDoc.js';
import type { Io } from './io.js';
import { catalogRows, readSummary, statusFromSummary } from './invariants.js';
import { invariantsMarkdown } from './invariantsDoc.js';
import { replayFilesMarkdown } from './replayDoc.js';
import { EXIT_FAILED, EXIT_OK } from './usage.js';

export const docsHelp = `usage: mheap-spec docs [--check] [--summary FILE] [--out FILE] [--heap FILE] [--replay-doc FILE]

Generate the documentation that is generated:
  the invariant catalog, grouped by Go file, with each entry's status in the
    campaign recorded in --summary (default reports/summary.json): --out
    (default reports/invariants.md);
  the heap in pictures (Mermaid, from the model's constants): --heap
    (default reports/heap.md);
  the replay file format and every command's arguments: --replay-doc
    (default docs/replay-files.md).

options:
  --check   regenerate in memory and fail (exit 1) if a file on disk differs
  --help    this text`;

export function docs(argv: string[], io: Io): number {
  const { values } = parseFlags(argv, { check: { type: 'boolean' }, summary: { type: 'string' }, out: { type: 'string' }, heap: { type: 'string' }, 'replay-doc': { type: 'string' }, help: { type: 'boolean' } });
  if (values.help === true) {
    io.out(docsHelp + '\n');
    return EXIT_OK;
  }
  const summary = readSummary(values.summary ?? 'reports/summary.json');
  const files: [string, string, string][] = [
    [values.out ?? 'reports/invariants.md', invariantsMarkdown(catalogRows(statusFromSummary(summary)), summary), 'the catalog or reports/summary.json changed'],
    [values.heap ?? 'reports/heap.md', heapMarkdown(), "the model's constants or behaviour changed"],
    [values['replay-doc'] ?? 'docs/replay-files.md', replayFilesMarkdown(), "a suite's commands changed"],
  ];
  if (values.check === true) {
    let stale = 0;
    for (const [out, text, why] of files) {
      let onDisk: string | undefined;
      try {
        onDisk = readFileSync(out, 'utf8');
      } catch {
        onDisk = undefined;
      }
      if (onDisk === text) io.log(`${out} is up to date`);
      else {
        stale++;
        io.err(`mheap-spec docs --check: ${out} is ${onDisk === undefined ? 'missing' : `stale (${why})`}; run \`npx mheap-spec docs\` and commit it\n`);
      }
    }
    return stale === 0 ? EXIT_OK : EXIT_FAILED;
  }
  for (const [out, text] of files) {
    writeAtomic(out, text);
    io.log(`wrote ${out}`);
  }
  return EXIT_OK;
}
