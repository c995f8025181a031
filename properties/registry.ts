// Every stateful suite, by name: what `mheap-spec check --suite NAME` and
// the replay of a saved counterexample look up.

import { Geometry, defaultGeometry, linuxAmd64, small } from '../model/geometry.js';
import type { AnySuite } from './harness/suite.js';
import { heapSuite } from './mheap/suite.js';
import { pageAllocSuite } from './pagealloc/suite.js';
import { sweepSuite } from './sweep/suite.js';

const registry: Record<string, () => AnySuite> = {
  pagealloc: () => pageAllocSuite(defaultGeometry, 'pagealloc', 'linux/amd64'),
  'pagealloc-small': () => pageAllocSuite(new Geometry(small), 'pagealloc-small', 'small (64-page chunks, 1 GiB from address 0)'),
  mheap: () => heapSuite(),
  'mheap-small': () =>
    heapSuite(
      { geometry: new Geometry(small), nprocs: 2, osLimitArenas: 4 },
      { name: 'mheap-small', geometryName: 'small geometry (64-page chunks, 4 MiB arenas, 1 GiB from address 0)', arenaFallback: true },
    ),
  sweep: () => sweepSuite(),
  'sweep-small': () => sweepSuite({ geometry: new Geometry(small), nprocs: 2, osLimitArenas: 6 }, 'sweep-small', 'small geometry'),
  // Physical pages larger than the runtime's 8 KiB pages (16 KiB: linux/arm64
  // kernels with 16K pages, darwin/arm64): the scavenger releases whole
  // physical pages only, two runtime pages at a time (Go issue 35445).
  // Last, so the other suites keep their seeds.
  'pagealloc-16k': () => pageAllocSuite(new Geometry({ ...linuxAmd64, physPageSize: 16 << 10 }), 'pagealloc-16k', 'linux/amd64 sizes with 16 KiB physical pages'),
};

/** Suite names, in campaign order. */
export const suiteNames: readonly string[] = Object.keys(registry);

/** A fresh suite by name, or undefined. */
export function getSuite(name: string): AnySuite | undefined {
  return Object.hasOwn(registry, name) ? registry[name]!() : undefined;
}
