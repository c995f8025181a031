// Type-check Stryker's mutants with the project's tsc (TypeScript 7), which
// @stryker-mutator/typescript-checker cannot drive: it needs TypeScript 5's
// compiler API.
//
// Each mutant gets a tree of its own in a scratch copy of the sources:
// mutants/N/ holds its file with the mutation applied, at the file's own
// path, and a copy of every file in the same import cycle as it (its
// strongly connected component of relative imports). Every other file a copy
// imports is a one-line `export *` of the scratch original, so its types are
// one set shared by all trees (tsc 7 does not resolve a symlink outside
// node_modules to its real path, so a symlink would not do). The mutated file thus
// stands in for the original wherever the original's types can reach back
// to it: a class with private members (MHeap, PageAlloc) is one type in the
// tree, not the original's and the copy's. One tsc run checks the trees of a
// batch; an error anywhere in tree N is mutant N's.
// The project's compiler options apply, less noUnusedLocals: a mutant that
// only leaves a local unread is still a program.
//
// What this cannot see: an error a mutant causes only in a file outside its
// import cycle that imports it (a changed inferred type of an export). Those
// mutants still run and count.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, resolve, sep } from 'node:path';
import type { CompileErrors, MutantResult, StrykerReport } from './mutationReport.js';

export interface TypecheckOptions {
  /** The project root (default: the working directory). */
  readonly root?: string;
  /** The scratch directory, emptied first (default ROOT/.cache/mutation-typecheck). */
  readonly scratch?: string;
  /** Mutant copies per tsc run. */
  readonly batch?: number;
  readonly log?: (line: string) => void;
}

/** The source with one mutant applied: its range (1-based lines and columns, end exclusive) replaced. */
export function applyMutant(source: string, m: Pick<MutantResult, 'location' | 'replacement'>): string {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; column: number }): number => starts[p.line - 1]! + p.column - 1;
  return source.slice(0, offset(m.location.start)) + (m.replacement ?? '') + source.slice(offset(m.location.end));
}

/** Relative imports of a TypeScript source, as written ('./x.js', '../y/z.js'). */
export function relativeImports(source: string): string[] {
  return [...new Set([...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.\.?\/[^']+\.js)'/g)].map((m) => m[1]!))];
}

/** The root-relative .ts path an import in FILE names (both '/'-separated). */
function resolveImport(file: string, spec: string): string {
  return posix.join(posix.dirname(file), spec).replace(/\.js$/, '.ts');
}

/** The files in FILE's import cycle, FILE first: those it reaches that reach it back. */
export function importCycle(file: string, importsOf: (f: string) => readonly string[]): string[] {
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) for (const d of importsOf(stack.pop()!)) if (!seen.has(d)) (seen.add(d), stack.push(d));
    return seen;
  };
  const forward = reach(file);
  return [file, ...[...forward].filter((f) => f !== file && reach(f).has(file)).sort()];
}

/** Every mutant (but the equivalent ones) that does not type-check, with tsc's first error. */
export function typecheckMutants(report: StrykerReport, opts: TypecheckOptions = {}): CompileErrors {
  const root = resolve(opts.root ?? '.');
  const scratch = resolve(root, opts.scratch ?? join('.cache', 'mutation-typecheck'));
  const log = opts.log ?? (() => undefined);
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown>; include: string[] };
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const d of tsconfig.include) {
    const from = join(root, d);
    if (existsSync(from) && statSync(from).isDirectory()) cpSync(from, join(scratch, d), { recursive: true });
  }
  const sources = new Map<string, string>();
  const sourceOf = (f: string): string => {
    let s = sources.get(f);
    if (s === undefined) sources.set(f, (s = existsSync(join(scratch, f)) ? readFileSync(join(scratch, f), 'utf8') : ''));
    return s;
  };
  const imports = new Map<string, string[]>();
  const importsOf = (f: string): string[] => {
    let i = imports.get(f);
    if (i === undefined) imports.set(f, (i = relativeImports(sourceOf(f)).map((spec) => resolveImport(f, spec))));
    return i;
  };
  const cycles = new Map<string, string[]>();
  const jobs: { tree: string; files: number; file: string; id: string }[] = [];
  for (const [file, f] of Object.entries(report.files)) {
    let cycle = cycles.get(file);
    if (cycle === undefined) cycles.set(file, (cycle = importCycle(file, importsOf)));
    const members = new Set(cycle);
    for (const m of f.mutants) {
      if (m.status === 'Ignored') continue;
      // Numbered, not named by id: a result Stryker's incremental mode carried over has a key for an id.
      const tree = `mutants/${jobs.length}`;
      for (const member of cycle) {
        const path = join(scratch, tree, member);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, member === file ? applyMutant(f.source, m) : sourceOf(member));
        for (const dep of importsOf(member)) {
          const link = join(scratch, tree, dep);
          if (members.has(dep) || existsSync(link)) continue;
          mkdirSync(dirname(link), { recursive: true });
          writeFileSync(link, `export * from '${posix.relative(posix.dirname(`${tree}/${dep}`), dep).replace(/\.ts$/, '.js')}';\n`);
        }
      }
      jobs.push({ tree, files: cycle.length, file, id: m.id });
    }
  }
  const byTree = new Map(jobs.map((j) => [j.tree, j]));
  const errors = new Map<string, Map<string, string>>();
  const tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  const size = opts.batch ?? 3000;
  const compilerOptions = { ...tsconfig.compilerOptions, noEmit: true, noUnusedLocals: false, sourceMap: false };
  for (let b = 0, n = 0; b < jobs.length; n++) {
    const batch: typeof jobs = [];
    for (let files = 0; b < jobs.length && (batch.length === 0 || files + jobs[b]!.files <= size); b++) (batch.push(jobs[b]!), (files += jobs[b]!.files));
    const project = join(scratch, `tsconfig.batch-${n}.json`);
    writeFileSync(project, JSON.stringify({ compilerOptions, files: batch.map((j) => `${j.tree}/${j.file}`) }, null, 2));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false', '--checkers', '2'], { cwd: scratch, encoding: 'utf8', maxBuffer: 256 << 20 });
    if (r.error !== undefined) throw r.error;
    for (const line of r.stdout.split('\n')) {
      const e = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line.trim());
      if (e === null) {
        if (/error TS\d+/.test(line)) throw new Error(`tsc failed: ${line}`);
        continue;
      }
      const where = /^mutants\/(\d+)\/(.*)$/.exec(e[1]!.split(sep).join('/'));
      const job = where === null ? undefined : byTree.get(`mutants/${where[1]}`);
      if (job === undefined || where === null) throw new Error(`tsc reports an error outside the mutant trees, so the project itself does not type-check: ${line}`);
      let m = errors.get(job.file);
      if (m === undefined) errors.set(job.file, (m = new Map()));
      const at = where[2] === job.file ? '' : `${where[2]}:`;
      if (!m.has(job.id)) m.set(job.id, `${at}${e[2]}:${e[3]} ${e[4]}`);
    }
    if (r.status === null || r.status > 2) throw new Error(`tsc exited with status ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
    log(`type-checked mutants ${b - batch.length + 1}-${b} of ${jobs.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return errors;
}
