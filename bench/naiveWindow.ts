// The naive baseline at full heap size. Timing a linear-scan first fit over
// the whole 1M-op trace would take minutes, and early in the trace the heap
// is nearly empty, so a prefix says nothing about "at that size". Both
// allocators are first fit on the same trace, so they hold the same pages:
// run the model (untimed) to a late op, copy its bitmap into the naive
// allocator, then time both on the same window of ops from there.

import type { Geometry } from '../model/geometry.js';
import type { PageAlloc } from '../model/mpagealloc.js';
import { NaiveFirstFit } from './naive.js';
import { freshAllocator } from './pagealloc.js';
import type { BenchTrace } from './trace1m.js';
import { OP_ALLOC } from './trace1m.js';

export interface WindowTiming {
  readonly naiveNsPerOp: number;
  readonly modelNsPerOp: number;
  /** Allocated share of the heap when the window starts. */
  readonly allocatedFraction: number;
}

/** Run ops [0, limit) on p untimed, remembering each alloc's address (0 once freed or failed). */
function runTo(p: PageAlloc, t: BenchTrace, limit: number): Float64Array {
  const addr = new Float64Array(t.kind.length);
  for (let i = 0; i < limit; i++) {
    if (t.kind[i] === OP_ALLOC) addr[i] = p.alloc(t.arg[i]!)[0];
    else {
      const ref = t.arg[i]!;
      if (addr[ref] !== 0) p.free(addr[ref]!, t.arg[ref]!);
      addr[ref] = 0;
    }
  }
  return addr;
}

/** Copy the model's allocation bits into the naive allocator; returns the allocated share. */
function copyState(g: Geometry, p: PageAlloc, n: NaiveFirstFit, chunks: number): number {
  let used = 0;
  for (let c = 0; c < chunks; c++) {
    const d = p.chunkOf(p.start + c);
    for (let i = 0; i < g.pallocChunkPages; i++) {
      if (d.get(i) === 1) {
        n.mark(c * g.pallocChunkPages + i);
        used++;
      }
    }
  }
  return used / (chunks * g.pallocChunkPages);
}

export function timeWindow(g: Geometry, t: BenchTrace, from: number, n: number): WindowTiming {
  const p = freshAllocator(g, t.chunks);
  const addr = runTo(p, t, from);
  const naive = new NaiveFirstFit(t.chunks * g.pallocChunkPages);
  const allocatedFraction = copyState(g, p, naive, t.chunks);
  const heapBase = p.inUse.ranges[0]!.base.addr();

  // The naive allocator's page numbers for the live allocations.
  const first = new Float64Array(t.kind.length).fill(-1);
  for (let i = 0; i < from; i++) if (addr[i] !== 0) first[i] = (addr[i]! - heapBase) / g.pageSize;
  let t0 = process.hrtime.bigint();
  for (let i = from; i < from + n; i++) {
    if (t.kind[i] === OP_ALLOC) first[i] = naive.alloc(t.arg[i]!);
    else if (first[t.arg[i]!]! >= 0) naive.free(first[t.arg[i]!]!, t.arg[t.arg[i]!]!);
  }
  const naiveNs = Number(process.hrtime.bigint() - t0);

  t0 = process.hrtime.bigint();
  for (let i = from; i < from + n; i++) {
    if (t.kind[i] === OP_ALLOC) addr[i] = p.alloc(t.arg[i]!)[0];
    else if (addr[t.arg[i]!] !== 0) p.free(addr[t.arg[i]!]!, t.arg[t.arg[i]!]!);
  }
  const modelNs = Number(process.hrtime.bigint() - t0);
  return { naiveNsPerOp: naiveNs / n, modelNsPerOp: modelNs / n, allocatedFraction };
}
