// One op of a trace, checked when it is reached, with the Go replayer's
// rules and messages (mhsOpFields and the validation half of
// (*mhsReplay).step). Checking needs only what came before: which earlier
// ops were alloc/cacheAlloc, how many caches exist, which chunks are grown.

import type { JSpan } from './json.js';
import { HEAP_ADDR_BITS, MAX_PAGES, asObject, asString, checkKeys, goQuote, intField, malformed, npagesField } from './fields.js';
import { CHUNK_PAGES } from './setup.js';

/** A checked op. Pages count from the base chunk's first page. */
export type TraceOp =
  | { readonly op: 'alloc'; readonly npages: number }
  | { readonly op: 'free'; readonly base: number; readonly npages: number }
  | { readonly op: 'freeRef'; readonly ref: number }
  | { readonly op: 'allocToCache' }
  | { readonly op: 'cacheAlloc'; readonly id: number; readonly npages: number }
  | { readonly op: 'cacheFlush'; readonly id: number }
  /** npages -1: no limit. */
  | { readonly op: 'scavenge'; readonly npages: number }
  | { readonly op: 'inUse' }
  | { readonly op: 'state' }
  /** go1.21+: the background scavenger, pageAlloc.scavenge(n, nil, false); npages -1: no limit. */
  | { readonly op: 'scavengeBg'; readonly npages: number }
  /** go1.21+: scavengeIndex.nextGen, as gcMarkTermination calls it. */
  | { readonly op: 'nextGen' }
  /** go1.21+: print the scavenge index. */
  | { readonly op: 'index' };

export type OpName = TraceOp['op'];

/** Each op's input fields; "op", "expect" and "note" are always allowed. */
export const opFields: Readonly<Record<OpName, readonly string[]>> = {
  alloc: ['npages'],
  free: ['base', 'npages'],
  freeRef: ['ref'],
  allocToCache: [],
  cacheAlloc: ['id', 'npages'],
  cacheFlush: ['id'],
  scavenge: ['npages'],
  inUse: [],
  state: [],
  scavengeBg: ['npages'],
  nextGen: [],
  index: [],
};

export const opNames = Object.keys(opFields) as OpName[];

/** Reads a trace's ops in order, remembering what later ops may refer to. */
export class OpReader {
  /** Indices of the alloc and cacheAlloc ops read so far. */
  private readonly allocLike = new Set<number>();
  /** allocToCache ops read so far: the valid cache ids are [0, caches). */
  private caches = 0;

  constructor(private readonly grown: ReadonlySet<number>) {}

  /** Checks op i and returns it; throws a malformed TraceError (without the "op I: " prefix). */
  read(v: JSpan, i: number): TraceOp {
    const m = asObject(v, 'op');
    const name = asString(m.get('op'));
    if (name === undefined) throw malformed('missing or non-string field "op"');
    if (!Object.hasOwn(opFields, name)) throw malformed(`unknown op ${goQuote(name)}`);
    const op = name as OpName;
    checkKeys(m, ['op', 'expect', 'note', ...opFields[op]]);
    switch (op) {
      case 'alloc':
        this.allocLike.add(i);
        return { op, npages: npagesField(m) };
      case 'free': {
        const npages = npagesField(m);
        const base = intField(m, 'base');
        if (!this.insideGrown(base, BigInt(npages))) throw malformed('free outside grown chunks');
        return { op, base: Number(base), npages };
      }
      case 'freeRef': {
        const ref = intField(m, 'ref');
        if (!this.allocLike.has(Number(ref)) || ref >= BigInt(i)) throw malformed(`ref ${ref} is not an earlier alloc or cacheAlloc op`);
        return { op, ref: Number(ref) };
      }
      case 'allocToCache':
        this.caches++;
        return { op };
      case 'cacheAlloc': {
        const npages = npagesField(m);
        const id = this.cacheId(m);
        this.allocLike.add(i);
        return { op, id, npages };
      }
      case 'cacheFlush':
        return { op, id: this.cacheId(m) };
      case 'scavenge':
      case 'scavengeBg': {
        const n = intField(m, 'npages');
        if (n !== -1n && n < 1n) throw malformed(`npages ${n} < 1 (and not -1)`);
        if (n > MAX_PAGES) throw malformed(`npages ${n} > ${MAX_PAGES} (pages in the ${HEAP_ADDR_BITS}-bit address space)`);
        return { op, npages: Number(n) };
      }
      case 'inUse':
      case 'state':
      case 'nextGen':
      case 'index':
        return { op };
    }
  }

  private cacheId(m: ReadonlyMap<string, JSpan>): number {
    const id = intField(m, 'id');
    if (id < 0n || id >= BigInt(this.caches)) throw malformed(`unknown cache id ${id}`);
    return Number(id);
  }

  /** Every page of [base, base+npages) lies in a grown chunk. */
  private insideGrown(base: bigint, npages: bigint): boolean {
    if (base < 0n) return false;
    const chunk = BigInt(CHUNK_PAGES);
    for (let c = base / chunk; c <= (base + npages - 1n) / chunk; c++) {
      if (!this.grown.has(Number(c))) return false;
    }
    return true;
  }
}
