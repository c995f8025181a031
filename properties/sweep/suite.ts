// The sweep suites: objects of every size on several Ps, the mutator's
// pointers, GC cycles with marking and mark termination, concurrent
// sweepers stepping through sweepone, the page reclaimer and mcache
// flushes, every catalog entry (sweeping's, the span layer's, the page
// allocator's) checked after every step.

import type { Geometry } from '../../model/geometry.js';
import { defaultGeometry, hex } from '../../model/geometry.js';
import { sweepCatalog } from '../../spec/sweep/catalog.js';
import type { SweepSnapshot, SweepStep } from '../../spec/sweep/world.js';
import type { Suite } from '../harness/suite.js';
import type { HeapConfig } from '../mheap/world.js';
import { sweepCommands } from './commands.js';
import { sweepCoverage } from './coverage.js';
import { SweepSystem } from './world.js';

export const defaultSweepConfig: HeapConfig = { geometry: defaultGeometry, nprocs: 3, osLimitArenas: 2 };

export function sweepSuite(config: HeapConfig = defaultSweepConfig, name = 'sweep', geometryName = 'linux/amd64'): Suite<SweepSystem, SweepSnapshot, SweepStep> {
  const g: Geometry = config.geometry;
  return {
    name,
    title: `runtime/mgcsweep.go, mcentral.go, mcache.go, malloc.go: objects, marking and concurrent sweeping over several Ps and GC cycles (${geometryName})`,
    commands: sweepCommands,
    catalog: sweepCatalog(),
    maxCommands: 250,
    newWorld: () => new SweepSystem(config),
    prelude: () => [`h := newHeap()\t// go1.21 mheap, mcentral and mcaches, ${geometryName} (${g.heapArenaBytes >> 20} MiB arenas), GOMAXPROCS=${config.nprocs}, no sweep on the first cycle`],
    snapshot: (w) => w.snapshot(),
    coverage: sweepCoverage(sweepCommands.map((c) => c.name), config.nprocs),
    figures(w) {
      const h = w.h;
      return {
        gcphase: h.gcphase,
        'h.sweepgen': h.sweepgen,
        'sweep done': String(h.sweep.active.isDone()),
        'sweepers in flight': w.sweepers.length,
        objects: w.objects.size,
        reachable: w.reachable().size,
        'spans in use': h.pagesInUse === 0 ? 0 : [...w.spec.spans()].length,
        'heapLive (bytes)': h.gcController.heapLive,
        curArena: `[${hex(h.curArena.base)}, ${hex(h.curArena.end)})`,
      };
    },
  };
}
