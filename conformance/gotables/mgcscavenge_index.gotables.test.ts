// Go 1.21's TestScavengeIndex and TestScavChunkDataPack
// (runtime/mgcscavenge_test.go), run against model/mgcscavenge_index.ts.
// Titles are Go's test name + "/" + Go's subtest name.

import { expect, test } from 'vitest';
import { baseChunkIdx, pageBase } from '../../model/export.js';
import { defaultGeometry as g } from '../../model/geometry.js';
import type { ScavengeIndex } from '../../model/mgcscavenge_index.js';
import { markInterleavedChunks, scavChunkDataPackCases, scavengeIndexCases } from './mgcscavenge_index_cases.js';
import { allocRange, checkPackScavChunkData, freeRange, newScavengeIndex, resetSearchAddrs } from './scavenge_index_hooks.js';

const C = baseChunkIdx(g);

/**
 * Go's setup(t, force): an index over [C, C+64) where every chunk was dense
 * in the last generation and is empty to the scavenger, with both cursors
 * reset; mark, find and nextGen act on it.
 */
function setup(force: boolean): { mark: (base: number, limit: number) => void; find: (ci: number, offset: number) => void; nextGen: () => void; si: ScavengeIndex } {
  const si = newScavengeIndex(g, C, C + 64);
  allocRange(g, si, pageBase(g, C, 0), pageBase(g, C + 64, 0));
  si.nextGen();
  freeRange(g, si, pageBase(g, C, 0), pageBase(g, C + 64, 0));
  for (let ci = C; ci < C + 64; ci++) si.setEmpty(ci);
  resetSearchAddrs(g, si);
  let nfind = 0;
  return {
    si,
    mark: (base, limit) => {
      allocRange(g, si, base, limit);
      freeRange(g, si, base, limit);
    },
    find: (want, wantOffset) => {
      nfind++;
      const [got, gotOffset] = si.find(force);
      expect({ chunk: got, offset: gotOffset }, `find #${nfind}`).toEqual({ chunk: want, offset: wantOffset });
      // Go calls SetEmpty(got) even when find found nothing (got = 0). Go's
      // hook backs entries [0, max), so that writes chunk 0's entry, which
      // find (bounded below by minHeapIdx = C) never reads. The model maps
      // only the entries around [C, C+64) and refuses to touch chunk 0's
      // (mapping [0, C+64) would be 2^25 entries), so the port skips that
      // no-op write.
      if (got !== 0) si.setEmpty(got);
    },
    nextGen: () => si.nextGen(),
  };
}

for (const c of scavengeIndexCases(g)) {
  test(`TestScavengeIndex/Bg/${c.name}`, () => {
    const { mark, find, nextGen } = setup(false);
    for (const [base, limit] of c.marks) mark(base, limit);
    find(0, 0); // Nothing to find before the next generation.
    nextGen();
    for (const [ci, off] of c.finds) find(ci, off);
    find(0, 0); // The case exhausts the index.
  });
  test(`TestScavengeIndex/Force/${c.name}`, () => {
    const { mark, find } = setup(true);
    for (const [base, limit] of c.marks) mark(base, limit);
    for (const [ci, off] of c.finds) find(ci, off); // Forced finds see marks at once.
    find(0, 0);
  });
}
test('TestScavengeIndex/Bg/MarkInterleaved', () => {
  const { mark, find, nextGen } = setup(false);
  for (let i = C; i < C + markInterleavedChunks; i++) {
    mark(pageBase(g, i, 0), pageBase(g, i + 1, 0));
    nextGen();
    find(i, g.pallocChunkPages - 1);
  }
  find(0, 0);
});
test('TestScavengeIndex/Force/MarkInterleaved', () => {
  const { mark, find } = setup(true);
  for (let i = C; i < C + markInterleavedChunks; i++) {
    mark(pageBase(g, i, 0), pageBase(g, i + 1, 0));
    find(i, g.pallocChunkPages - 1);
  }
  find(0, 0);
});

// Go checks both in one test; the model's title names the arguments.
test.each(scavChunkDataPackCases.map((c) => [c.join(', '), c] as const))('TestScavChunkDataPack/(%s)', (_, [gen, inUse, lastInUse, flags]) => {
  expect(checkPackScavChunkData(g, gen, inUse, lastInUse, flags), 'failed pack/unpack check for scavChunkData').toBe(true);
});
