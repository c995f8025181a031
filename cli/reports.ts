// The reports directory, written whole at the end (each file atomically),
// and counterexample files copied from one report directory to another
// (a shard's into the merged report, a finished canonical campaign's into
// reports/) with their replay line pointing at the copy.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { coverageMarkdown } from '../properties/harness/coverageReport.js';
import { writeAtomic } from '../properties/harness/files.js';
import type { Summary } from '../properties/harness/report.js';
import { summaryMarkdown } from '../properties/harness/summaryMarkdown.js';
import type { AnySuite } from '../properties/harness/suite.js';
import { catalogRows, statusFromSummary } from './invariants.js';
import { invariantsMarkdown } from './invariantsDoc.js';

/** summary.json, summary.md, coverage.md and invariants.md (with this campaign's status). */
export function writeReports(out: string, summary: Summary, suites: readonly AnySuite[]): void {
  writeAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeAtomic(join(out, 'summary.md'), summaryMarkdown(summary));
  writeAtomic(join(out, 'coverage.md'), coverageMarkdown(summary, suites));
  writeAtomic(join(out, 'invariants.md'), invariantsMarkdown(catalogRows(statusFromSummary(summary)), summary));
}

/** A report directory's counterexample files (.json and .txt), as name → text. */
export function readCounterexampleFiles(dir: string): Map<string, string> {
  const cxDir = join(dir, 'counterexamples');
  const files = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(cxDir).filter((f) => f.endsWith('.json') || f.endsWith('.txt')).sort();
  } catch {
    return files; // no counterexamples
  }
  for (const f of names) files.set(f, readFileSync(join(cxDir, f), 'utf8'));
  return files;
}

/** Write counterexample files under out/counterexamples; each .txt's replay line names the copy. */
export function writeCounterexampleFiles(out: string, files: ReadonlyMap<string, string>): void {
  for (const [name, text] of files) {
    const replayLine = `replay: npx mheap-spec replay ${join(out, 'counterexamples', name.replace(/\.txt$/, '.json'))}`;
    writeAtomic(join(out, 'counterexamples', name), name.endsWith('.txt') ? text.replace(/^replay: npx mheap-spec replay .*$/m, replayLine) : text);
  }
}
