// mheap-spec invariants / explain ID: the catalog, as the suites check it.

import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AnyEntry } from '../spec/catalog.js';
import { entries, formatCitation } from '../spec/catalog.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import type { Io } from './io.js';
import { EXIT_OK, UsageError } from './usage.js';

export interface CatalogRow {
  readonly id: string;
  readonly kind: 'state' | 'action' | 'witness';
  readonly go: string;
  readonly quote: string;
  readonly statement: string;
  readonly specFile: string;
  readonly suites: string[];
  /** From the last campaign's reports/summary.json, if there is one. */
  status?: string;
}

/** Every catalog entry of every suite, once, with the suites that check it. */
export function catalogRows(summaryFile = 'reports/summary.json'): CatalogRow[] {
  const rows = new Map<string, CatalogRow>();
  for (const name of suiteNames) {
    for (const e of entries(getSuite(name)!.catalog) as AnyEntry[]) {
      const row = rows.get(e.id) ?? { id: e.id, kind: e.kind, go: formatCitation(e.go), quote: e.quote, statement: e.statement, specFile: e.specFile, suites: [] };
      row.suites.push(name);
      rows.set(e.id, row);
    }
  }
  const last = lastStatus(summaryFile);
  for (const r of rows.values()) {
    const s = last.get(r.id);
    if (s !== undefined) r.status = s;
  }
  return [...rows.values()];
}

function lastStatus(file: string): Map<string, string> {
  const m = new Map<string, string>();
  if (!existsSync(file)) return m;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { entries?: { id: string; kind: string; checked: number; violated: number; runsReached: number; runs: number }[] };
    for (const e of s.entries ?? []) {
      m.set(e.id, e.kind === 'witness' ? `reached in ${e.runsReached} of ${e.runs} runs` : e.violated > 0 ? `VIOLATED (${e.violated})` : `held in ${e.checked} checks`);
    }
  } catch {
    // A damaged summary just means no status.
  }
  return m;
}

export const invariantsHelp = `usage: mheap-spec invariants [--json]

List the invariant catalog: ID, kind (state / action / witness), Go
citation, and the suites that check it, with the last campaign's status.`;

export function invariants(argv: string[], io: Io): number {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true, allowPositionals: false });
  if (values.help === true) {
    io.out(invariantsHelp + '\n');
    return EXIT_OK;
  }
  const rows = catalogRows();
  if (values.json === true) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return EXIT_OK;
  }
  const w = Math.max(...rows.map((r) => r.id.length));
  for (const r of rows) io.out(`${r.id.padEnd(w)}  ${r.kind.padEnd(7)}  ${r.go}  [${r.suites.join(', ')}]${r.status === undefined ? '' : `  ${r.status}`}\n`);
  return EXIT_OK;
}

export const explainHelp = `usage: mheap-spec explain ID

Show one catalog entry: the quoted Go rule, its citation, the statement
the spec checks, where it is defined, which suites check it, and its
status in the last campaign.`;

export function explain(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean' } }, strict: true, allowPositionals: true });
  if (values.help === true) {
    io.out(explainHelp + '\n');
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('explain wants exactly one ID');
  const rows = catalogRows();
  const r = rows.find((x) => x.id === positionals[0]);
  if (r === undefined) throw new UsageError(`unknown invariant ${JSON.stringify(positionals[0])} (see mheap-spec invariants)`);
  io.out(
    [
      `${r.id} (${r.kind})`,
      `  Go:        ${r.go}`,
      `  Go says:   "${r.quote}"`,
      `  Statement: ${r.statement}`,
      `  Defined:   ${r.specFile}`,
      `  Suites:    ${r.suites.join(', ')}`,
      `  Status:    ${r.status ?? 'no campaign run yet'}`,
    ].join('\n') + '\n',
  );
  return EXIT_OK;
}
