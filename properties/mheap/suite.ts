// The mheap suite: the span layer over several Ps and GC cycles, every
// catalog entry checked after every step, the page allocator's catalog
// checked underneath.

import { defaultGeometry, hex } from '../../model/geometry.js';
import { heapCatalog } from '../../spec/mheap/catalog.js';
import type { HeapSnapshot, HeapStep } from '../../spec/mheap/world.js';
import type { Suite } from '../harness/suite.js';
import { heapCommands } from './commands.js';
import { heapCoverage } from './coverage.js';
import type { HeapConfig } from './world.js';
import { HeapSystem } from './world.js';

export const defaultHeapConfig: HeapConfig = { geometry: defaultGeometry, nprocs: 3, osLimitArenas: 2 };

export function heapSuite(config: HeapConfig = defaultHeapConfig, name = 'mheap'): Suite<HeapSystem, HeapSnapshot, HeapStep> {
  return {
    name,
    title: 'runtime/mheap.go: spans over several Ps and GC cycles, the page allocator checked underneath',
    commands: heapCommands,
    catalog: heapCatalog(),
    maxCommands: 150,
    newWorld: () => new HeapSystem(config),
    prelude: () => [`h := newHeap()\t// go1.21 mheap, linux/amd64, GOMAXPROCS=${config.nprocs}, the OS grants ${config.osLimitArenas} arenas (${(config.osLimitArenas * config.geometry.heapArenaBytes) >> 20} MiB)`],
    snapshot: (w) => w.snapshot(),
    coverage: heapCoverage,
    figures(w) {
      const h = w.h;
      const zb = [...h.arenas.values()].map((a) => a.zeroedBase / h.g.pageSize).join('/');
      return {
        gcphase: h.gcphase,
        sweepgen: h.sweepgen,
        spans: w.live.length,
        pagesInUse: h.pagesInUse,
        heapInUse: h.gcController.heapInUse.load(),
        heapFree: h.gcController.heapFree.load(),
        heapReleased: h.gcController.heapReleased.load(),
        zeroedBasePages: zb,
        curArena: hex(h.curArena.base),
      };
    },
  };
}
