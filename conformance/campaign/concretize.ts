// From an abstract trace to a trace-format object that both replayers accept
// and that the real runtime survives: chunk offsets from the gaps, ranges
// clamped to their chunk, and ops whose targets exist. What the generator
// promises (trace-format.md, "What the real runtime needs to be fed"):
// - npages is never 0; scavenge's is -1 or positive;
// - a `free` only frees pages NewPageAlloc allocated that no earlier `free`
//   freed, so they are allocated and owned by no page cache (an alloc or a
//   cache can only take free pages), and they lie in grown chunks;
// - freeRef, cacheAlloc and cacheFlush refer to ops that exist (an op with
//   nothing to refer to is dropped);
// - a chunk's alloc ranges do not overlap (a range overlapping an earlier
//   one is dropped): go1.21+'s NewPageAlloc records every range's pages in
//   the scavenge index, so overlapping ranges count pages twice (and may
//   throw "too many pages allocated in chunk?"), where go1.19's hook keeps
//   no counts (version catalog: newPageAllocIndexSetup).
// All of this is decided from the trace alone, never from results, so a
// shrunk trace is as valid as the original.

import type { AbstractOp, AbstractRange, AbstractTrace } from './arbitrary.js';

const CHUNK_PAGES = 512;
/** Where `far` puts the second chunk: 2^20 chunks up (below the 48-bit limit, above the first index page). */
export const FAR_CHUNK = 2 ** 20;

export type TraceRange = [start: number, npages: number];

export interface TraceObject {
  chunks: { chunk: number; alloc?: TraceRange[]; scav?: TraceRange[] }[];
  dumpState?: boolean;
  ops: { op: string; [field: string]: string | number }[];
}

function clamp(r: AbstractRange): TraceRange {
  return [r[0], Math.min(r[1], CHUNK_PAGES - r[0])];
}

/** The ranges, clamped, without those that overlap an earlier one. */
function disjoint(rs: readonly AbstractRange[]): TraceRange[] {
  const out: TraceRange[] = [];
  for (const r of rs.map(clamp)) {
    if (out.every(([s, n]) => r[0] + r[1] <= s || s + n <= r[0] || r[1] === 0 || n === 0)) out.push(r);
  }
  return out;
}

/** Chunk offsets: the first, then each after a gap; with `far`, the second of two chunks far away. */
function offsets(t: AbstractTrace): number[] {
  const out: number[] = [];
  let off = t.first;
  for (const [j, c] of t.chunks.entries()) {
    if (j > 0) off += 1 + c.gap;
    out.push(off);
  }
  if (t.far && out.length === 2) out[1] = FAR_CHUNK;
  return out;
}

/** Pages NewPageAlloc allocated and no `free` has freed yet, by chunk offset. */
class Freeable {
  private readonly bits = new Map<number, Uint8Array>();

  constructor(chunks: readonly { chunk: number; alloc?: TraceRange[] }[]) {
    for (const c of chunks) {
      const b = new Uint8Array(CHUNK_PAGES);
      for (const [s, n] of c.alloc ?? []) b.fill(1, s, s + n);
      this.bits.set(c.chunk, b);
    }
  }

  private has(page: number): boolean {
    return this.bits.get(Math.floor(page / CHUNK_PAGES))?.[page % CHUNK_PAGES] === 1;
  }

  /** Claims a run of up to len freeable pages starting at the pick-th one (ascending); undefined if there are none. */
  claim(pick: number, len: number): [base: number, npages: number] | undefined {
    const all: number[] = [];
    for (const [off, b] of [...this.bits].sort((x, y) => x[0] - y[0])) b.forEach((v, p) => v === 1 && all.push(off * CHUNK_PAGES + p));
    if (all.length === 0) return undefined;
    const base = all[pick % all.length]!;
    let n = 0;
    while (n < len && this.has(base + n)) {
      this.bits.get(Math.floor((base + n) / CHUNK_PAGES))![(base + n) % CHUNK_PAGES] = 0;
      n++;
    }
    return [base, n];
  }
}

export function concretize(t: AbstractTrace): TraceObject {
  const offs = offsets(t);
  const chunks = t.chunks.map((c, j) => {
    const out: TraceObject['chunks'][number] = { chunk: offs[j]! };
    if (c.alloc.length > 0) out.alloc = disjoint(c.alloc);
    if (c.scav.length > 0) out.scav = c.scav.map(clamp);
    return out;
  });
  const freeable = new Freeable(chunks);
  const ops: TraceObject['ops'] = [];
  const allocLike: number[] = [];
  let caches = 0;
  const add = (op: AbstractOp): void => {
    switch (op.k) {
      case 'alloc':
        allocLike.push(ops.length);
        ops.push({ op: 'alloc', npages: op.npages });
        return;
      case 'free': {
        const run = freeable.claim(op.pick, op.len);
        if (run !== undefined) ops.push({ op: 'free', base: run[0], npages: run[1] });
        return;
      }
      case 'freeRef':
        if (allocLike.length > 0) ops.push({ op: 'freeRef', ref: allocLike[allocLike.length - 1 - (op.pick % allocLike.length)]! });
        return;
      case 'allocToCache':
        caches++;
        ops.push({ op: 'allocToCache' });
        return;
      case 'cacheAlloc':
        if (caches === 0) return;
        allocLike.push(ops.length);
        ops.push({ op: 'cacheAlloc', id: caches - 1 - (op.pick % caches), npages: op.npages });
        return;
      case 'cacheFlush':
        if (caches > 0) ops.push({ op: 'cacheFlush', id: caches - 1 - (op.pick % caches) });
        return;
      case 'scavenge':
      case 'scavengeBg':
        ops.push({ op: op.k, npages: op.npages });
        return;
      case 'inUse':
      case 'state':
      case 'nextGen':
      case 'index':
        ops.push({ op: op.k });
        return;
    }
  };
  for (const op of t.prefix) add(op);
  for (const op of t.body) add(op);
  const trace: TraceObject = { chunks, ops };
  if (t.dumpState) trace.dumpState = true;
  return trace;
}
