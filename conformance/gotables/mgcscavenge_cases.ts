// Go's runtime/mgcscavenge_test.go tables (go1.21.12; these three tests are
// the same in go1.19.8), ported as data: TestFillAligned's fixed values,
// TestPallocDataFindScavengeCandidate, TestPageAllocScavenge. Case names are
// Go's, verbatim, except OneFree/OneScavenged (see below). The scavenge
// index tests are in mgcscavenge_index_cases.ts.

import { baseChunkIdx } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';
import type { BR, ChunkMap } from './helpers.js';
import { allBytes, ones64 } from './helpers.js';

/** TestFillAligned: m = 1, 2, 4, ..., 64. */
export const fillAlignedMs: readonly number[] = [1, 2, 4, 8, 16, 32, 64];

/** TestFillAligned's fixed values for one m (each checked against fillAlignedSlow). */
export function fillAlignedFixed(m: number): bigint[] {
  return [
    0x0000000000000000n,
    0x00000000ffffffffn,
    0xffffffff00000000n,
    0x8000000000000001n,
    0xf00000000000000fn,
    0xf00000010050000fn,
    ones64,
    0x0000000000000001n,
    0x0000000000000002n,
    0x0000000000000008n,
    1n << BigInt(m - 1),
    // Go's uint64(1) << 64 is 0 for m = 64.
    (1n << BigInt(m)) & ones64,
    // Go: a few fixed arbitrary examples.
    0xb02b9effcf137016n,
    0x3975a076a9fbff18n,
    0x0f8c88ec3b81506en,
    0x60f14d80ef2fa0e6n,
  ];
}

export interface CandidateCase {
  readonly name: string;
  readonly alloc: readonly BR[];
  readonly scavenged: readonly BR[];
  readonly min: number;
  readonly max: number;
  /** FindScavengeCandidate(PallocChunkPages-1, min, max) = {want.I, want.N}; N == 0 means none (I is then ignored). */
  readonly want: BR;
}

/**
 * TestPallocDataFindScavengeCandidate. The PreserveHugePage* cases depend on
 * the host's huge page size (Go's PhysHugePageSize): they are computed from
 * g.physHugePageSize exactly as Go picks them. Here (2 MiB, 256 pages per
 * huge page, 512-page chunks) that gives PreserveHugePageBottom and
 * PreserveHugePageTop; PreserveHugePageMiddle needs 3 huge pages per chunk.
 */
export function findScavengeCandidateCases(g: Geometry): CandidateCase[] {
  const P = g.pallocChunkPages;
  const c = (name: string, min: number, max: number, want: BR, alloc: readonly BR[] = [], scavenged: readonly BR[] = []): CandidateCase => ({ name, alloc, scavenged, min, max, want });
  const none: BR = [0, 0];
  const out: CandidateCase[] = [
    c('MixedMin1', 1, P, [41, 1], [[0, 40], [42, P - 42]], [[0, 41], [42, P - 42]]),
    c('MultiMin1', 1, P, [85, 1], [[0, 63], [65, 20], [87, P - 87]], [[86, 1]]),
  ];
  // Different page minimums.
  for (let m = 1; m <= 64; m *= 2) {
    const s = `Min${m}`;
    out.push(
      c('AllFree' + s, m, P, [0, P]),
      c('AllScavenged' + s, m, P, none, [], [[0, P]]),
      c('NoneFree' + s, m, P, none, [[0, P]], [[P / 2, P / 2]]),
      c('StartFree' + s, m, P, [0, m], [[m, P - m]]),
      c('EndFree' + s, m, P, [P - m, m], [[0, P - m]]),
      c('Straddle64' + s, m, 2 * m, [64 - m, 2 * m], [[0, 64 - m], [64 + m, P - (64 + m)]]),
      c('BottomEdge64WithFull' + s, m, 3 * m, [128, 3 * m], [[64, 64], [128 + 3 * m, P - (128 + 3 * m)]], [[1, 10]]),
      c('BottomEdge64WithPocket' + s, m, 3 * m, [128, 3 * m], [[64, 62], [127, 1], [128 + 3 * m, P - (128 + 3 * m)]], [[1, 10]]),
      c('Max0' + s, m, 0, [P - m, m], [], [[0, P - m]]),
    );
    if (m <= 8) {
      // Known flaw of Go's table (go1.19 through the newest Go): it stores
      // these under the fixed keys "OneFree" and "OneScavenged", so each
      // loop iteration overwrites the last and only m = 8 ever runs (see
      // PR #42434). The intended cases, one per m, are ported under the
      // family's usual suffixed names; Go's "OneFree" is OneFreeMin8 here.
      out.push(
        c('OneFree' + s, m, P, [40, m], [[0, 40], [40 + m, P - (40 + m)]]),
        c('OneScavenged' + s, m, P, none, [[0, 40], [40 + m, P - (40 + m)]], [[40, 1]]),
      );
    }
    if (m > 1) {
      out.push(
        c('MaxUnaligned' + s, m, m - 2, [P - m, m], [], [[0, P - (m * 2 - 1)]]),
        c('SkipSmall' + s, m, m, [64 - m, m], [[0, 64 - m], [64, 5], [70, 11], [82, P - 82]]),
        c('SkipMisaligned' + s, m, m, [64 - m, m], [[0, 64 - m], [64, 63], [127 + m, P - (127 + m)]]),
        c('MaxLessThan' + s, m, 1, [P - m, m], [], [[0, P - m]]),
      );
    }
  }
  // Huge-page preserving behaviour: depends on the host's huge page size.
  if (g.physHugePageSize > g.pageSize) {
    const bits = g.physHugePageSize / g.pageSize;
    if (bits < P) {
      // max 3 would have us break the huge page.
      out.push(c('PreserveHugePageBottom', 1, 3, [0, bits + 2], [[bits + 2, P - (bits + 2)]]));
      if (3 * bits < P) {
        // Needs at least 3 huge pages in a chunk; max 12 would break the middle one.
        out.push(c('PreserveHugePageMiddle', 1, 12, [bits, bits + 10], [[0, bits - 10], [2 * bits + 10, P - (2 * bits + 10)]]));
      }
      // Even one page would break a huge page.
      out.push(c('PreserveHugePageTop', 1, 1, [P - bits, bits], [[0, P - bits]]));
    } else if (bits === P) {
      out.push(c('PreserveHugePageAll', 1, 1, [0, P]));
    } else {
      // Huge pages larger than a chunk: effectively disabled.
      out.push(c('PreserveHugePageNone', 1, 1, [P - 1, 1]));
    }
  }
  return out;
}

