// Running a mutant's probe (probe.ts) in its build, from the real model's
// process: `mheap-spec mutants` and the bench.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ProbeResult } from './probe.js';

/** Run the probe in the mutant's build; resolves to its result. */
export function probeInBuild(dir: string, seeds: number, runs: number): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(dir, 'dist', 'mutants', 'probeMain.js'), String(seeds), String(runs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ProbeResult) : reject(new Error(`the probe in ${dir} exited ${code}: ${err.trim()}`))));
  });
}

