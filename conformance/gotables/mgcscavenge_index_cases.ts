// Go 1.21's runtime/mgcscavenge_test.go · TestScavengeIndex and
// TestScavChunkDataPack, ported as data. Case names are Go's, verbatim.
//
// Go writes each TestScavengeIndex case as two closures, one calling
// mark(base, limit) and one calling find(ci, offset); here they are the
// lists of their arguments. Each case runs as "Bg/NAME" (find(0, 0), then
// nextGen, then the finds, then find(0, 0)) and "Force/NAME" (the finds,
// then find(0, 0)); MarkInterleaved interleaves the two and is separate.
//
// Known flaw of go1.19's version of this test (not copied): its find helper
// compared the chunk index twice (`want != got`) and never the page offset,
// so 1.19 never checked offsets. go1.21 compares `wantOffset != gotOffset`;
// the offsets below are go1.21's and are checked.

import { baseChunkIdx, pageBase } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';

export interface ScavengeIndexCase {
  readonly name: string;
  /** mark(base, limit) calls: AllocRange then FreeRange of [base, limit). */
  readonly marks: readonly (readonly [base: number, limit: number])[];
  /** find(ci, offset) calls, in order: Find must return them; each found chunk is then SetEmpty. */
  readonly finds: readonly (readonly [ci: number, offset: number])[];
}

export function scavengeIndexCases(g: Geometry): ScavengeIndexCase[] {
  const C = baseChunkIdx(g);
  const P = g.pallocChunkPages;
  const pb = (c: number, i: number): number => pageBase(g, c, i);
  /** find(i, PallocChunkPages-1) for i from hi down to lo. */
  const down = (hi: number, lo: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = hi; i >= lo; i--) out.push([i, P - 1]);
    return out;
  };
  return [
    { name: 'Uninitialized', marks: [], finds: [] },
    { name: 'OnePage', marks: [[pb(C, 3), pb(C, 4)]], finds: [[C, 3]] },
    { name: 'FirstPage', marks: [[pb(C, 0), pb(C, 1)]], finds: [[C, 0]] },
    { name: 'SeveralPages', marks: [[pb(C, 9), pb(C, 14)]], finds: [[C, 13]] },
    { name: 'WholeChunk', marks: [[pb(C, 0), pb(C + 1, 0)]], finds: [[C, P - 1]] },
    { name: 'LastPage', marks: [[pb(C, P - 1), pb(C + 1, 0)]], finds: [[C, P - 1]] },
    { name: 'TwoChunks', marks: [[pb(C, 128), pb(C + 1, 128)]], finds: [[C + 1, 127], [C, P - 1]] },
    { name: 'TwoChunksOffset', marks: [[pb(C + 7, 128), pb(C + 8, 129)]], finds: [[C + 8, 128], [C + 7, P - 1]] },
    { name: 'SevenChunksOffset', marks: [[pb(C + 6, 11), pb(C + 13, 15)]], finds: [[C + 13, 14], ...down(C + 12, C + 6)] },
    { name: 'ThirtyTwoChunks', marks: [[pb(C, 0), pb(C + 32, 0)]], finds: down(C + 31, C) },
    { name: 'ThirtyTwoChunksOffset', marks: [[pb(C + 3, 0), pb(C + 35, 0)]], finds: down(C + 34, C + 3) },
    {
      name: 'Mark',
      marks: Array.from({ length: 32 }, (_, k) => [pb(C + k, 0), pb(C + k + 1, 0)] as const),
      finds: down(C + 31, C),
    },
    { name: 'MarkIdempotentOneChunk', marks: [[pb(C, 0), pb(C + 1, 0)], [pb(C, 0), pb(C + 1, 0)]], finds: [[C, P - 1]] },
    {
      name: 'MarkIdempotentThirtyTwoChunks',
      marks: [[pb(C, 0), pb(C + 32, 0)], [pb(C, 0), pb(C + 32, 0)]],
      finds: down(C + 31, C),
    },
    {
      name: 'MarkIdempotentThirtyTwoChunksOffset',
      marks: [[pb(C + 4, 0), pb(C + 31, 0)], [pb(C + 5, 0), pb(C + 36, 0)]],
      finds: down(C + 35, C + 4),
    },
  ];
}

/** MarkInterleaved: for each of 32 chunks, mark it whole, (Bg: nextGen,) then find it at its last page. */
export const markInterleavedChunks = 32;

/** TestScavChunkDataPack: CheckPackScavChunkData(gen, inUse, lastInUse, flags) must hold. */
export const scavChunkDataPackCases: readonly (readonly [gen: number, inUse: number, lastInUse: number, flags: number])[] = [
  [1918237402, 512, 512, 0b11],
  [0xffffffff, 12, 0, 0b00],
];
