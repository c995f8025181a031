// Every stateful suite, by name: what `mheap-spec check --suite NAME` and
// the replay of a saved counterexample look up.

import { Geometry, defaultGeometry, small } from '../model/geometry.js';
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
};

/** Suite names, in campaign order. */
export const suiteNames: readonly string[] = Object.keys(registry);

/** A fresh suite by name, or undefined. */
export function getSuite(name: string): AnySuite | undefined {
  return Object.hasOwn(registry, name) ? registry[name]!() : undefined;
}
