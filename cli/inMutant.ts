// Running a command in a named mutant's build: the CLI re-executes itself
// from the scratch copy mutants/scratch.ts makes, so the model a mutant
// campaign or replay runs on is the patched one and this process's model
// is never touched.

import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { MutantBuildError, prepareMutant } from '../mutants/scratch.js';
import type { Io } from './io.js';
import { UsageError } from './usage.js';

/** The mutant build's CLI entry point, built now if need be (a patch that no longer applies is bad input). */
function mutantCli(id: string, io: Io, entry: string): string {
  try {
    return path.join(prepareMutant(id, (l) => io.log(l)), 'dist', entry);
  } catch (e) {
    if (e instanceof MutantBuildError) throw new UsageError(e.message);
    throw e;
  }
}

/** Run `mheap-spec argv` in mutant id's build, its output passed through io; resolves to its exit status. */
export function runInMutant(id: string, argv: readonly string[], io: Io, entry = 'cli/main.js'): Promise<number> {
  const bin = mutantCli(id, io, entry);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, bin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (t: string) => io.out(t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => io.err(t));
    // Ctrl-C, SIGTERM, SIGHUP: the child stops cleanly and writes its report; we wait for it.
    const off = io.onInterrupt?.((signal) => child.kill(signal));
    child.on('error', (e) => {
      off?.();
      reject(e);
    });
    child.on('close', (code, signal) => {
      off?.();
      // Killed by a signal: 128 + its number, as a shell reports it.
      resolve(code ?? (signal === null ? 1 : 128 + (constants.signals[signal] ?? 0)));
    });
  });
}

/** The same, synchronously (for replay): the output is passed on when the child ends. */
export function runInMutantSync(id: string, argv: readonly string[], io: Io, entry = 'cli/main.js'): number {
  const bin = mutantCli(id, io, entry);
  const r = spawnSync(process.execPath, [...process.execArgv, bin, ...argv], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error !== undefined) throw r.error;
  io.out(r.stdout);
  io.err(r.stderr);
  return r.status ?? (r.signal === null ? 1 : 128 + (constants.signals[r.signal] ?? 0));
}
