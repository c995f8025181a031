// Abstraction functions: read the model's page allocator state without
// side effects and without faults, for the catalog's predicates.

import { chunkIndex } from '../../model/chunks.js';
import { hex } from '../../model/geometry.js';
import type { PageAlloc } from '../../model/mpagealloc.js';
import type { PageBits } from '../../model/mpallocbits.js';
import { StateImage } from '../hasher.js';
import type { Sum } from './summary.js';

/** summary[level][i] unpacked, or undefined when it cannot be read (out of range or unmapped). */
export function summaryAt(h: PageAlloc, level: number, i: number): Sum | undefined {
  const lv = h.summary[level];
  if (lv === undefined || !lv.readable(i)) return undefined;
  const pg = lv.page(i);
  const k = lv.slot(i);
  return h.sums.unpack(pg[k]!, pg[k + 1]!);
}

/** Bit i of a bitmap. */
export function bit(b: PageBits, i: number): boolean {
  return ((b.w[i >>> 5]! >>> (i & 31)) & 1) === 1;
}

/**
 * The chunks the model has grown, per its inUse ranges, ascending. Checks
 * call this many times per step, so the answer is kept per allocator with
 * the ranges it came from, and rebuilt when they differ. Read-only.
 */
export function grownChunks(h: PageAlloc): readonly number[] {
  const rs = h.inUse.ranges;
  const last = grownMemo.get(h);
  if (last !== undefined && last.bounds.length === 2 * rs.length && rs.every((r, i) => last.bounds[2 * i] === r.base.addr() && last.bounds[2 * i + 1] === r.limit.addr())) return last.chunks;
  const chunks: number[] = [];
  const bounds: number[] = [];
  for (const r of rs) {
    bounds.push(r.base.addr(), r.limit.addr());
    for (let ci = chunkIndex(h.g, r.base.addr()); ci < chunkIndex(h.g, r.limit.addr()); ci++) chunks.push(ci);
  }
  grownMemo.set(h, { bounds, chunks });
  return chunks;
}

const grownMemo = new WeakMap<PageAlloc, { bounds: number[]; chunks: number[] }>();

/** A global page index as its address, for messages: 0x3000002000 rather than 17205035009. */
export function pageHex(g: { readonly pageSize: number; readonly arenaBaseOffset: number }, p: number): string {
  return p < 0 ? 'none' : hex(p * g.pageSize + g.arenaBaseOffset);
}

/** A chunk index as its base address, for messages: chunk 0x3000400000 rather than chunk 49153. */
export function chunkHex(g: { readonly pallocChunkPages: number; readonly pageSize: number; readonly arenaBaseOffset: number }, ci: number): string {
  return hex(ci * g.pallocChunkPages * g.pageSize + g.arenaBaseOffset);
}

/** Equal triples. */
export function sameSum(a: Sum | undefined, b: Sum | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/**
 * Everything a page allocator holds, as one digest: two equal fingerprints
 * mean nothing observable changed (bitmaps, every mapped summary, the
 * index, cursors, bounds, ranges, live caches).
 */
export function pageAllocFingerprint(h: PageAlloc): string {
  const x = new StateImage();
  imagePageAlloc(h, x);
  return x.digest();
}

/** Copy everything a page allocator holds into x. */
export function imagePageAlloc(h: PageAlloc, x: StateImage): void {
  x.num(h.searchAddr.addr());
  x.num(h.start);
  x.num(h.end);
  x.num(h.summaryMappedReady);
  x.int(h.inUse.ranges.length);
  for (const r of h.inUse.ranges) {
    x.num(r.base.addr());
    x.num(r.limit.addr());
  }
  x.num(h.inUse.totalBytes);
  // Every entry of the sparse chunk map, not only the grown ones: a call that creates one must show.
  // (forEach skips the sparse arrays' holes natively: a loop over every index costs more than the rest of the image.)
  h.chunks.forEach((l2, i) => {
    if (l2 === undefined) return;
    l2.forEach((c, j) => {
      // A chunk read but never written reads as zero: the same as none.
      if (c === undefined || c.isZero()) return;
      x.int(i);
      x.int(j);
      x.words(c.w);
      x.words(c.scavenged.w);
    });
  });
  for (const lv of h.summary) {
    x.int(lv.len);
    for (const u of lv.mappedPages()) {
      x.int(u);
      x.words(lv.unit(u)!);
    }
  }
  const idx = h.scav.index;
  for (const v of [idx.min, idx.max, idx.minHeapIdx, idx.gen, idx.freeHWM.addr(), idx.searchAddrBg.raw(), idx.searchAddrForce.raw()]) x.num(v);
  for (const [u, w] of idx.mappedUnits()) {
    x.int(u);
    x.words(w);
  }
  for (const c of h.ghostCaches) {
    x.num(c.base);
    x.bigint(c.cache);
    x.bigint(c.scav);
  }
}
