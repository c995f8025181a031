import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { allocNeedsZero } from '../../model/mheap_alloc.js';
import { MHeap } from '../../model/mheap.js';
import { makeSpanClass } from '../../model/spanclass.js';
import { GoThrow } from '../../model/throw.js';
import { commandsArbitrary } from '../harness/campaign.js';
import { RunContext, Stats } from '../harness/runner.js';
import { mutationRun } from '../../testing/mutationRun.js';
import { getSuite } from '../registry.js';
import type { HeapSystem } from './world.js';

// "potentially overlapping in-use allocations detected": allocNeedsZero's CAS
// loop notices when another allocation raised zeroedBase into the region it
// is claiming. Legal runs never make it fire (any throw fails the mheap
// suite); claiming memory another P is claiming at the same moment must.

const overlap = 'fatal error: potentially overlapping in-use allocations detected';

describe('the overlap check has teeth', () => {
  test('two Ps claiming overlapping memory at an arena\'s zeroed frontier', () => {
    const h = new MHeap({ nprocs: 2 });
    const s = h.alloc(4, makeSpanClass(0, true), h.p(0))!;
    const frontier = s.base() + 4 * h.g.pageSize;
    // P0 claims 8 fresh pages; between its load of zeroedBase and its CAS, P1 claims 2 of them.
    expect(() => allocNeedsZero(h, frontier, 8, () => void allocNeedsZero(h, frontier + 3 * h.g.pageSize, 2))).toThrow(GoThrow);
    expect(() => allocNeedsZero(h, frontier + 100 * h.g.pageSize, 8, () => void allocNeedsZero(h, frontier + 101 * h.g.pageSize, 2))).toThrow(overlap);
  });

  test('claims that do not overlap race harmlessly', () => {
    const h = new MHeap({});
    const s = h.alloc(4, makeSpanClass(0, true), h.p(0))!;
    const frontier = s.base() + 4 * h.g.pageSize;
    // P1 claims the pages just below: P0's CAS fails, it reloads, and zeroedBase is still below its region.
    expect(allocNeedsZero(h, frontier + 2 * h.g.pageSize, 2, () => void allocNeedsZero(h, frontier, 2))).toBe(false);
  });

  // After any legal history, a concurrent overlapping claim at any arena's frontier is detected.
  const suite = getSuite('mheap')!;
  prop.prop([commandsArbitrary(suite, 40), fc.nat({ max: 7 }), fc.integer({ min: 2, max: 16 })], { numRuns: mutationRun ? 10 : 60 })(
    'after a random legal history, an overlapping concurrent claim throws',
    (cmds, k, n) => {
      const ctx = new RunContext(suite, new Stats());
      fc.modelRun(() => ({ model: { ctx }, real: { ctx } }), cmds);
      const h = (ctx.world as HeapSystem).h;
      const arenas = [...h.arenas.values()].filter((a) => a.zeroedBase + n * h.g.pageSize <= h.g.heapArenaBytes);
      if (arenas.length === 0) return;
      const a = arenas[k % arenas.length]!;
      const frontier = a.idx * h.g.heapArenaBytes + h.g.arenaBaseOffset + a.zeroedBase;
      expect(() => allocNeedsZero(h, frontier, n, () => void allocNeedsZero(h, frontier + h.g.pageSize, 1))).toThrow(overlap);
    },
  );
});
