// Abstraction functions: read the model's page allocator state without
// side effects and without faults, for the catalog's predicates.

import { chunkIndex } from '../../model/chunks.js';
import type { PageAlloc } from '../../model/mpagealloc.js';
import type { PageBits } from '../../model/mpallocbits.js';
import type { Sum } from './summary.js';

/** summary[level][i] unpacked, or undefined when it cannot be read (out of range or unmapped). */
export function summaryAt(h: PageAlloc, level: number, i: number): Sum | undefined {
  const lv = h.summary[level];
  if (lv === undefined || !lv.readable(i)) return undefined;
  const pg = lv.page(i);
  const k = lv.slot(i);
  return h.sums.unpack(pg[k]!, pg[k + 1]!);
}

/** Whether summary[level][i] is the packed zero ("no free pages"). */
export function summaryIsZero(h: PageAlloc, level: number, i: number): boolean | undefined {
  const lv = h.summary[level];
  if (lv === undefined || !lv.readable(i)) return undefined;
  const pg = lv.page(i);
  const k = lv.slot(i);
  return pg[k] === 0 && pg[k + 1] === 0;
}

/** Bit i of a bitmap. */
export function bit(b: PageBits, i: number): boolean {
  return ((b.w[i >>> 5]! >>> (i & 31)) & 1) === 1;
}

/** The chunks the model has grown, per its inUse ranges, ascending. */
export function grownChunks(h: PageAlloc): number[] {
  const out: number[] = [];
  for (const r of h.inUse.ranges) {
    for (let ci = chunkIndex(h.g, r.base.addr()); ci < chunkIndex(h.g, r.limit.addr()); ci++) out.push(ci);
  }
  return out;
}

/** Equal triples. */
export function sameSum(a: Sum | undefined, b: Sum | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}
