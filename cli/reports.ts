// The reports directory: checked before a campaign starts (so bad input
// leaves no files), written whole at the end (each file atomically).

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { coverageMarkdown } from '../properties/harness/coverageReport.js';
import { writeAtomic } from '../properties/harness/files.js';
import type { Summary } from '../properties/harness/report.js';
import { summaryMarkdown } from '../properties/harness/summaryMarkdown.js';
import type { AnySuite } from '../properties/harness/suite.js';
import { catalogRows, statusFromSummary } from './invariants.js';
import { invariantsMarkdown } from './invariantsDoc.js';
import { UsageError } from './usage.js';

/** The out directory must be a directory, or creatable: its nearest existing ancestor a writable directory. */
export function checkOutDir(out: string, flag = '--out'): void {
  let p = resolve(out);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      const up = dirname(p);
      if (up === p) throw new UsageError(`${flag} ${out}: no existing parent directory`);
      p = up;
      continue;
    }
    if (!isDir) throw new UsageError(`${flag} ${out}: ${p} is not a directory`);
    try {
      accessSync(p, constants.W_OK);
    } catch {
      throw new UsageError(`${flag} ${out}: ${p} is not writable`);
    }
    return;
  }
}

/** summary.json, summary.md, coverage.md and invariants.md (with this campaign's status). */
export function writeReports(out: string, summary: Summary, suites: readonly AnySuite[]): void {
  writeAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeAtomic(join(out, 'summary.md'), summaryMarkdown(summary));
  writeAtomic(join(out, 'coverage.md'), coverageMarkdown(summary, suites));
  writeAtomic(join(out, 'invariants.md'), invariantsMarkdown(catalogRows(statusFromSummary(summary)), summary));
}
