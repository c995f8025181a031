// The campaign's "checked N times" figures are counts of predicate
// evaluations, not products of step counts: a spy catalog counts its own
// calls, and the runner's figures must equal them.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Catalog } from '../../spec/catalog.js';
import { go } from '../../spec/catalog.js';
import { runSuite } from './campaign.js';
import type { Suite } from './suite.js';

interface World {
  n: number;
}

function spySuite(): { suite: Suite<World, number, number>; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const count = (id: string): true => {
    calls.set(id, (calls.get(id) ?? 0) + 1);
    return true;
  };
  const base = { go: go('mheap.go', 'test'), quote: '', statement: '', against: 'a spy', specFile: 'test' };
  const catalog: Catalog<World, number, number> = {
    state: [
      { ...base, id: 'stateA', kind: 'state', holds: () => count('stateA') },
      { ...base, id: 'stateB', kind: 'state', holds: () => count('stateB') },
    ],
    action: [{ ...base, id: 'actionA', kind: 'action', holds: () => count('actionA') }],
    witness: [{ ...base, id: 'reachesAny', kind: 'witness', reached: () => true }],
  };
  const suite: Suite<World, number, number> = {
    name: 'spy',
    title: 'a spy catalog',
    commands: [
      { name: 'inc', doc: 'n++', weight: 1, params: [], args: fc.constant([]), call: () => 'inc()', applies: () => true, run: (w) => ((w.n += 1), { step: w.n, go: 'inc()', comment: '' }) },
      { name: 'dec', doc: 'n--', weight: 1, params: [], args: fc.constant([]), call: () => 'dec()', applies: (w) => w.n > 0, run: (w) => ((w.n -= 1), { step: w.n, go: 'dec()', comment: '' }) },
    ],
    catalog,
    maxCommands: 20,
    newWorld: () => ({ n: 0 }),
    prelude: () => [],
    snapshot: (w) => w.n,
    figures: (w) => ({ n: w.n }),
  };
  return { suite, calls };
}

describe('checked counts', () => {
  test('equal the evaluations the predicates saw, entry by entry', () => {
    const { suite, calls } = spySuite();
    const r = runSuite(suite, { seed: 7, runs: 120 });
    expect(r.counterexample).toBeUndefined();
    for (const id of ['stateA', 'stateB', 'actionA']) {
      expect([id, r.stats.checked.get(id)]).toEqual([id, calls.get(id)]);
      expect(calls.get(id)).toBeGreaterThan(0);
    }
    // State entries run once more per run (on the initial state) than action entries.
    expect(calls.get('stateA')! - calls.get('actionA')!).toBe(r.runs);
    expect(calls.get('actionA')).toBe(r.steps);
  });
});
