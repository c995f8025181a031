import { describe, expect, test } from 'vitest';
import { runSuite } from '../harness/campaign.js';
import { getSuite } from '../registry.js';

// The suites as npm test runs them: fixed seeds, enough runs for every
// witness; the campaign (npm start) runs 10,000 per suite.
describe.each(['pagealloc', 'pagealloc-small'])('%s suite', (name) => {
  test('the model refines the spec: no catalog entry fails, every witness is reached', () => {
    const suite = getSuite(name)!;
    const r = runSuite(suite, { seed: 11, runs: 600 });
    expect(r.counterexample?.program.join('\n') ?? 'no counterexample').toBe('no counterexample');
    expect(r.runs).toBe(600);
    // Long sequences: size 'max' makes runs average well above fast-check's default of ~5 commands.
    expect(r.steps / r.runs).toBeGreaterThan(50);
    for (const w of suite.catalog.witness) expect([w.id, r.stats.witnessRuns.get(w.id) ?? 0]).not.toEqual([w.id, 0]);
    // Every state invariant was checked after every step of every committed run, plus the initial state.
    for (const inv of suite.catalog.state) expect(r.stats.checked.get(inv.id)).toBe(r.steps - r.shrinkSteps + r.runs);
  });
});
