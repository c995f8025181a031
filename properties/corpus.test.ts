import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCounterexample, replayCommands } from './harness/replay.js';
import { mutantHarness } from '../testing/mutantBuild.js';
import { getSuite } from './registry.js';
import { mutationRun } from '../testing/mutationRun.js';

// Past failures, replayed by npm test. A counterexample found against a
// deliberately broken model (a named mutant) must still fail in that mutant's build,
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
    test(f, async () => {
      const cx = readCounterexample(join(dir, f));
      const suite = getSuite(cx.suite)!;
      const fixed = replayCommands(suite, cx.commands);
      expect(fixed.failure?.id ?? 'passes').toBe('passes');
      expect(fixed.skipped).toEqual([]);
      // Not in a Stryker run: its sandbox's model/ is instrumented, so a named
      // mutant's patch cannot apply there (and that half tests the patch, not model/).
      if (cx.mutant !== null && !mutationRun) {
        const m = await mutantHarness(cx.mutant);
        const broken = m.replay.replayCommands(m.registry.getSuite(cx.suite)!, cx.commands);
        expect(cx.failure, 'a corpus file records the failure it shows').toBeDefined();
        expect(broken.failure?.id).toBe(cx.failure!.id);
      }
    });
  }
});
