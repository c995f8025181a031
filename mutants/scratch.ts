// Building a named mutant: its patch applied to a scratch copy of the
// project, compiled there. model/ itself is never touched.
//
// .cache/mutants/<id>/ holds the copy: the sources, the patched model, a
// dist/ built from them and the marker (mutants/applied.ts). A copy whose
// marker's hash matches the current sources and patch is reused.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MARKER_FILE, projectRoot, readMarker, type MutantMarker } from './applied.js';
import { namedMutant } from './catalog.js';

/** The project's tsc, found as Node resolves the typescript package (hoisted or not), as cli/mutationTypecheck.ts does. */
function tscOf(root: string): string {
  return path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
}

/** What a mutant build copies: every folder tsconfig.build.json compiles, and the configs (tests left out: the build does not compile them). */
const COPIED_DIRS = ['model', 'spec', 'properties', 'cli', 'bench', 'conformance', 'mutants', 'testing'] as const;
const COPIED_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json'] as const;

/** A patch that no longer applies, or a mutant that does not compile: not a killed mutant. */
export class MutantBuildError extends Error {
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(`mutant ${id}: ${message}`);
  }
}

/** The patch file of a named mutant. */
export function patchFile(id: string, root = projectRoot()): string {
  return path.join(root, 'mutants', 'patches', `${id}.patch`);
}

/** The files a patch changes (the `+++ b/...` lines); each must lie in model/. */
export function patchedFiles(id: string, root = projectRoot()): string[] {
  const text = readPatch(id, root);
  const files = [...text.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1]!);
  if (files.length === 0) throw new MutantBuildError(id, `${path.relative(root, patchFile(id, root))} changes no file`);
  for (const f of files) if (!f.startsWith('model/')) throw new MutantBuildError(id, `the patch changes ${f}: a named mutant changes model/ only`);
  return files;
}

function readPatch(id: string, root: string): string {
  const file = patchFile(id, root);
  if (!existsSync(file)) throw new MutantBuildError(id, `no patch ${path.relative(root, file)}`);
  return readFileSync(file, 'utf8');
}

const copied = (file: string): boolean => !file.endsWith('.test.ts');

function sourceFiles(root: string): string[] {
  const out: string[] = [...COPIED_FILES];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && copied(r)) out.push(r);
    }
  };
  for (const d of COPIED_DIRS) walk(d);
  return out;
}

/** A hash of everything a mutant build is made from. */
export function sourceHash(id: string, root = projectRoot()): string {
  const h = createHash('sha256');
  h.update(id).update('\0').update(readPatch(id, root)).update('\0');
  for (const f of sourceFiles(root)) h.update(f).update('\0').update(readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Where the build of mutant id lives. */
export function mutantDir(id: string, root = projectRoot()): string {
  return path.join(root, '.cache', 'mutants', id);
}

/**
 * The project's copy with mutant id applied and built, made now unless an
 * up-to-date one exists. Throws MutantBuildError when the patch does not
 * apply or the result does not type-check.
 */
export function prepareMutant(id: string, log: (line: string) => void = () => {}, root = projectRoot()): string {
  namedMutant(id);
  patchedFiles(id, root);
  const dir = mutantDir(id, root);
  const hash = sourceHash(id, root);
  if (readMarker(dir)?.sourceHash === hash) return dir;
  log(`building mutant ${id} in ${path.relative(process.cwd(), dir) || dir}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const f of COPIED_FILES) cpSync(path.join(root, f), path.join(tmp, f));
    for (const d of COPIED_DIRS) cpSync(path.join(root, d), path.join(tmp, d), { recursive: true, filter: (src) => copied(src) });
    symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    // The real-Go replayers do not depend on the model: share their cache.
    mkdirSync(path.join(root, '.cache', 'conformance'), { recursive: true });
    mkdirSync(path.join(tmp, '.cache'));
    symlinkSync(path.join(root, '.cache', 'conformance'), path.join(tmp, '.cache', 'conformance'), 'dir');
    try {
      execFileSync('patch', ['-p1', '--batch', '--forward', '--fuzz=0', '--no-backup-if-mismatch', '-i', patchFile(id, root)], { cwd: tmp, stdio: 'pipe' });
    } catch (e) {
      throw new MutantBuildError(id, `the patch does not apply: ${outputOf(e)}`);
    }
    try {
      execFileSync(process.execPath, [tscOf(root), '-p', 'tsconfig.build.json'], { cwd: tmp, stdio: 'pipe' });
    } catch (e) {
      throw new MutantBuildError(id, `the patched model does not type-check: ${outputOf(e)}`);
    }
    const marker: MutantMarker = { format: 'mheap-spec/mutant-build@1', id, sourceHash: hash };
    writeFileSync(path.join(tmp, MARKER_FILE), JSON.stringify(marker) + '\n');
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process built the same mutant meanwhile: use its copy.
      if (readMarker(dir)?.sourceHash !== hash) throw e;
    }
    return dir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function outputOf(e: unknown): string {
  const x = e as { stdout?: Buffer; stderr?: Buffer; message?: string };
  const text = `${x.stdout?.toString() ?? ''}${x.stderr?.toString() ?? ''}`.trim() || (x.message ?? String(e));
  return text.split('\n').slice(0, 6).join('; ');
}
