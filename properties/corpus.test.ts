import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCounterexample, replayCommands } from './harness/replay.js';
import { getSuite } from './registry.js';

// Past failures, replayed by npm test. A counterexample found against a
// deliberately broken model (its mutant) must still fail under that mutant,
// naming the same rule, and pass on the real model; one found against the
// real model (a bug since fixed, in model or spec) must pass.
const dir = 'properties/corpus';
const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('regression corpus', () => {
  test('is not empty', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    test(f, () => {
      const cx = readCounterexample(join(dir, f));
      const suite = getSuite(cx.suite)!;
      const fixed = replayCommands(suite, cx.commands, null);
      expect(fixed.failure?.id ?? 'passes').toBe('passes');
      expect(fixed.skipped).toEqual([]);
      if (cx.mutant !== null) {
        const broken = replayCommands(suite, cx.commands, cx.mutant);
        expect(cx.failure, 'a corpus file records the failure it shows').toBeDefined();
        expect(broken.failure?.id).toBe(cx.failure!.id);
      }
    });
  }
});
