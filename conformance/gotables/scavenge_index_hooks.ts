// The go1.21 scavenge-index test hooks of runtime/export_test.go
// (NewScavengeIndex, AllocRange, FreeRange, ResetSearchAddrs, and
// CheckPackScavChunkData), written over model/mgcscavenge_index.ts for the
// ported TestScavengeIndex and TestScavChunkDataPack.

import { chunkBase, chunkIndex, chunkPageIndex } from '../../model/chunks.js';
import { baseChunkIdx } from '../../model/export.js';
import type { Geometry } from '../../model/geometry.js';
import { ScavChunkData, ScavengeIndex } from '../../model/mgcscavenge_index.js';
import { minOffAddr } from '../../model/mranges.js';

/**
 * NewScavengeIndex(min, max): a test index whose entries cover chunks
 * [min, max) (Go allocates [0, max); the tests touch only [min, max)), with
 * min, max and minHeapIdx set as Go's hook sets them.
 */
export function newScavengeIndex(g: Geometry, min: number, max: number): ScavengeIndex {
  const s = new ScavengeIndex(g, true);
  // Map the entries; grow also lowers minHeapIdx. Go's hook sets the bounds directly.
  s.grow(chunkBase(g, min), chunkBase(g, max));
  s.min = min;
  s.max = max;
  s.minHeapIdx = min;
  return s;
}

/** The per-chunk pieces of [base, limit): [chunk, first page, pages]. */
function pieces(g: Geometry, base: number, limit: number): [ci: number, si: number, n: number][] {
  const sc = chunkIndex(g, base);
  const ec = chunkIndex(g, limit - 1);
  const si = chunkPageIndex(g, base);
  const ei = chunkPageIndex(g, limit - 1);
  if (sc === ec) return [[sc, si, ei + 1 - si]];
  const out: [number, number, number][] = [[sc, si, g.pallocChunkPages - si]];
  for (let c = sc + 1; c < ec; c++) out.push([c, 0, g.pallocChunkPages]);
  out.push([ec, 0, ei + 1]);
  return out;
}

/** (*ScavengeIndex).AllocRange(base, limit): index.alloc for each chunk's share. */
export function allocRange(g: Geometry, s: ScavengeIndex, base: number, limit: number): void {
  for (const [ci, , n] of pieces(g, base, limit)) s.alloc(ci, n);
}

/** (*ScavengeIndex).FreeRange(base, limit): index.free for each chunk's share. */
export function freeRange(g: Geometry, s: ScavengeIndex, base: number, limit: number): void {
  for (const [ci, si, n] of pieces(g, base, limit)) s.free(ci, si, n);
}

/** (*ScavengeIndex).ResetSearchAddrs: unmark and clear both cursors; freeHWM = minOffAddr. */
export function resetSearchAddrs(g: Geometry, s: ScavengeIndex): void {
  for (const a of [s.searchAddrBg, s.searchAddrForce]) {
    const [addr, marked] = a.Load();
    if (marked) a.StoreUnmark(addr, addr);
    a.Clear();
  }
  s.freeHWM = minOffAddr(g);
}

/**
 * CheckPackScavChunkData: pack a scavChunkData and unpack it again; true if
 * nothing was lost. The model packs on store and unpacks on load, so this
 * round-trips through one mapped entry of a scratch index.
 */
export function checkPackScavChunkData(g: Geometry, gen: number, inUse: number, lastInUse: number, flags: number): boolean {
  const s = new ScavengeIndex(g, true);
  const ci = baseChunkIdx(g);
  s.grow(chunkBase(g, ci), chunkBase(g, ci + 1));
  const sc0 = new ScavChunkData(inUse, lastInUse, gen, flags);
  s.store(ci, sc0);
  const sc1 = s.load(ci);
  return sc0.inUse === sc1.inUse && sc0.lastInUse === sc1.lastInUse && sc0.gen === sc1.gen && sc0.flags === sc1.flags;
}
