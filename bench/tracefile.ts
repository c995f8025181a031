// `npm run bench -- --trace FILE`: time the model's op loop on a trace in
// the trace format (its chunks, and its alloc / freeRef ops), so the same
// file can be timed on the real runtime.

import { baseChunkIdx, newPageAlloc } from '../model/export.js';
import type { ChunkInit } from '../model/export.js';
import { defaultGeometry as g } from '../model/geometry.js';
import type { BenchTrace } from './trace1m.js';
import { OP_ALLOC, OP_FREE_REF } from './trace1m.js';
import { runModel } from './pagealloc.js';

/** A trace file the bench cannot time: said in one line (bench/main.ts). */
export class TraceFileError extends Error {
  override readonly name = 'TraceFileError';
}

interface Parsed {
  readonly chunks: ChunkInit[];
  readonly trace: BenchTrace;
}

/** Read one trace object's chunks and alloc/freeRef ops; anything else is refused with the op's index. */
export function parseBenchTrace(text: string): Parsed {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new TraceFileError(`not one JSON trace object: ${(e as Error).message}`);
  }
  const o = v as { chunks?: unknown; ops?: unknown };
  if (typeof v !== 'object' || v === null || !Array.isArray(o.chunks) || !Array.isArray(o.ops)) throw new TraceFileError('a trace needs "chunks" and "ops" arrays');
  const base = baseChunkIdx(g);
  const chunks: ChunkInit[] = o.chunks.map((c: unknown, i: number) => chunkInit(c, i, base));
  const n = o.ops.length;
  const kind = new Uint8Array(n);
  const arg = new Int32Array(n);
  o.ops.forEach((v: unknown, i: number) => {
    const op = (typeof v === 'object' && v !== null ? v : {}) as { op?: unknown; npages?: number; ref?: number };
    if (op.op === 'alloc' && Number.isSafeInteger(op.npages) && op.npages! >= 1) {
      kind[i] = OP_ALLOC;
      arg[i] = op.npages!;
    } else if (op.op === 'freeRef' && Number.isSafeInteger(op.ref) && op.ref! >= 0 && op.ref! < i && kind[op.ref!] === OP_ALLOC) {
      kind[i] = OP_FREE_REF;
      arg[i] = op.ref!;
    } else {
      throw new TraceFileError(`op ${i}: only alloc {npages >= 1} and freeRef {ref: an earlier alloc} are timed, got ${JSON.stringify(op)}`);
    }
  });
  return { chunks, trace: { chunks: chunks.length, kind, arg } };
}

const isInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** chunks[i]: {chunk, alloc?: [[I, N], ...], scav?: [[I, N], ...]}, chunk relative to BaseChunkIdx. */
function chunkInit(c: unknown, i: number, base: number): ChunkInit {
  const o = (typeof c === 'object' && c !== null ? c : {}) as { chunk?: unknown; alloc?: unknown; scav?: unknown };
  if (!isInt(o.chunk)) throw new TraceFileError(`chunks[${i}]: "chunk" must be a chunk number >= 0, got ${JSON.stringify(c)}`);
  const ranges = (name: 'alloc' | 'scav'): { I: number; N: number }[] => {
    const r = o[name] ?? [];
    if (!Array.isArray(r) || !r.every((x) => Array.isArray(x) && x.length === 2 && isInt(x[0]) && isInt(x[1]))) throw new TraceFileError(`chunks[${i}]: "${name}" must be a list of [I, N] page ranges`);
    return r.map(([I, N]: [number, number]) => ({ I, N }));
  };
  return { chunk: base + o.chunk, alloc: ranges('alloc'), scav: ranges('scav') };
}

/** The model's op loop on the file's trace: median ns/op over reps fresh allocators. */
export function timeTraceFile(text: string, reps: number): { ops: number; nsPerOp: number } {
  const { chunks, trace } = parseBenchTrace(text);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const res = runModel(newPageAlloc(g, chunks), trace);
    times.push(res.ns / res.ops);
  }
  times.sort((a, b) => a - b);
  return { ops: trace.kind.length, nsPerOp: times[Math.floor(times.length / 2)]! };
}
