#!/usr/bin/env node
// Generates spec/goLines.ts: for every Go citation in every registered
// catalog, the line ranges of the cited symbol in go1.21.12's source (its
// doc comment through its last line), read from a Go 1.21 tree given on the
// command line (the tree is not part of the project):
//
//   npm run go-lines -- /path/to/go1.21.12 [--check]
//
// e.g. a checkout of github.com/golang/go at tag go1.21.12, or the
// luode0320/go-1.21.0 mirror at commit b540f48. --check only compares.
// Symbols are found as Go declares them: `(*T).m` or `T.m` for
// `func (x *T) m(` or `func (x T) m(`, `func f(`,
// `type T`, a field of a struct type (`type T (field)`, several fields
// comma-separated), a constant in a const block, and `package comment`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyEntry } from '../spec/catalog.js';
import { entries } from '../spec/catalog.js';
import { writeAtomic } from '../properties/harness/files.js';
import { getSuite, suiteNames } from '../properties/registry.js';

export type Ranges = readonly (readonly [number, number])[];

/** Every citation of every registered catalog, as `runtime/FILE.go · symbol`. */
export function citations(): { key: string; file: string; symbol: string }[] {
  const seen = new Map<string, { key: string; file: string; symbol: string }>();
  for (const n of suiteNames) {
    for (const e of entries(getSuite(n)!.catalog) as AnyEntry[]) {
      const key = `${e.go.file} · ${e.go.symbol}`;
      if (!seen.has(key)) seen.set(key, { key, file: e.go.file, symbol: e.go.symbol });
    }
  }
  return [...seen.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first line (1-based) of the comment block directly above line i (1-based), or i itself. */
function docStart(lines: readonly string[], i: number, overFields = false): number {
  let j = i - 1; // index of the line above, 1-based
  while (j >= 1) {
    const t = lines[j - 1]!.trim();
    if (t.startsWith('//')) j--;
    else if (overFields && t !== '' && !t.endsWith('{') && !t.startsWith('}')) j--; // a field declared with it
    else break;
  }
  // Do not start on field lines: the block starts at its first comment.
  let k = j + 1;
  while (k < i && !lines[k - 1]!.trim().startsWith('//')) k++;
  // A field whose comment stands one blank line above it (mspan.sweepgen's table) owns that comment.
  if (overFields && k === i && i >= 3 && lines[i - 2]!.trim() === '' && lines[i - 3]!.trim().startsWith('//')) return docStart(lines, i - 1);
  return k;
}

/** The line (1-based) closing the brace opened on line i. */
function closing(lines: readonly string[], i: number): number {
  let depth = 0;
  for (let k = i; k <= lines.length; k++) {
    const code = lines[k - 1]!.replace(/\/\/.*$/, '').replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '');
    for (const ch of code) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
    if (depth === 0 && k >= i) return k;
  }
  throw new Error(`unbalanced braces from line ${i}`);
}

function find(lines: readonly string[], re: RegExp, from = 1, to = lines.length): number | undefined {
  for (let k = from; k <= to; k++) if (re.test(lines[k - 1]!)) return k;
  return undefined;
}

/** A declaration's range: its doc comment through its closing brace (or its one line). */
function declRange(lines: readonly string[], at: number, overFields = false): [number, number] {
  const end = /\{\s*(\/\/.*)?$/.test(lines[at - 1]!) ? closing(lines, at) : at;
  return [docStart(lines, at, overFields), end];
}

/** The line ranges of a cited symbol in a Go file's text; throws if it is not there. */
export function resolve(text: string, symbol: string): Ranges {
  const lines = text.split('\n');
  let m: RegExpExecArray | null;
  if (symbol === 'package comment') {
    const pkg = find(lines, /^package \w+/);
    if (pkg === undefined) throw new Error('no package clause');
    let k = pkg - 1;
    while (k >= 1 && lines[k - 1]!.trim() === '') k--;
    if (k < 1 || !lines[k - 1]!.startsWith('//')) throw new Error('no comment above the package clause');
    const start = docStart(lines, k + 1);
    if (lines.slice(start - 1, k).some((l) => /Copyright \d+ The Go Authors/.test(l))) throw new Error('only the copyright notice is above the package clause');
    return [[start, k]];
  }
  if ((m = /^\(\*?(\w+)\)\.(\w+)$/.exec(symbol)) !== null || (m = /^(\w+)\.(\w+)$/.exec(symbol)) !== null) {
    const at = find(lines, new RegExp(`^func \\(\\w*\\s*\\*?${esc(m[1]!)}(\\[[^\\]]*\\])?\\) ${esc(m[2]!)}[\\[(]`));
    if (at === undefined) throw new Error(`no method ${symbol}`);
    return [declRange(lines, at)];
  }
  if ((m = /^type (\w+)(?: \(([\w, ]+)\))?$/.exec(symbol)) !== null) {
    const at = find(lines, new RegExp(`^type ${esc(m[1]!)}\\b`));
    if (at === undefined) throw new Error(`no type ${m[1]}`);
    const whole = declRange(lines, at);
    if (m[2] === undefined) return [whole];
    const ranges = m[2].split(',').map((f) => {
      const field = f.trim();
      const line = find(lines, new RegExp(`^\\t(\\w+,\\s*)*${esc(field)}\\b(\\s*,\\s*\\w+)*\\s+[^\\s=(]`), at + 1, whole[1]);
      if (line === undefined) throw new Error(`no field ${field} in type ${m![1]}`);
      return declRange(lines, line, true);
    });
    // Fields declared on one line (start, end) share their range.
    return ranges.filter((r, i) => ranges.findIndex((x) => x[0] === r[0] && x[1] === r[1]) === i);
  }
  if ((m = /^(\w+)$/.exec(symbol)) !== null) {
    const name = esc(m[1]!);
    const at = find(lines, new RegExp(`^func ${name}[\\[(]`)) ?? find(lines, new RegExp(`^(const|var) ${name}\\b`)) ?? find(lines, new RegExp(`^\\t${name}\\b(\\s+\\w+)?(\\s*=.*)?$`));
    if (at === undefined) throw new Error(`no func, const or var ${symbol}`);
    return [declRange(lines, at)];
  }
  throw new Error(`cannot read the symbol ${JSON.stringify(symbol)}: cite (*T).method, T.method, func, type T, type T (field, ...), a constant, or package comment`);
}

/** The table's source text. */
export function goLinesSource(table: ReadonlyMap<string, Ranges>): string {
  const rows = [...table].map(([k, r]) => `  ${JSON.stringify(k)}: [${r.map(([a, b]) => `[${a}, ${b}]`).join(', ')}],`);
  return `// generated by cli/goLinesGen.ts from go1.21.12's src/runtime; do not edit (see that file to regenerate)
//
// Each Go citation of the catalogs (file · symbol, as spec/catalog.ts's go()
// builds them) and the line ranges, in go1.21.12, of the text it cites: the
// symbol's doc comment through its last line.

export const GO_LINES_VERSION = 'go1.21.12';

export const goLines: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
${rows.join('\n')}
};
`;
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const roots = argv.filter((a) => a !== '--check');
  if (roots.length !== 1) {
    process.stderr.write('usage: node dist/cli/goLinesGen.js GO_1_21_12_TREE [--check]\n');
    return 2;
  }
  const table = new Map<string, Ranges>();
  const problems: string[] = [];
  const texts = new Map<string, string>();
  for (const c of citations()) {
    const path = join(roots[0]!, 'src', c.file);
    let text = texts.get(path);
    if (text === undefined) {
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        problems.push(`${c.key}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        continue;
      }
      texts.set(path, text);
    }
    try {
      table.set(c.key, resolve(text, c.symbol));
    } catch (e) {
      problems.push(`${c.key}: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(problems.map((p) => `goLinesGen: ${p}\n`).join(''));
    return 1;
  }
  const out = 'spec/goLines.ts';
  const src = goLinesSource(table);
  if (check) {
    let now = '';
    try {
      now = readFileSync(out, 'utf8');
    } catch {
      // missing
    }
    if (now === src) return 0;
    process.stderr.write(`goLinesGen: ${out} is stale; run it without --check\n`);
    return 1;
  }
  writeAtomic(out, src);
  process.stderr.write(`wrote ${out}: ${table.size} citations\n`);
  return 0;
}

if (process.argv[1] !== undefined && /goLinesGen\.js$/.test(process.argv[1])) process.exitCode = main(process.argv.slice(2));
