// Timing the page allocator model on a benchmark trace: the op loop alone,
// on an allocator built as Go's NewPageAlloc builds it (not timed).

import { newPageAlloc, baseChunkIdx } from '../model/export.js';
import type { Geometry } from '../model/geometry.js';
import type { PageAlloc } from '../model/mpagealloc.js';
import type { BenchTrace } from './trace1m.js';
import { OP_ALLOC, generateTrace } from './trace1m.js';

/** A NewPageAlloc-style allocator with chunks 0..n-1 (relative to BaseChunkIdx) grown and empty. */
export function freshAllocator(g: Geometry, chunks: number): PageAlloc {
  const c = baseChunkIdx(g);
  return newPageAlloc(g, Array.from({ length: chunks }, (_, i) => ({ chunk: c + i })));
}

export interface LoopResult {
  readonly ops: number;
  readonly ns: number;
  readonly failedAllocs: number;
}

/** Run ops [0, limit) of the trace on p; returns the op loop's time. */
export function runModel(p: PageAlloc, t: BenchTrace, limit = t.kind.length): LoopResult {
  const addr = new Float64Array(limit);
  const { kind, arg } = t;
  let failed = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < limit; i++) {
    if (kind[i] === OP_ALLOC) {
      const a = p.alloc(arg[i]!)[0];
      addr[i] = a;
      if (a === 0) failed++;
    } else {
      const ref = arg[i]!;
      if (addr[ref] !== 0) p.free(addr[ref]!, arg[ref]!);
    }
  }
  return { ops: limit, ns: Number(process.hrtime.bigint() - t0), failedAllocs: failed };
}

/** Generate the benchmark trace with the model as its first-fit oracle. */
export function benchTrace(g: Geometry, ops: number, seed: number, chunks: number): BenchTrace {
  const oracle = freshAllocator(g, chunks);
  const addr = new Float64Array(ops);
  const npages = new Int32Array(ops);
  return generateTrace(
    ops,
    seed,
    chunks,
    (i, n) => {
      const [a] = oracle.alloc(n);
      addr[i] = a;
      npages[i] = n;
      return a !== 0;
    },
    (ref) => oracle.free(addr[ref]!, npages[ref]!),
  );
}
