// Every command's generator stays inside the arguments it declares: the
// declaration is what replay files are validated against and what
// docs/replay-files.md documents, so a generated counterexample always
// replays, and a hand-written one is held to the same ranges.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { getSuite, suiteNames } from '../registry.js';

describe('command arguments as declared', () => {
  for (const name of suiteNames) {
    const suite = getSuite(name)!;
    for (const c of suite.commands) {
      test(`${name}: ${c.name}(${c.params.map((p) => p.name).join(', ')})`, () => {
        expect(c.doc.length).toBeGreaterThan(0);
        for (const p of c.params) {
          expect(p.min).toBeLessThanOrEqual(p.max);
          expect(p.doc.length).toBeGreaterThan(0);
        }
        for (const args of fc.sample(c.args, { numRuns: 500, seed: 7 })) {
          expect(args).toHaveLength(c.params.length);
          args.forEach((a, j) => {
            expect(Number.isSafeInteger(a)).toBe(true);
            expect(a).toBeGreaterThanOrEqual(c.params[j]!.min);
            expect(a).toBeLessThanOrEqual(c.params[j]!.max);
          });
        }
      });
    }
  }
});
