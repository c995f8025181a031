// The pagealloc suite: the page allocator model against the abstract page
// heap, every catalog entry checked after every step.

import type { Geometry } from '../../model/geometry.js';
import { defaultGeometry, hex } from '../../model/geometry.js';
import { pageAllocCatalog } from '../../spec/pagealloc/catalog.js';
import { ALLOCATED, CACHED, FREE } from '../../spec/pagealloc/pageHeap.js';
import type { PageAllocSnapshot, PageAllocStep } from '../../spec/pagealloc/world.js';
import type { Suite } from '../harness/suite.js';
import { pageAllocCommands } from './commands.js';
import { PageAllocSystem } from './world.js';

export function pageAllocSuite(g: Geometry = defaultGeometry, name = 'pagealloc', geometryName = 'linux/amd64'): Suite<PageAllocSystem, PageAllocSnapshot, PageAllocStep> {
  return {
    name,
    title: 'runtime/mpagealloc.go, mpagecache.go, mgcscavenge.go: pageAlloc against the abstract page heap',
    commands: pageAllocCommands(g.pallocChunkPages),
    catalog: pageAllocCatalog({ chunkPages: g.pallocChunkPages }),
    maxCommands: 200,
    newWorld: () => new PageAllocSystem(g, 16),
    prelude: () => [`p := newPageAlloc()\t// go1.21 pageAlloc, test mode, ${geometryName} geometry`],
    snapshot: (w) => ({ pageSize: g.pageSize, arenaBaseOffset: g.arenaBaseOffset, searchAddr: w.h.searchAddr.addr(), start: w.h.start, end: w.h.end, inUseRanges: w.h.inUse.ranges.length }),
    figures(w) {
      let free = 0;
      let scav = 0;
      let held = 0;
      let cached = 0;
      for (const ci of w.shadow.chunks()) {
        const s = w.shadow.chunkStates(ci)!;
        for (let i = 0; i < s.state.length; i++) {
          const st = s.state[i];
          if (st === FREE) {
            free++;
            if (s.scavenged[i] === 1) scav++;
          } else if (st === ALLOCATED) held++;
          else if (st === CACHED) cached++;
        }
      }
      // Page counts as numbers, addresses as hex.
      return { searchAddr: hex(w.h.searchAddr.addr()), 'free (pages)': free, 'scavenged (pages)': scav, 'allocated (pages)': held, 'cached (pages)': cached };
    },
  };
}
