// A trace's top level: its chunks, dumpState and the (still unread) ops,
// checked in the Go replayer's order with its messages (mhsRunTrace,
// mhsParseChunks, mhsRanges). Nothing of a trace is printed, not even its
// header, when its top level is malformed.

import type { BitRange } from '../../model/export.js';
import type { JSpan } from './json.js';
import { HEAP_ADDR_BITS, asArray, asBool, asInt, asObject, checkKeys, malformed } from './fields.js';

/** Go's BaseChunkIdx on linux/amd64: chunkIndex(0xc000 << 22). */
export const BASE_CHUNK_IDX = 0x200c000;
/** Pages per palloc chunk. */
export const CHUNK_PAGES = 512;
/** The highest chunk offset + 1: BaseChunkIdx + chunk must stay below 2^48 / 4 MiB. */
export const MAX_CHUNK = 2 ** HEAP_ADDR_BITS / (CHUNK_PAGES * 8192) - BASE_CHUNK_IDX;

/** One grown chunk: its offset from BaseChunkIdx and its NewPageAlloc ranges. */
export interface TraceChunk {
  readonly off: number;
  readonly alloc: readonly BitRange[];
  readonly scav: readonly BitRange[];
}

/** A trace's validated top level. */
export interface TraceSetup {
  /** Ascending by offset. */
  readonly chunks: readonly TraceChunk[];
  readonly dumpState: boolean;
  /** The ops, each checked only when it is reached. */
  readonly ops: readonly JSpan[];
}

/** mhsRanges: [[start, npages], ...] inside one chunk. */
function ranges(v: JSpan, what: string): BitRange[] {
  return asArray(v, what).map((e, j) => {
    const w = `${what}[${j}]`;
    const pair = asArray(e, w);
    if (pair.length !== 2) throw malformed(`${w} must be [start, npages]`);
    const start = asInt(pair[0]!, `${w} start`);
    const n = asInt(pair[1]!, `${w} npages`);
    if (start < 0n || n < 0n || start + n > BigInt(CHUNK_PAGES)) throw malformed(`${w}: range [${start}, +${n}) outside its chunk`);
    return { I: Number(start), N: Number(n) };
  });
}

/** mhsParseChunks. */
function chunks(v: JSpan): TraceChunk[] {
  const seen = new Set<number>();
  const out = asArray(v, 'chunks').map((e, j): TraceChunk => {
    const w = `chunks[${j}]`;
    const m = asObject(e, w);
    try {
      checkKeys(m, ['chunk', 'alloc', 'scav']);
    } catch (err) {
      throw malformed(`${w}: ${(err as Error).message}`);
    }
    const rc = m.get('chunk');
    if (rc === undefined) throw malformed(`${w}: missing field "chunk"`);
    const off = asInt(rc, `${w} chunk`);
    if (off < 0n || off >= BigInt(MAX_CHUNK)) {
      throw malformed(`${w}: chunk ${off} outside the ${HEAP_ADDR_BITS}-bit address space (0 <= chunk < ${MAX_CHUNK})`);
    }
    if (seen.has(Number(off))) throw malformed(`${w}: duplicate chunk ${off}`);
    seen.add(Number(off));
    const ra = m.get('alloc');
    const rs = m.get('scav');
    return { off: Number(off), alloc: ra === undefined ? [] : ranges(ra, `${w}.alloc`), scav: rs === undefined ? [] : ranges(rs, `${w}.scav`) };
  });
  return out.sort((a, b) => a.off - b.off);
}

/** mhsRunTrace up to the header: the top-level checks, in Go's order. */
export function readSetup(v: JSpan): TraceSetup {
  const top = asObject(v, 'trace');
  checkKeys(top, ['chunks', 'dumpState', 'ops']);
  const rc = top.get('chunks');
  if (rc === undefined) throw malformed('missing field "chunks"');
  const cs = chunks(rc);
  // go1.19's FreePageAlloc crashes on an allocator that never grew.
  if (cs.length === 0) throw malformed('chunks: at least one chunk is required');
  const rd = top.get('dumpState');
  const dumpState = rd === undefined ? false : asBool(rd, 'dumpState');
  const ro = top.get('ops');
  const ops = ro === undefined ? [] : asArray(ro, 'ops');
  return { chunks: cs, dumpState, ops };
}
