import { describe, expect, test } from 'vitest';
import type { Mutants } from '../../model/mutants.js';
import { withMutant } from '../../model/mutants.js';
import { runSuite } from '../harness/campaign.js';
import { getSuite } from '../registry.js';

// Every invariant is meant to have teeth: each deliberately broken model
// must be caught by the suite, named, and shrunk to a short Go-like trace.
// The page allocator's mutants (the span layer's are caught by the mheap suite).
const expected: Partial<Record<keyof Mutants, string[]>> = {
  findIgnoresStraddle: ['throw("bad summary data")', 'allocIsFirstFit'],
  findBestFit: ['allocIsFirstFit'],
  updateSkipsParents: ['innerSummariesCombineChildren'],
  freeKeepsSearchAddr: ['searchAddrIsLowerBound'],
  sysGrowSeedMin: ['scavIndexEntriesMatchSpec'],
};

describe.each(['pagealloc', 'pagealloc-small'])('%s suite catches every mutant', (name) => {
  for (const [mutant, ids] of Object.entries(expected) as [keyof Mutants, string[]][]) {
    test(mutant, () => {
      const r = withMutant(mutant, () => runSuite(getSuite(name)!, { seed: 3, runs: 2000, mutant }));
      const cx = r.counterexample;
      expect(cx, `${mutant} was not caught in ${r.runs} runs`).toBeDefined();
      expect(ids).toContain(cx!.failure.id);
      // Shrunk to a few steps, printed as a Go-like program.
      expect(cx!.commands.length).toBeLessThanOrEqual(8);
      expect(cx!.program[0]).toMatch(/^p := newPageAlloc\(\)/);
    });
  }
});
