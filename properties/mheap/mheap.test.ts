import { describe, expect, test } from 'vitest';
import { withMutant } from '../../model/mutants.js';
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

  // The span layer's rules have teeth: each broken model is caught and shrunk.
  const mutants = [
    ['allocNeedsZeroKeepsZeroedBase', ['zeroedBaseIsHighWaterMark', 'needzeroIsPrecise', 'needzeroIsSound']],
  ] as const;
  for (const [mutant, ids] of mutants) {
    test(`catches ${mutant}`, () => {
      const r = withMutant(mutant, () => runSuite(getSuite('mheap')!, { seed: 3, runs: 500, mutant }));
      const cx = r.counterexample;
      expect(cx, `${mutant} was not caught in ${r.runs} runs`).toBeDefined();
      expect(ids).toContain(cx!.failure.id);
      expect(cx!.commands.length).toBeLessThanOrEqual(8);
      expect(cx!.program[0]).toMatch(/^h := newHeap\(\)/);
    });
  }
});