export interface ScavengeCase {
  readonly name: string;
  readonly beforeAlloc: ChunkMap;
  readonly beforeScav: ChunkMap;
  /** [request, expect]: Scavenge(request) must release exactly expect bytes. allBytes is Go's ^uintptr(0). */
  readonly expect: readonly (readonly [request: number, expect: number])[];
  /** The expected state is NewPageAlloc(beforeAlloc, afterScav). */
  readonly afterScav: ChunkMap;
}

/** TestPageAllocScavenge. m is Go's minPages: PhysPageSize/PageSize, at least 1 (1 here). */
export function pageAllocScavengeCases(g: Geometry): ScavengeCase[] {
  const C = baseChunkIdx(g);
  const P = g.pallocChunkPages;
  const PS = g.pageSize;
  const m = Math.max(1, g.physPageSize / g.pageSize);
  const all: BR[] = [[0, P]];
  return [
    {
      name: 'AllFreeUnscavExhaust',
      beforeAlloc: { [C]: [], [C + 1]: [], [C + 2]: [] },
      beforeScav: { [C]: [], [C + 1]: [], [C + 2]: [] },
      expect: [[allBytes, 3 * P * PS]],
      afterScav: { [C]: all, [C + 1]: all, [C + 2]: all },
    },
    {
      name: 'NoneFreeUnscavExhaust',
      beforeAlloc: { [C]: all, [C + 1]: [], [C + 2]: all },
      beforeScav: { [C]: [], [C + 1]: all, [C + 2]: [] },
      expect: [[allBytes, 0]],
      afterScav: { [C]: [], [C + 1]: all, [C + 2]: [] },
    },
    {
      name: 'ScavHighestPageFirst',
      beforeAlloc: { [C]: [] },
      beforeScav: { [C]: [[m, P - 2 * m]] },
      expect: [[1, m * PS]],
      afterScav: { [C]: [[m, P - m]] },
    },
    {
      name: 'ScavMultiple',
      beforeAlloc: { [C]: [] },
      beforeScav: { [C]: [[m, P - 2 * m]] },
      expect: [[m * PS, m * PS], [m * PS, m * PS]],
      afterScav: { [C]: all },
    },
    {
      name: 'ScavMultiple2',
      beforeAlloc: { [C]: [], [C + 1]: [] },
      beforeScav: { [C]: [[m, P - 2 * m]], [C + 1]: [[0, P - 2 * m]] },
      expect: [[2 * m * PS, 2 * m * PS], [m * PS, m * PS], [m * PS, m * PS]],
      afterScav: { [C]: all, [C + 1]: all },
    },
    {
      name: 'ScavDiscontiguous',
      beforeAlloc: { [C]: [], [C + 0xe]: [] },
      beforeScav: { [C]: [[m, P - 2 * m]], [C + 0xe]: [[2 * m, P - 2 * m]] },
      expect: [[2 * m * PS, 2 * m * PS], [allBytes, 2 * m * PS], [allBytes, 0]],
      afterScav: { [C]: all, [C + 0xe]: all },
    },
    // 64-bit only.
    {
      name: 'ScavAllVeryDiscontiguous',
      beforeAlloc: { [C]: [], [C + 0x1000]: [] },
      beforeScav: { [C]: [], [C + 0x1000]: [] },
      expect: [[allBytes, 2 * P * PS], [allBytes, 0]],
      afterScav: { [C]: all, [C + 0x1000]: all },
    },
  ];
}
