import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { getSuite, suiteNames } from '../properties/registry.js';
import { mutantModule } from '../testing/mutantBuild.js';
import { namedMutants } from './catalog.js';
import { patchedFiles } from './scratch.js';

// The catalog of named mutants: each patch still applies and builds, names
// only real rules or Go's throws, and is killed, by a rule it expects,
// within the campaign's budget on seed 1 (`mheap-spec mutants`, in CI, runs
// five seeds and writes reports/mutants.md).

const rules = new Set(suiteNames.flatMap((n) => ((c) => [...c.state, ...c.action].map((e) => e.id))(getSuite(n)!.catalog)));
const modelText = readdirSync('model')
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => readFileSync(`model/${f}`, 'utf8'))
  .join('\n');

describe('the named mutants', () => {
  test('every patch under mutants/patches/ is in the catalog, and every catalog entry has one', () => {
    const patches = readdirSync('mutants/patches').map((f) => f.replace(/\.patch$/, '')).sort();
    expect(patches).toEqual(namedMutants.map((m) => m.id).sort());
  });

  for (const m of namedMutants) {
    test(`${m.id}: patches model/ only, expects real rules or Go's throws, and is killed`, async () => {
      for (const f of patchedFiles(m.id)) expect(f).toMatch(/^model\/[a-z0-9_]+\.ts$/);
      for (const c of m.caughtBy) {
        const thrown = /^throw\("(.*)"\)$/.exec(c)?.[1];
        if (thrown === undefined) expect(rules, `${c} is a catalog rule`).toContain(c);
        else expect(modelText, `the model throws "${thrown}"`).toContain(`'${thrown}'`);
      }
      for (const s of m.suites) expect(suiteNames).toContain(s);
      const { probe } = await mutantModule<typeof import('./probe.js')>(m.id, 'mutants/probe.js');
      const [seed1] = probe(1).seeds;
      expect(seed1!.caught, `${m.id} survived ${seed1!.runs} runs`).not.toBeNull();
      // The failure, or a rule false beside it at the failing step, is one the catalog expects.
      expect([seed1!.caught!, ...seed1!.alsoViolated].filter((id) => m.caughtBy.includes(id)), `${m.id} failed on ${seed1!.caught}`).not.toEqual([]);
      expect(seed1!.shrunkLength).toBeLessThanOrEqual(20);
      expect(seed1!.program[0]).toMatch(/^(p := newPageAlloc|h := newHeap)\(\)/);
    });
  }
});
