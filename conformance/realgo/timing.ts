// Timing a trace file on the real runtime (time_test.go, MHEAP_SPEC_TIME=1),
// for benchmarks that compare the model's ns/op (conformance/trace/time.ts,
// `mheap-spec trace --time`) with Go's on the same file.

import type { TimedTrace } from '../trace/time.js';
import { buildReplayer, runReplayer } from './gorunner.js';

/** Times every trace in file on the real runtime: only each trace's op loop is timed. Throws if the replayer fails. */
export async function timeTraceOnGo(file: string): Promise<TimedTrace[]> {
  const bin = await buildReplayer();
  const r = await runReplayer(bin, file, { MHEAP_SPEC_TIME: '1' });
  if (r.code !== 0) throw new Error(`real-Go replayer, MHEAP_SPEC_TIME=1 ${file}: exit status ${String(r.code ?? r.signal)}: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TimedTrace);
}
