// fast-check arbitraries for abstract traces: chunk layouts (mostly
// contiguous small offsets, some gaps, rarely one far chunk), pre-allocated
// and pre-scavenged ranges, and every op of the trace format. Abstract ops
// name their targets by "pick" numbers; concretize.ts turns them into a
// valid trace, so every shrink of an abstract trace is still valid.

import fc from 'fast-check';

/** [start, npages] inside a chunk; npages is clamped to the chunk when concretized. */
export type AbstractRange = readonly [start: number, npages: number];

export interface AbstractChunk {
  /** Unmapped chunks between the previous chunk and this one (0: adjacent). */
  readonly gap: number;
  readonly alloc: readonly AbstractRange[];
  readonly scav: readonly AbstractRange[];
}

export type AbstractOp =
  | { readonly k: 'alloc'; readonly npages: number }
  /** Frees a run of up to len pages that NewPageAlloc allocated and no earlier free freed, starting at the pick-th such page. */
  | { readonly k: 'free'; readonly pick: number; readonly len: number }
  /** Frees the result of the pick-th most recent alloc/cacheAlloc. */
  | { readonly k: 'freeRef'; readonly pick: number }
  | { readonly k: 'allocToCache' }
  | { readonly k: 'cacheAlloc'; readonly pick: number; readonly npages: number }
  | { readonly k: 'cacheFlush'; readonly pick: number }
  /** npages -1: no limit. */
  | { readonly k: 'scavenge'; readonly npages: number }
  | { readonly k: 'inUse' }
  | { readonly k: 'state' }
  /** go1.21+: the background scavenger; npages -1: no limit. */
  | { readonly k: 'scavengeBg'; readonly npages: number }
  /** go1.21+: the index's next generation, as at the end of a GC cycle. */
  | { readonly k: 'nextGen' }
  /** go1.21+: print the scavenge index. */
  | { readonly k: 'index' };

export interface AbstractTrace {
  /** Offset of the first chunk. */
  readonly first: number;
  readonly chunks: readonly AbstractChunk[];
  /** Put the last of exactly two chunks 2^20 chunks (4 TiB) up. */
  readonly far: boolean;
  readonly dumpState: boolean;
  /** Ops before any free, freeRef or cacheFlush: the part where scavenge results are compared. */
  readonly prefix: readonly AbstractOp[];
  readonly body: readonly AbstractOp[];
}

const weighted = <T>(...arbs: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> => fc.oneof(...arbs.map(([weight, arbitrary]) => ({ weight, arbitrary })));

const range: fc.Arbitrary<AbstractRange> = weighted<AbstractRange>(
  [6, fc.tuple(fc.integer({ min: 0, max: 511 }), fc.integer({ min: 0, max: 512 }))],
  [1, fc.constant([0, 512] as const)],
);

const chunk: fc.Arbitrary<AbstractChunk> = fc.record({
  gap: weighted([7, fc.constant(0)], [3, fc.integer({ min: 1, max: 40 })]),
  alloc: fc.array(range, { maxLength: 3 }),
  scav: fc.array(range, { maxLength: 3 }),
});

/** alloc sizes: mostly small, some spanning chunks, rarely impossible. */
const allocPages = weighted(
  [40, fc.integer({ min: 1, max: 4 })],
  [25, fc.integer({ min: 5, max: 64 })],
  [15, fc.integer({ min: 65, max: 512 })],
  [8, fc.integer({ min: 513, max: 2048 })],
  [2, fc.constantFrom(4096, 2 ** 20, 2 ** 35)],
);
const cachePages = weighted([60, fc.integer({ min: 1, max: 4 })], [35, fc.integer({ min: 5, max: 64 })], [5, fc.integer({ min: 65, max: 70 })]);
const scavengePages = weighted([4, fc.constant(-1)], [3, fc.integer({ min: 1, max: 16 })], [3, fc.integer({ min: 17, max: 1024 })]);
const pick = fc.nat({ max: 1000 });

const allocOps: [number, fc.Arbitrary<AbstractOp>][] = [
  [28, fc.record({ k: fc.constant('alloc' as const), npages: allocPages })],
  [8, fc.constant({ k: 'allocToCache' as const })],
  [12, fc.record({ k: fc.constant('cacheAlloc' as const), pick, npages: cachePages })],
  [10, fc.record({ k: fc.constant('scavenge' as const), npages: scavengePages })],
  [3, fc.constant({ k: 'inUse' as const })],
  [8, fc.constant({ k: 'state' as const })],
];
const freeOps: [number, fc.Arbitrary<AbstractOp>][] = [
  [14, fc.record({ k: fc.constant('freeRef' as const), pick })],
  [6, fc.record({ k: fc.constant('free' as const), pick, len: weighted([8, fc.integer({ min: 1, max: 8 })], [2, fc.integer({ min: 9, max: 600 })]) })],
  [5, fc.record({ k: fc.constant('cacheFlush' as const), pick })],
];

/**
 * The ops a runtime can answer: every op of the trace format for go1.19;
 * go1.21 and newer add the scavenge index's ops (the background scavenger,
 * nextGen, and the index itself).
 */
export type OpProfile = 'go1.19' | 'go1.21+';

/** The index ops, in both parts of a trace. */
const indexOps: [number, fc.Arbitrary<AbstractOp>][] = [
  [8, fc.record({ k: fc.constant('scavengeBg' as const), npages: scavengePages })],
  [4, fc.constant({ k: 'nextGen' as const })],
  [6, fc.constant({ k: 'index' as const })],
];

/** Abstract traces of up to maxOps ops (default 80) for a runtime's op profile (default go1.19's). */
export function abstractTrace(maxOps = 80, profile: OpProfile = 'go1.19'): fc.Arbitrary<AbstractTrace> {
  const prefixMax = Math.floor(maxOps / 4);
  const extra = profile === 'go1.19' ? [] : indexOps;
  return fc.record({
    first: fc.integer({ min: 0, max: 8 }),
    chunks: fc.array(chunk, { minLength: 1, maxLength: 5 }),
    far: weighted([19, fc.constant(false)], [1, fc.constant(true)]),
    dumpState: weighted([9, fc.constant(false)], [1, fc.constant(true)]),
    prefix: fc.array(weighted(...allocOps, ...extra), { maxLength: prefixMax, size: 'max' }),
    body: fc.array(weighted(...allocOps, ...freeOps, ...extra), { maxLength: maxOps - prefixMax, size: 'max' }),
  });
}
