// The mheap suites: the span layer over several Ps and GC cycles, every
// catalog entry checked after every step, the page allocator's catalog
// checked underneath; on Go's linux/amd64 geometry and on a small one where
// heaps fill, run out of hints and out of memory quickly.

import type { Geometry } from '../../model/geometry.js';
import { defaultGeometry, hex } from '../../model/geometry.js';
import { heapCatalog } from '../../spec/mheap/catalog.js';
import type { HeapSnapshot, HeapStep } from '../../spec/mheap/world.js';
import type { Suite } from '../harness/suite.js';
import { heapCommands } from './commands.js';
import { heapCoverage } from './coverage.js';
import type { HeapConfig } from './world.js';
import { HeapSystem } from './world.js';

export const defaultHeapConfig: HeapConfig = { geometry: defaultGeometry, nprocs: 3, osLimitArenas: 2 };

export interface HeapSuiteOptions {
  readonly name: string;
  readonly geometryName: string;
  /** Whether the suite must reach sysAlloc's fallback paths (hints exhausted, trim, growing down). */
  readonly arenaFallback: boolean;
}

function mib(n: number): string {
  return n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`;
}

export function heapSuite(config: HeapConfig = defaultHeapConfig, opts: HeapSuiteOptions = { name: 'mheap', geometryName: 'linux/amd64', arenaFallback: false }): Suite<HeapSystem, HeapSnapshot, HeapStep> {
  const g: Geometry = config.geometry;
  return {
    name: opts.name,
    title: `runtime/mheap.go: spans over several Ps and GC cycles (${opts.geometryName}), the page allocator checked underneath`,
    commands: heapCommands(g.pagesPerArena),
    catalog: heapCatalog({ arenaFallback: opts.arenaFallback }),
    maxCommands: 150,
    newWorld: () => new HeapSystem(config),
    prelude: () => [
      `h := newHeap()\t// go1.21 mheap, ${opts.geometryName} (${mib(g.heapArenaBytes)} arenas, ${mib(g.pallocChunkBytes)} chunks), GOMAXPROCS=${config.nprocs}, the OS grants ${config.osLimitArenas} arenas (${mib(config.osLimitArenas * g.heapArenaBytes)})`,
    ],
    snapshot: (w) => w.snapshot(),
    coverage: heapCoverage,
    figures(w) {
      const h = w.h;
      const ps = h.g.pageSize;
      const zb = [...h.arenas].map(([ai, a]) => `${hex(ai * h.g.heapArenaBytes + h.g.arenaBaseOffset)}:+${a.zeroedBase / ps}`).join(' ');
      const states = { mSpanInUse: 0, mSpanManual: 0 };
      for (const s of w.spec.spans()) states[s.state]++;
      return {
        gcphase: h.gcphase,
        'h.sweepgen': h.sweepgen,
        'spans in use': states.mSpanInUse,
        'manual spans': states.mSpanManual,
        'pagesInUse (pages)': h.pagesInUse,
        'heapInUse (pages)': h.gcController.heapInUse.load() / ps,
        'heapFree (pages)': h.gcController.heapFree.load() / ps,
        'heapReleased (pages)': h.gcController.heapReleased.load() / ps,
        'zeroedBase (pages)': zb,
        curArena: `[${hex(h.curArena.base)}, ${hex(h.curArena.end)})`,
        // Each span the suite holds: its state and sweepgen; what became of recently freed ones.
        ...spanFigures(w),
      };
    },
  };
}

/** Replay's per-span figures: every live span's state and sweepgen, and each recently freed span's state now. */
function spanFigures(w: HeapSystem): Record<string, string | number> {
  const f: Record<string, string | number> = {};
  for (const [id, s] of w.handles) {
    f[w.nameOf(id)] = s.state.get();
    f[`${w.nameOf(id)}.sweepgen`] = s.sweepgen;
  }
  for (const d of w.freed) {
    if (Object.hasOwn(f, d.name)) continue;
    const now = w.specId(d.span);
    f[d.name] = now === undefined ? d.span.state.get() : `mSpanDead (its structure reused by ${w.nameOf(now)})`;
  }
  return f;
}
