// mheap-spec mutation-report: reports/mutation.md from StrykerJS's JSON
// report (npm run mutation runs Stryker, then this). Per model file: killed,
// timed out, survived, no coverage, compile errors, equivalent; the total
// score with the equivalent mutants excluded and counted; every survivor
// with its file:line, mutator and replacement.
//
// Stryker runs without a type checker here (TypeScript 7 has no classic
// compiler API for @stryker-mutator/typescript-checker), and vitest strips
// types without checking them, so a mutant that would not compile still
// runs, and may be "killed". Before counting, every mutant is type-checked
// with the project's tsc (mutationTypecheck.ts); one that does not compile is
// a compile error, never killed and never a survivor.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { writeAtomic } from '../properties/harness/files.js';
import { parseFlags } from './flags.js';
import type { Io } from './io.js';
import { typecheckMutants } from './mutationTypecheck.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage.js';

/** Stryker's mutant statuses (mutation-testing-report-schema). */
export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

/** A position in Stryker's report: line and column both 1-based; an end is exclusive. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface MutantResult {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: MutantStatus;
  readonly statusReason?: string;
  readonly location: { readonly start: Position; readonly end: Position };
}

/** The part of Stryker's JSON report read here. */
export interface StrykerReport {
  readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly MutantResult[] }>>;
}

/** Counts of one file, or of all. */
export interface Counts {
  mutants: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Stryker's own CompileError, plus those the type check found. */
  compileErrors: number;
  runtimeErrors: number;
  /** Marked in place with a `Stryker disable` comment and its reason. */
  equivalent: number;
}

const zero = (): Counts => ({ mutants: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, compileErrors: 0, runtimeErrors: 0, equivalent: 0 });

/** Mutants that do not type-check, by file then mutant id: the first tsc error of each. */
export type CompileErrors = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** A mutant as counted: its status after the type check. */
export interface CountedMutant extends MutantResult {
  readonly file: string;
  readonly counted: MutantStatus;
  /** The tsc error that made it a compile error, if the type check did. */
  readonly tscError?: string;
}

export function countedMutants(report: StrykerReport, compileErrors: CompileErrors = new Map()): CountedMutant[] {
  const out: CountedMutant[] = [];
  for (const file of Object.keys(report.files).sort()) {
    for (const m of report.files[file]!.mutants) {
      const tscError = compileErrors.get(file)?.get(m.id);
      const counted = tscError !== undefined && m.status !== 'Ignored' ? 'CompileError' : m.status;
      out.push(tscError === undefined || counted !== 'CompileError' ? { ...m, file, counted } : { ...m, file, counted, tscError });
    }
  }
  return out.sort((a, b) => (a.file === b.file ? a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column : a.file < b.file ? -1 : 1));
}

function add(c: Counts, s: MutantStatus): void {
  c.mutants++;
  if (s === 'Killed') c.killed++;
  else if (s === 'Timeout') c.timeout++;
  else if (s === 'Survived') c.survived++;
  else if (s === 'NoCoverage') c.noCoverage++;
  else if (s === 'CompileError') c.compileErrors++;
  else if (s === 'RuntimeError') c.runtimeErrors++;
  else if (s === 'Ignored') c.equivalent++;
  else throw new UsageError(`the Stryker report has a mutant still ${s}: the run did not finish`);
}

/** Killed and timed out over the valid mutants (no compile or run errors, no equivalent ones); null if none is valid. */
export function score(c: Counts): number | null {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? null : (c.killed + c.timeout) / valid;
}

export function countsByFile(ms: readonly CountedMutant[]): { files: Map<string, Counts>; total: Counts } {
  const files = new Map<string, Counts>();
  const total = zero();
  for (const m of ms) {
    let c = files.get(m.file);
    if (c === undefined) files.set(m.file, (c = zero()));
    add(c, m.counted);
    add(total, m.counted);
  }
  return { files, total };
}

const pct = (s: number | null): string => (s === null ? 'n/a' : `${(Math.floor(s * 1000) / 10).toFixed(1)}%`);

/** Code in a table cell: one line, at most `max` characters, no pipe or backtick to break the table. */
function code(text: string, max = 90): string {
  let t = text.replace(/\s+/g, ' ').trim();
  if (t.length > max) t = `${t.slice(0, max - 1)}…`;
  t = t.replace(/\|/g, '\\|');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

const where = (m: CountedMutant): string => `${m.file}:${m.location.start.line}:${m.location.start.column}`;

/** The text of the mutated range in the original source. */
function original(source: string, m: MutantResult): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1]?.slice(start.column - 1, end.column - 1) ?? '';
  return [lines[start.line - 1]?.slice(start.column - 1) ?? '', ...lines.slice(start.line, end.line - 1), lines[end.line - 1]?.slice(0, end.column - 1) ?? ''].join('\n');
}

export interface MarkdownOptions {
  /** Whether the mutants were type-checked (false: --no-typecheck). */
  readonly typechecked: boolean;
  /** Files Stryker is configured to mutate that the report has no results for. */
  readonly unmeasured?: readonly string[];
  /** Why a survivor is left, by survivorKey (stryker.survivors.json). */
  readonly explained?: Readonly<Record<string, string>>;
}

