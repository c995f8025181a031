// Type-check Stryker's mutants with the project's tsc (TypeScript 7), which
// @stryker-mutator/typescript-checker cannot drive: it needs TypeScript 5's
// compiler API.
//
// Each mutant gets a tree of its own in a scratch copy of the sources:
// mutants-B/K/ (batch B, its K-th mutant) holds its file with the mutation
// applied, at the file's own path, and a copy of every file in the same import cycle as it (its
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
  /** Tree files (a mutant's file and its import cycle) per tsc run. */
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

/** A mutant to type-check: its root-relative file, that file's source, the mutant (1-based location). */
export interface MutantToCheck {
  readonly file: string;
  readonly source: string;
  readonly mutant: Pick<MutantResult, 'location' | 'replacement'>;
}

/**
 * The scratch copy of the sources and the mutants' trees in it. `check`
 * writes a batch's trees, runs tsc once over them and removes them.
 */
export class MutantTrees {
  readonly root: string;
  readonly scratch: string;
  private readonly compilerOptions: Record<string, unknown>;
  private readonly tsc: string;
  private readonly sources = new Map<string, string>();
  private readonly imports = new Map<string, string[]>();
  private readonly cycles = new Map<string, string[]>();
  private batches = 0;

  /** Empties SCRATCH (ROOT-relative or absolute) and copies tsconfig's include folders into it. */
  constructor(root: string, scratch: string) {
    this.root = resolve(root);
    this.scratch = resolve(this.root, scratch);
    const tsconfig = JSON.parse(readFileSync(join(this.root, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown>; include: string[] };
    rmSync(this.scratch, { recursive: true, force: true });
    mkdirSync(this.scratch, { recursive: true });
    for (const d of tsconfig.include) {
      const from = join(this.root, d);
      if (existsSync(from) && statSync(from).isDirectory()) cpSync(from, join(this.scratch, d), { recursive: true });
    }
    this.compilerOptions = { ...tsconfig.compilerOptions, noEmit: true, noUnusedLocals: false, sourceMap: false };
    this.tsc = join(dirname(createRequire(join(this.root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  }

  /** FILE's source (root-relative), as copied into the scratch tree. */
  sourceOf(f: string): string {
    let s = this.sources.get(f);
    if (s === undefined) this.sources.set(f, (s = existsSync(join(this.scratch, f)) ? readFileSync(join(this.scratch, f), 'utf8') : ''));
    return s;
  }

  private importsOf(f: string): string[] {
    let i = this.imports.get(f);
    if (i === undefined) this.imports.set(f, (i = relativeImports(this.sourceOf(f)).map((spec) => resolveImport(f, spec))));
    return i;
  }

  /** FILE's import cycle (root-relative, '/'-separated), FILE first. */
  cycleOf(file: string): readonly string[] {
    let c = this.cycles.get(file);
    if (c === undefined) this.cycles.set(file, (c = importCycle(file, (f) => this.importsOf(f))));
    return c;
  }

  /** Type-checks MUTANTS in one tsc run: for each, tsc's first error, or undefined if it compiles. */
  check(mutants: readonly MutantToCheck[]): (string | undefined)[] {
    const batch = `mutants-${this.batches++}`;
    const errors: (string | undefined)[] = mutants.map(() => undefined);
    const roots: string[] = [];
    mutants.forEach(({ file, source, mutant }, k) => {
      const tree = `${batch}/${k}`;
      const cycle = this.cycleOf(file);
      for (const member of cycle) {
        const path = join(this.scratch, tree, member);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, member === file ? applyMutant(source, mutant) : this.sourceOf(member));
        for (const dep of this.importsOf(member)) {
          const link = join(this.scratch, tree, dep);
          if (cycle.includes(dep) || existsSync(link)) continue;
          mkdirSync(dirname(link), { recursive: true });
          writeFileSync(link, `export * from '${posix.relative(posix.dirname(`${tree}/${dep}`), dep).replace(/\.ts$/, '.js')}';\n`);
        }
      }
      roots.push(`${tree}/${file}`);
    });
    const project = join(this.scratch, `tsconfig.${batch}.json`);
    writeFileSync(project, JSON.stringify({ compilerOptions: this.compilerOptions, files: roots }, null, 2));
    const r = spawnSync(process.execPath, [this.tsc, '-p', project, '--pretty', 'false', '--checkers', '2'], { cwd: this.scratch, encoding: 'utf8', maxBuffer: 256 << 20 });
    rmSync(join(this.scratch, batch), { recursive: true, force: true });
    rmSync(project, { force: true });
    if (r.error !== undefined) throw r.error;
    for (const line of r.stdout.split('\n')) {
      const e = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line.trim());
      if (e === null) {
        if (/error TS\d+/.test(line)) throw new Error(`tsc failed: ${line}`);
        continue;
      }
      const where = new RegExp(`^${batch}/(\\d+)/(.*)$`).exec(e[1]!.split(sep).join('/'));
      const k = where === null ? -1 : Number(where[1]);
      if (where === null || mutants[k] === undefined) throw new Error(`tsc reports an error outside the mutant trees, so the project itself does not type-check: ${line}`);
      const at = where[2] === mutants[k].file ? '' : `${where[2]}:`;
      errors[k] ??= `${at}${e[2]}:${e[3]} ${e[4]}`;
    }
    if (r.status === null || r.status > 2) throw new Error(`tsc exited with status ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
    return errors;
  }

  /** MUTANTS cut into batches of at most SIZE tree files (a mutant's tree holds its import cycle). */
  batchesOf<T extends { readonly file: string }>(mutants: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    let files = Infinity;
    for (const m of mutants) {
      const n = this.cycleOf(m.file).length;
      if (files + n > size) (out.push([]), (files = 0));
      out[out.length - 1]!.push(m);
      files += n;
    }
    return out;
  }
}

/**
 * Every mutant (but the equivalent ones, and those Stryker's tsc7 checker
 * already found not to compile) that does not type-check, with tsc's first error.
 */
export function typecheckMutants(report: StrykerReport, opts: TypecheckOptions = {}): CompileErrors {
  const trees = new MutantTrees(opts.root ?? '.', opts.scratch ?? join('.cache', 'mutation-typecheck'));
  const log = opts.log ?? (() => undefined);
  const jobs: (MutantToCheck & { id: string })[] = [];
  for (const [file, f] of Object.entries(report.files)) for (const m of f.mutants) if (m.status !== 'Ignored' && m.status !== 'CompileError') jobs.push({ file, source: f.source, mutant: m, id: m.id });
  const errors = new Map<string, Map<string, string>>();
  let done = 0;
  for (const batch of trees.batchesOf(jobs, opts.batch ?? 3000)) {
    const t0 = performance.now();
    trees.check(batch).forEach((error, k) => {
      if (error === undefined) return;
      const { file, id } = batch[k]!;
      let m = errors.get(file);
      if (m === undefined) errors.set(file, (m = new Map()));
      m.set(id, error);
    });
    log(`type-checked mutants ${done + 1}-${(done += batch.length)} of ${jobs.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return errors;
}
