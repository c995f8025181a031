// mheap-spec invariants / explain ID: the catalog, as the suites check it,
// with each entry's status in the last campaign (reports/summary.json).

import { existsSync, readFileSync } from 'node:fs';
import type { AnyEntry } from '../spec/catalog.js';
import { entries, formatCitation } from '../spec/catalog.js';
import { GO_LINES_VERSION, goLines } from '../spec/goLines.js';
import type { Summary } from '../properties/harness/report.js';
import { READABLE_SUMMARY_FORMATS } from '../properties/harness/report.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import type { Io } from './io.js';
import { parseFlags } from './flags.js';
import { EXIT_OK, UsageError, unknown } from './usage.js';

export interface CatalogRow {
  readonly id: string;
  readonly kind: 'state' | 'action' | 'witness';
  /** runtime/FILE.go, for grouping. */
  readonly goFile: string;
  readonly go: string;
  /** The cited text's line ranges in go1.21.12 (spec/goLines.ts), and a link to each on GitHub. */
  readonly goLines: readonly { readonly from: number; readonly to: number; readonly url: string }[];
  readonly quote: string;
  /** The quote joins separate Go lines. */
  readonly quoteJoined: boolean;
  readonly statement: string;
  /** What the rule checks the model against; for a model refusal, that it is one. */
  readonly against: string;
  readonly modelRefusal: boolean;
  readonly specFile: string;
  readonly suites: string[];
  /** The last campaign's verdict on it, or "no campaign recorded". */
  status: string;
}

export const NO_CAMPAIGN = 'no campaign recorded';

/** Every catalog entry of every suite, once, with the suites that check it and its status. */
export function catalogRows(status: ReadonlyMap<string, string>): CatalogRow[] {
  const rows = new Map<string, CatalogRow>();
  for (const name of suiteNames) {
    for (const e of entries(getSuite(name)!.catalog) as AnyEntry[]) {
      const row = rows.get(e.id) ?? {
        id: e.id,
        kind: e.kind,
        goFile: e.go.file,
        go: formatCitation(e.go),
        goLines: linesOf(e.go.file, e.go.symbol),
        quote: e.quote,
        quoteJoined: e.quoteJoined === true,
        statement: e.statement,
        against: e.against,
        modelRefusal: e.modelRefusal === true,
        specFile: e.specFile,
        suites: [],
        status: status.get(e.id) ?? NO_CAMPAIGN,
      };
      row.suites.push(name);
      rows.set(e.id, row);
    }
  }
  return [...rows.values()];
}

/** A citation's lines in go1.21.12, each with its GitHub link (empty if spec/goLines.ts has no line for it yet). */
export function linesOf(file: string, symbol: string): CatalogRow['goLines'] {
  const ranges = Object.hasOwn(goLines, `${file} · ${symbol}`) ? goLines[`${file} · ${symbol}`]! : [];
  return ranges.map(([from, to]) => ({ from, to, url: `https://github.com/golang/go/blob/${GO_LINES_VERSION}/src/${file}#L${from}${to === from ? '' : `-L${to}`}` }));
}

/** "lines 1158-1377" or "lines 125-145, 166-173". */
export function linesText(r: Pick<CatalogRow, 'goLines'>): string {
  return r.goLines.length === 0 ? 'no line recorded' : `${GO_LINES_VERSION} line${r.goLines.length === 1 && r.goLines[0]!.from === r.goLines[0]!.to ? '' : 's'} ${r.goLines.map((l) => (l.from === l.to ? `${l.from}` : `${l.from}-${l.to}`)).join(', ')}`;
}

const num = (n: number): string => n.toLocaleString('en-US');

/** Each entry's verdict in a campaign summary. */
export function statusFromSummary(s: Pick<Summary, 'entries'> | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of s?.entries ?? []) {
    if (e.kind === 'witness') m.set(e.id, e.runsReached === 0 ? `NEVER REACHED in ${num(e.runs)} runs` : `reached in ${num(e.runsReached)} of ${num(e.runs)} runs`);
    else m.set(e.id, e.violated > 0 ? `VIOLATED (${num(e.violated)} times, shrinking included)` : e.checked === 0 ? 'not checked' : `held in ${num(e.checked)} checks`);
  }
  return m;
}

/** The last campaign's summary, if there is a readable one. */
export function readSummary(file = 'reports/summary.json'): Summary | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Summary;
    return READABLE_SUMMARY_FORMATS.includes(s.format) && Array.isArray(s.entries) && Array.isArray(s.suites) ? s : undefined;
  } catch {
    return undefined; // a damaged summary just means no status
  }
}

export const invariantsHelp = `usage: mheap-spec invariants [--json] [--summary FILE]

List the invariant catalog: ID, kind (state / action / witness), Go
citation, the quoted Go rule, the statement, the suites that check it, and
its status in the last campaign (FILE, default reports/summary.json).`;

function rowsFor(summaryFile: string | undefined): CatalogRow[] {
  return catalogRows(statusFromSummary(readSummary(summaryFile)));
}

export function invariants(argv: string[], io: Io): number {
  const { values } = parseFlags(argv, { json: { type: 'boolean' }, summary: { type: 'string' }, help: { type: 'boolean' } });
  if (values.help === true) {
    io.out(invariantsHelp + '\n');
    return EXIT_OK;
  }
  const rows = rowsFor(values.summary);
  if (values.json === true) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return EXIT_OK;
  }
  const w = Math.max(...rows.map((r) => r.id.length));
  for (const r of rows) {
    io.out(`${r.id.padEnd(w)}  ${r.kind.padEnd(7)}  ${r.go}  [${r.suites.join(', ')}]  ${r.status}\n`);
    io.out(`${''.padEnd(w)}  ${r.statement}\n`);
    io.out(`${''.padEnd(w)}  Go says: "${r.quote.replace(/\s+/g, ' ')}"\n`);
  }
  return EXIT_OK;
}

export const explainHelp = `usage: mheap-spec explain [--summary FILE] ID

Show one catalog entry: the quoted Go rule, its citation, the statement
the spec checks, where it is defined, which suites check it, and its
status in the last campaign.`;

export function explain(argv: string[], io: Io): number {
  const { values, positionals } = parseFlags(argv, { summary: { type: 'string' }, help: { type: 'boolean' } }, true);
  if (values.help === true) {
    io.out(explainHelp + '\n');
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('explain wants exactly one ID');
  const rows = rowsFor(values.summary);
  const r = rows.find((x) => x.id === positionals[0]);
  if (r === undefined) {
    const e = unknown('invariant', 'ids', positionals[0]!, rows.map((x) => x.id), false);
    throw new UsageError(`${e.message}${/did you mean/.test(e.message) ? '' : ' (see mheap-spec invariants)'}`);
  }
  io.out(
    [
      `${r.id} (${r.kind === 'state' ? 'state invariant' : r.kind === 'action' ? 'action property' : 'witness'})`,
      `  Go:        ${r.go} (${linesText(r)}${r.goLines.length === 0 ? '' : `: ${r.goLines.map((l) => l.url).join(' ')}`})`,
      `  Go says:   "${r.quote}"${r.quoteJoined ? ' (joined from separate Go lines)' : ''}`,
      `  Statement: ${r.statement}`,
      ...(r.kind === 'witness' ? [] : [r.modelRefusal ? `  A refusal of the model, not a rule of Go; checked against ${r.against}` : `  Against:   ${r.against}`]),
      `  Defined:   ${r.specFile}`,
      `  Suites:    ${r.suites.join(', ')}`,
      `  Status:    ${r.status}`,
    ].join('\n') + '\n',
  );
  return EXIT_OK;
}