/** A survivor's key in stryker.survivors.json: `FILE:LINE:COLUMN MUTATOR: ORIGINAL -> REPLACEMENT`, whitespace collapsed. */
export function survivorKey(source: string, m: CountedMutant): string {
  const one = (t: string): string => t.replace(/\s+/g, ' ').trim();
  return `${where(m)} ${m.mutatorName}: ${one(original(source, m))} -> ${one(m.replacement ?? '')}`;
}

/** stryker.survivors.json: survivor key -> reason (its "//" entry is a comment). */
export function readSurvivorReasons(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${file} must be an object of survivor keys to reasons`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`${file}: the reason for ${JSON.stringify(k)} must be a non-empty string`);
    if (k !== '//') out[k] = v;
  }
  return out;
}

/** The model files Stryker mutates (stryker.config.mjs: model/, not tests, not mutants.ts) that the report does not cover. */
export function unmeasuredFiles(report: StrykerReport, dir = 'model'): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'mutants.ts')
    .map((f) => `${dir}/${f}`)
    .filter((f) => !Object.hasOwn(report.files, f))
    .sort();
}

/** reports/mutation.md. */
export function mutationMarkdown(report: StrykerReport, compileErrors: CompileErrors, opts: MarkdownOptions): string {
  const ms = countedMutants(report, compileErrors);
  const { files, total } = countsByFile(ms);
  const o: string[] = [];
  o.push('<!-- generated by `npm run mutation` (StrykerJS over model/, then `mheap-spec mutation-report` from .cache/mutation/mutation.json); do not edit -->');
  o.push('# Mutation score of model/');
  o.push('');
  const valid = total.killed + total.timeout + total.survived + total.noCoverage;
  o.push(
    `**${pct(score(total))}** over ${files.size} file${files.size === 1 ? '' : 's'}: ${total.killed + total.timeout} of ${valid} valid mutants killed (${total.timeout} of them by a timeout). ` +
      `Not counted: ${total.equivalent} equivalent (marked in place with a reason), ${total.compileErrors} that do not compile${total.runtimeErrors > 0 ? `, ${total.runtimeErrors} that crashed the test run` : ''}.`,
  );
  o.push('');
  const unmeasured = opts.unmeasured ?? [];
  if (unmeasured.length > 0) {
    o.push(`**Not measured yet** (${unmeasured.length} file${unmeasured.length === 1 ? '' : 's'}, not in the score): ${unmeasured.map((f) => `\`${f}\``).join(', ')}. Run \`npm run mutation\` (or \`-- --mutate FILE\`) to add them.`);
    o.push('');
  }
  o.push(
    opts.typechecked
      ? 'Every mutant was type-checked with the project\'s tsc (its tsconfig, less `noUnusedLocals`) before counting: vitest strips types unchecked, so a mutant that does not compile would otherwise run and could count as killed. Such a mutant is a compile error here, never killed and never a survivor.'
      : '**Not type-checked** (`--no-typecheck`): some "killed" mutants may not compile.',
  );
  o.push('');
  o.push('| file | mutants | killed | timeout | survived | no coverage | compile errors | equivalent | score |');
  o.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const row = (name: string, c: Counts): string => `| ${name} | ${c.mutants} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.compileErrors + c.runtimeErrors} | ${c.equivalent} | ${pct(score(c))} |`;
  for (const [f, c] of files) o.push(row(f, c));
  o.push(row('**total**', total));
  o.push('');
  const survivors = ms.filter((m) => m.counted === 'Survived' || m.counted === 'NoCoverage');
  const explained = opts.explained ?? {};
  const keys = new Set(survivors.map((m) => survivorKey(report.files[m.file]!.source, m)));
  const unexplained = [...keys].filter((k) => explained[k] === undefined).length;
  o.push(`## Survivors (${survivors.length})`);
  o.push('');
  if (survivors.length === 0) o.push('None.');
  else {
    o.push(
      `${survivors.length - unexplained} of them are equivalent mutants that a line's disable comment cannot set aside alone (it would also set aside that line's caught mutants of the same mutator); \`stryker.survivors.json\` gives the reason for each. ${unexplained === 0 ? 'None is unexplained.' : `**${unexplained} unexplained**: kill them, or give the reason there.`}`,
    );
    o.push('');
    o.push('| where | mutator | original | replacement | status | why it is left |');
    o.push('|---|---|---|---|---|---|');
    for (const m of survivors) {
      const why = explained[survivorKey(report.files[m.file]!.source, m)];
      o.push(`| ${where(m)} | ${m.mutatorName} | ${code(original(report.files[m.file]!.source, m))} | ${code(m.replacement ?? '')} | ${m.counted === 'NoCoverage' ? 'no coverage' : 'survived'} | ${why === undefined ? '**unexplained**' : why.replace(/\s+/g, ' ').replace(/\|/g, '\\|')} |`);
    }
  }
  o.push('');
  const stale = Object.keys(explained).filter((k) => !keys.has(k)).sort();
  if (stale.length > 0) {
    o.push(`**Reasons in \`stryker.survivors.json\` that match no survivor (${stale.length})**: the line moved, or a test now kills the mutant; update or drop them.`);
    o.push('');
    for (const k of stale) o.push(`- ${code(k, 200)}`);
    o.push('');
  }
  const equivalent = ms.filter((m) => m.counted === 'Ignored');
  o.push(`## Equivalent mutants, marked in place (${equivalent.length})`);
  o.push('');
  if (equivalent.length === 0) o.push('None.');
  else {
    o.push('| where | mutator | replacement | reason |');
    o.push('|---|---|---|---|');
    for (const m of equivalent) o.push(`| ${where(m)} | ${m.mutatorName} | ${code(m.replacement ?? '')} | ${(m.statusReason ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|')} |`);
  }
  o.push('');
  // A hit-limit timeout is an endless loop for certain; one by the clock could be a slow machine.
  const clock = ms.filter((m) => m.counted === 'Timeout' && !(m.statusReason ?? '').startsWith('Hit limit reached'));
  o.push(`## Timeouts by the clock (${clock.length})`);
  o.push('');
  o.push("Counted as killed, as Stryker counts them, but not by its hit limit (a mutant looping 100 times longer than the initial run): each ran past Stryker's time limit, which a loaded machine can cause. Re-run them alone (`npm run mutation -- --force --mutate FILE:LINE`) to be sure.");
  o.push('');
  if (clock.length > 0) {
    o.push('| where | mutator | replacement |');
    o.push('|---|---|---|');
    for (const m of clock) o.push(`| ${where(m)} | ${m.mutatorName} | ${code(m.replacement ?? '')} |`);
    o.push('');
  }
  const compile = ms.filter((m) => m.counted === 'CompileError' || m.counted === 'RuntimeError');
  o.push(`## Compile errors (${compile.length})`);
  o.push('');
  o.push('Mutants that are not programs: not counted. Stryker ran them all; what it said is beside tsc\'s first error.');
  o.push('');
  if (compile.length > 0) {
    o.push('| where | mutator | replacement | Stryker said | tsc |');
    o.push('|---|---|---|---|---|');
    for (const m of compile) o.push(`| ${where(m)} | ${m.mutatorName} | ${code(m.replacement ?? '', 50)} | ${m.status} | ${(m.tscError ?? m.statusReason ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 120)} |`);
  }
  return o.join('\n') + '\n';
}

