// Go's runtime/mgcscavenge_test.go cases (TestFillAligned,
// TestPallocDataFindScavengeCandidate, TestPageAllocScavenge), run against
// model/mgcscavenge.ts. Titles are Go's test name + "/" + Go's case name.

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { defaultGeometry as g } from '../../model/geometry.js';
import { fillAligned, findScavengeCandidate } from '../../model/mgcscavenge.js';
import { PallocData } from '../../model/mpallocbits.js';
import { hexWord, toU64, u64Hi, u64Lo } from '../../model/sys.js';
import type { BR } from './helpers.js';
import { checkPageAlloc, newPageAllocFromMaps, ones64 } from './helpers.js';
import { fillAlignedFixed, fillAlignedMs, findScavengeCandidateCases, pageAllocScavengeCases } from './mgcscavenge_cases.js';

/** fillAlignedSlow: every m-aligned group of m bits with any bit set becomes all ones. */
function fillAlignedSlow(x: bigint, m: number): bigint {
  if (m === 1) return x;
  const group = (1n << BigInt(m)) - 1n;
  let out = 0n;
  for (let i = 0; i < 64; i += m) {
    if ((x >> BigInt(i)) & group) out |= group << BigInt(i);
  }
  return out;
}

function fillAligned64(x: bigint, m: number): bigint {
  const [lo, hi] = fillAligned(u64Lo(x), u64Hi(x), m);
  return toU64(lo, hi);
}

const checkFill = (x: bigint, m: number): void => {
  expect(hexWord(fillAligned64(x, m)), `bad fillAligned(${hexWord(x)}, ${m})`).toBe(hexWord(fillAlignedSlow(x, m)));
};

// Go runs everything in one test; here the fixed values and the two random
// families get a subtest per m. Go's 1000 rand.Uint64() values per m
// become 1000 fast-check draws with a fixed seed.
test.each(fillAlignedMs.map((m) => [m] as const))('TestFillAligned/Fixed/m=%i', (m) => {
  for (const x of fillAlignedFixed(m)) checkFill(x, m);
});
test.each(fillAlignedMs.map((m) => [m] as const))('TestFillAligned/Random/m=%i', (m) => {
  fc.assert(fc.property(fc.bigInt(0n, ones64), (x) => checkFill(x, m)), { seed: 0x19_21 + m, numRuns: 1000 });
});
// Go: for m > 1, each m-aligned group is either left zero or set to random bits.
test.each(fillAlignedMs.filter((m) => m > 1).map((m) => [m] as const))('TestFillAligned/RandomGroups/m=%i', (m) => {
  const group = fc.option(fc.bigInt(0n, (1n << BigInt(m)) - 1n), { nil: undefined, freq: 2 });
  const groups = fc.array(group, { minLength: 64 / m, maxLength: 64 / m });
  fc.assert(
    fc.property(groups, (gs) => {
      const x = gs.reduce<bigint>((acc, v, k) => acc | ((v ?? 0n) << BigInt(k * m)), 0n);
      checkFill(x, m);
    }),
    { seed: 0x19_21 + m, numRuns: 1000 },
  );
});

/** makePallocData: allocate the alloc ranges, then set the scavenged ones (skipping N == 0, as Go does). */
function makePallocData(alloc: readonly BR[], scavenged: readonly BR[]): PallocData {
  const b = new PallocData(g.pallocChunkPages);
  for (const [i, n] of alloc) if (n !== 0) b.allocRange(i, n);
  for (const [i, n] of scavenged) if (n !== 0) b.scavenged.setRange(i, n);
  return b;
}

test.each(findScavengeCandidateCases(g).map((c) => [c.name, c] as const))('TestPallocDataFindScavengeCandidate/%s', (_, c) => {
  const b = makePallocData(c.alloc, c.scavenged);
  const [start, size] = findScavengeCandidate(g, b, g.pallocChunkPages - 1, c.min, c.max);
  // Go: two empty results match whatever their start.
  if (size === 0 && c.want[1] === 0) return;
  expect([start, size], 'candidate mismatch').toEqual(c.want);
});

// Go 1.21's PageAlloc.Scavenge(n) is scavenge(n, nil, true): forced.
// (Go 1.19's was not forced; the expectations are the same.)
test.each(pageAllocScavengeCases(g).map((c) => [c.name, c] as const))('TestPageAllocScavenge/%s', (_, c) => {
  const b = newPageAllocFromMaps(g, c.beforeAlloc, c.beforeScav);
  c.expect.forEach(([request, want], iter) => {
    expect(b.scavenge(request, true), `bad scavenge #${iter + 1}`).toBe(want);
  });
  const want = newPageAllocFromMaps(g, c.beforeAlloc, c.afterScav);
  expect(checkPageAlloc(want, b)).toEqual([]);
});
