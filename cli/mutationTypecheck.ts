// Type-check Stryker's mutants with the project's tsc (TypeScript 7), which
// @stryker-mutator/typescript-checker cannot drive: it needs TypeScript 5's
// compiler API.
//
// Each mutant becomes a copy of its file with the mutation applied, next to
// the original in a scratch copy of the sources (so its relative imports
// resolve as the original's do), named FILE.mutant-N.ts; one tsc run checks
// all the copies of a batch, and an error in a copy is that mutant's.
// The project's compiler options apply, less noUnusedLocals: a mutant that
// only leaves a local unread is still a program.
//
// What this cannot see: an error a mutant causes only in another file (a
// changed inferred type of an export). Those mutants still run and count.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
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
  const jobs: { path: string; file: string; id: string }[] = [];
  for (const [file, f] of Object.entries(report.files)) {
    for (const m of f.mutants) {
      if (m.status === 'Ignored') continue;
      // Numbered, not named by id: a result Stryker's incremental mode carried over has a key for an id.
      const path = join(scratch, file.replace(/\.ts$/, `.mutant-${jobs.length}.ts`));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, applyMutant(f.source, m));
      jobs.push({ path: relative(scratch, path).split(sep).join('/'), file, id: m.id });
    }
  }
  const byPath = new Map(jobs.map((j) => [j.path, j]));
  const errors = new Map<string, Map<string, string>>();
  const tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  const size = opts.batch ?? 1500;
  const compilerOptions = { ...tsconfig.compilerOptions, noEmit: true, noUnusedLocals: false, sourceMap: false };
  for (let b = 0; b < jobs.length; b += size) {
    const batch = jobs.slice(b, b + size);
    const project = join(scratch, `tsconfig.batch-${b / size}.json`);
    writeFileSync(project, JSON.stringify({ compilerOptions, files: batch.map((j) => j.path) }, null, 2));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false', '--checkers', '2'], { cwd: scratch, encoding: 'utf8', maxBuffer: 256 << 20 });
    if (r.error !== undefined) throw r.error;
    for (const line of r.stdout.split('\n')) {
      const e = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line.trim());
      if (e === null) {
        if (/error TS\d+/.test(line)) throw new Error(`tsc failed: ${line}`);
        continue;
      }
      const job = byPath.get(e[1]!.split(sep).join('/'));
      if (job === undefined) throw new Error(`tsc reports an error outside the mutant copies, so the project itself does not type-check: ${line}`);
      let m = errors.get(job.file);
      if (m === undefined) errors.set(job.file, (m = new Map()));
      if (!m.has(job.id)) m.set(job.id, `${e[2]}:${e[3]} ${e[4]}`);
    }
    if (r.status === null || r.status > 2) throw new Error(`tsc exited with status ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
    log(`type-checked mutants ${b + 1}-${b + batch.length} of ${jobs.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return errors;
}
