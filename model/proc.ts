// runtime/runtime2.go @ go1.21 · type p: the parts of a P the page heap
// uses: its status, its page cache and its cache of mspan structures.

import type { Geometry } from './geometry.js';
import { PageCache } from './mpagecache.js';
import type { MSpan } from './mspan.js';

/** len(p.mspancache.buf). */
export const mspanCacheSize = 128;

/** runtime2.go · P status: the two the page heap tells apart (gcMarkTermination flushes idle Ps' page caches). */
export type PStatus = '_Prunning' | '_Pidle';

export class P {
  /** _Prunning while a goroutine runs on it; _Pidle when the scheduler parked it. */
  status: PStatus = '_Prunning';
  /** A per-P cache of free pages, refilled from pageAlloc.allocToCache. */
  pcache: PageCache;
  /** A per-P cache of mspan structures, so small allocations need no heap lock. */
  readonly mspancache: { len: number; buf: (MSpan | null)[] };

  constructor(
    readonly id: number,
    g: Geometry,
  ) {
    this.pcache = new PageCache(g);
    this.mspancache = { len: 0, buf: new Array<MSpan | null>(mspanCacheSize).fill(null) };
  }
}
