// The benchmark's page-allocator trace: 1M ops, 55% alloc and 45% free of
// a random earlier successful allocation still live; sizes 1,1,1,1,2,2,3,4,
// 8,16 pages (97%) else uniform 17..2000; over 4096 contiguous empty chunks
// (16 GiB); from a fixed seed. The same ops are written in the trace format
// so the real runtime can time exactly the same work.

/** A small deterministic PRNG (xorshift32): same seed, same trace. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

export const OP_ALLOC = 0;
export const OP_FREE_REF = 1;

/** A trace as flat arrays: op kind, and its argument (npages for alloc, the referenced alloc op's index for freeRef). */
export interface BenchTrace {
  readonly chunks: number;
  readonly kind: Uint8Array;
  readonly arg: Int32Array;
}

const small = [1, 1, 1, 1, 2, 2, 3, 4, 8, 16];

/**
 * Generate the trace. Frees pick a random allocation that succeeded and is
 * still live; whether an alloc succeeds depends on the allocator, so the
 * generator runs a tiny oracle: any first-fit allocator gives the same
 * successes, and it is given as `tryAlloc(op, npages)` (false on failure)
 * and `free(ref)` (free what op `ref` allocated).
 */
export function generateTrace(ops: number, seed: number, chunks: number, tryAlloc: (op: number, npages: number) => boolean, free: (ref: number) => void): BenchTrace {
  const rnd = xorshift32(seed);
  const kind = new Uint8Array(ops);
  const arg = new Int32Array(ops);
  const live: number[] = [];
  for (let i = 0; i < ops; i++) {
    if (live.length > 0 && rnd() >= 0.55) {
      const k = Math.floor(rnd() * live.length);
      const ref = live[k]!;
      live[k] = live[live.length - 1]!;
      live.pop();
      kind[i] = OP_FREE_REF;
      arg[i] = ref;
      free(ref);
      continue;
    }
    const n = rnd() < 0.97 ? small[Math.floor(rnd() * small.length)]! : 17 + Math.floor(rnd() * (2000 - 17 + 1));
    kind[i] = OP_ALLOC;
    arg[i] = n;
    if (tryAlloc(i, n)) live.push(i);
  }
  return { chunks, kind, arg };
}

/** The trace in the trace format (one JSON object): chunks 0..chunks-1, alloc and freeRef ops. */
export function toTraceFormat(t: BenchTrace): string {
  const chunks = Array.from({ length: t.chunks }, (_, c) => `{"chunk":${c}}`).join(',');
  const ops: string[] = [];
  for (let i = 0; i < t.kind.length; i++) ops.push(t.kind[i] === OP_ALLOC ? `{"op":"alloc","npages":${t.arg[i]}}` : `{"op":"freeRef","ref":${t.arg[i]}}`);
  return `{"chunks":[${chunks}],"ops":[${ops.join(',')}]}\n`;
}