export const mutationReportHelp = `usage: mheap-spec mutation-report [--in FILE] [--out FILE] [--no-typecheck] [--min-score PCT]

Write the mutation score of model/ (reports/mutation.md) from StrykerJS's
JSON report; npm run mutation runs Stryker and then this.

Every mutant is first type-checked with the project's tsc: one that does not
compile counts as a compile error, never as killed or survived.

options:
  --in FILE        Stryker's JSON report (default .cache/mutation/mutation.json)
  --out FILE       the Markdown to write (default reports/mutation.md)
  --no-typecheck   skip the type check (faster; the report says so)
  --min-score PCT  exit 1 if the total score is below PCT (a number, e.g. 90)
  --help           this text`;

export function mutationReport(argv: string[], io: Io): number {
  const { values } = parseFlags(argv, { in: { type: 'string' }, out: { type: 'string' }, 'no-typecheck': { type: 'boolean' }, 'min-score': { type: 'string' }, help: { type: 'boolean' } });
  if (values.help === true) {
    io.out(mutationReportHelp + '\n');
    return EXIT_OK;
  }
  const min = values['min-score'] === undefined ? undefined : Number(values['min-score']);
  if (min !== undefined && !(min >= 0 && min <= 100)) throw new UsageError(`--min-score wants a percentage from 0 to 100, got ${JSON.stringify(values['min-score'])}`);
  const inFile = values.in ?? '.cache/mutation/mutation.json';
  let report: StrykerReport;
  try {
    report = JSON.parse(readFileSync(inFile, 'utf8')) as StrykerReport;
  } catch (e) {
    throw new UsageError(`cannot read Stryker's report ${inFile} (${(e as Error).message}); run npm run mutation first`);
  }
  const typechecked = values['no-typecheck'] !== true;
  const compileErrors = typechecked ? typecheckMutants(report, { log: (l) => io.log(l) }) : new Map<string, Map<string, string>>();
  const out = values.out ?? 'reports/mutation.md';
  const explained = readSurvivorReasons('stryker.survivors.json');
  writeAtomic(out, mutationMarkdown(report, compileErrors, { typechecked, unmeasured: unmeasuredFiles(report), explained }));
  const { total } = countsByFile(countedMutants(report, compileErrors));
  const s = score(total);
  io.log(`wrote ${out}: mutation score ${pct(s)} (${total.killed + total.timeout} killed, ${total.survived} survived, ${total.noCoverage} no coverage, ${total.compileErrors} compile errors, ${total.equivalent} equivalent)`);
  if (min !== undefined && (s ?? 0) * 100 < min) {
    io.err(`mheap-spec mutation-report: score ${pct(s)} is below --min-score ${min}%\n`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}
