// The real Go runtime on the benchmark trace: the project's replayer
// (conformance/realgo) in its timing mode, which times only its op loop.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReplayer, findGo, REPLAYER_TEST } from '../conformance/realgo/gorunner.js';
export { goRuntimes } from '../conformance/realgo/gorunner.js';
import type { BenchTrace } from './trace1m.js';
import { toTraceFormat } from './trace1m.js';

export interface RealGoTiming {
  readonly goVersion: string;
  readonly nsPerOp: number;
  readonly runs: number[];
}

/** Time the trace on a real runtime (default findGo()), reps times; undefined without Go or a replayer that can time. */
export async function realGoTiming(trace: BenchTrace, reps: number, name: string, go: string | undefined = findGo()): Promise<RealGoTiming | undefined> {
  if (go === undefined) return undefined;
  const bin = await buildReplayer(go);
  const dir = join('.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) writeFileSync(file, toTraceFormat(trace));
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const res = spawnSync(bin, ['-test.run', `^${REPLAYER_TEST}$`], {
      env: { ...process.env, MHEAP_SPEC_TRACE: file, MHEAP_SPEC_TIME: '1' },
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const line = res.stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"ns"'));
    if (res.status !== 0 || line === undefined) return undefined;
    const v = JSON.parse(line) as { timedOps: number; ns: number };
    runs.push(v.ns / v.timedOps);
  }
  runs.sort((a, b) => a - b);
  const goVersion = /go\d+\.\d+(\.\d+)?/.exec(execFileSync(go, ['version'], { encoding: 'utf8' }))?.[0] ?? 'go';
  return { goVersion, nsPerOp: runs[Math.floor(runs.length / 2)]!, runs };
}
