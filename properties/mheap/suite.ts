// The mheap suite: the span layer over several Ps and GC cycles, every
// catalog entry checked after every step, the page allocator's catalog
// checked underneath.

import { defaultGeometry, hex } from '../../model/geometry.js';
import { arenaBase } from '../../model/heaparena.js';
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
    // Replay's per-step changes: page counts as numbers (pagesInUse), sizes and addresses as hex bytes,
    // every live span's state and sweepgen, and what became of recently freed ones.
    figures(w) {
      const h = w.h;
      const f: Record<string, string | number> = {
        gcphase: h.gcphase,
        sweepgen: h.sweepgen,
        spans: w.live.length,
        pagesInUse: h.pagesInUse,
        heapInUse: hex(h.gcController.heapInUse.load()),
        heapFree: hex(h.gcController.heapFree.load()),
        heapReleased: hex(h.gcController.heapReleased.load()),
        curArena: hex(h.curArena.base),
      };
      for (const a of h.arenas.values()) f[`zeroedBase[${hex(arenaBase(h.g, a.idx))}]`] = hex(a.zeroedBase);
      const liveName = new Map(w.live.map((l) => [l.span, l.name]));
      for (const l of w.live) {
        f[l.name] = l.span.state.get();
        f[`${l.name}.sweepgen`] = l.span.sweepgen;
      }
      for (const d of w.freed) if (!Object.hasOwn(f, d.name)) f[d.name] = liveName.has(d.span) ? `mSpanDead (structure reused by ${liveName.get(d.span)})` : d.span.state.get();
      return f;
    },
  };
}
