// Where a command's output goes. The committed reports/ is written only by
// the canonical campaign run to its end (canonical.ts); every other run
// writes to a directory of its own under runs/ (git-ignored), unless --out
// names one. Output directories are made and proven writable before any
// work starts, one path component at a time (Node's recursive mkdirSync
// spins forever on procfs), so a bad --out is one line and costs nothing.

import { mkdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { UsageError } from './usage.js';

/** Where ad-hoc runs write their reports, relative to the working directory. */
export const RUNS_DIR = 'runs';

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'the file system refuses to create it',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is not a directory',
  EEXIST: 'it exists and is not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === undefined ? String(e) : `${reasons[code] ?? code}`;
}

/**
 * Make dir (and any missing parents) and prove it writable by creating and
 * removing a file in it. Bounded: one mkdir per missing path component.
 * Throws UsageError naming the flag on any failure; returns the directories
 * it created (outermost first), so a caller can take them back.
 */
export function prepareOutDir(dir: string, flag = '--out'): string[] {
  const target = resolve(dir);
  const missing: string[] = [];
  let p = target;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: an ancestor is a file; going up finds it and names it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UsageError(`${flag} ${dir}: cannot use ${p} (${reason(e)})`);
      const up = dirname(p);
      if (up === p) throw new UsageError(`${flag} ${dir}: no existing parent directory`);
      missing.unshift(p);
      p = up;
      continue;
    }
    if (!isDir) throw new UsageError(`${flag} ${dir}: ${p} is not a directory`);
    break;
  }
  const made: string[] = [];
  const undo = (): void => {
    for (const m of [...made].reverse()) {
      try {
        rmdirSync(m);
      } catch {
        // leave it
      }
    }
  };
  for (const m of missing) {
    try {
      mkdirSync(m); // not recursive: one component, one syscall
      made.push(m);
    } catch (e) {
      undo();
      throw new UsageError(`${flag} ${dir}: cannot create ${m} (${reason(e)})`);
    }
  }
  const probe = join(target, `.mheap-spec-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    undo();
    throw new UsageError(`${flag} ${dir}: cannot write in ${target} (${reason(e)})`);
  }
  return made;
}

/** Remove directories prepareOutDir made, if they are still empty (a run that wrote nothing). */
export function removeIfEmpty(dirs: readonly string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty, or gone: leave it
    }
  }
}

function stamp(d: Date): string {
  const z = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${z(d.getMonth() + 1)}${z(d.getDate())}-${z(d.getHours())}${z(d.getMinutes())}${z(d.getSeconds())}`;
}

/** A fresh directory of its own for an ad-hoc run: runs/<kind>-<date>-<time>[-n], made and proven writable. */
export function newRunDir(kind: string, now = new Date()): string {
  const hint = ' (or name one with --out DIR)';
  try {
    prepareOutDir(RUNS_DIR, 'the runs directory');
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(e.message + hint) : e;
  }
  const base = join(RUNS_DIR, `${kind}-${stamp(now)}`);
  for (let n = 1; n < 1000; n++) {
    const d = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new UsageError(`cannot create ${d} (${reason(e)})${hint}`);
    }
    return d;
  }
  throw new UsageError(`cannot find a free name for ${base} in ${RUNS_DIR}/${hint}`);
}

/** Whether two paths name the same place, or one is inside the other. */
export function overlaps(a: string, b: string): boolean {
  const x = resolve(a) + sep;
  const y = resolve(b) + sep;
  return x.startsWith(y) || y.startsWith(x);
}
