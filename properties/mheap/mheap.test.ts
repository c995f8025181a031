import { describe, expect, test } from 'vitest';
import { runSuite } from '../harness/campaign.js';
import { getSuite } from '../registry.js';

describe('mheap suite', () => {
  test('spans refine their rules over several Ps and GC cycles: no catalog entry fails, every witness is reached', () => {
    const suite = getSuite('mheap')!;
    const r = runSuite(suite, { seed: 3, runs: 300 });
    expect(r.counterexample?.program.join('\n') ?? 'no counterexample').toBe('no counterexample');
    for (const w of suite.catalog.witness) expect([w.id, r.stats.witnessRuns.get(w.id) ?? 0]).not.toEqual([w.id, 0]);
    // The page allocator's catalog is checked underneath: its entries are in this suite's catalog too.
    const ids = new Set([...suite.catalog.state, ...suite.catalog.action].map((e) => e.id));
    for (const id of ['pageAllocRefinesSpec', 'allocIsFirstFit', 'cacheAllocIsLowestRun', 'searchAddrIsLowerBound']) expect(ids).toContain(id);
    // Every command ran.
    for (const c of suite.commands) expect([c.name, (r.stats.commandCounts.get(c.name) ?? 0) > 0]).toEqual([c.name, true]);
  });
});
