// Which named mutant, if any, the running code was built with.
//
// A named mutant is a patch applied to a scratch copy of the project and
// built there (mutants/scratch.ts); the copy carries a marker file at its
// root. Code that labels its output (counterexample files, reports) asks
// appliedMutant(); the model itself never knows.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The marker a mutant build carries at its root. */
export const MARKER_FILE = 'mutant.json';

export interface MutantMarker {
  readonly format: 'mheap-spec/mutant-build@1';
  readonly id: string;
  /** Hash of the sources and the patch the build was made from. */
  readonly sourceHash: string;
}

/** The project root this module was loaded from (its package.json's folder), source or dist. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'mutants'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The marker at root, or null when root is not a mutant build. */
export function readMarker(root: string): MutantMarker | null {
  const file = path.join(root, MARKER_FILE);
  if (!existsSync(file)) return null;
  const m = JSON.parse(readFileSync(file, 'utf8')) as MutantMarker;
  return m.format === 'mheap-spec/mutant-build@1' && typeof m.id === 'string' ? m : null;
}

let cached: string | null | undefined;

/** The named mutant this process's code was built with, or null for the real model. */
export function appliedMutant(): string | null {
  if (cached === undefined) cached = readMarker(projectRoot())?.id ?? null;
  return cached;
}
