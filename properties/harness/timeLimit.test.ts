// The time limit is honoured within a batch: once it has passed no further
// run starts (a run in progress ends), and a failure already found is
// still shrunk to the end.

import { describe, expect, test } from 'vitest';
import { mutantHarness } from '../../testing/mutantBuild.js';
import { getSuite } from '../registry.js';
import type { BatchJob } from './batch.js';
import { epochNow, runBatch } from './batch.js';

const suite = getSuite('pagealloc-small')!;
const job: BatchJob = { suite: suite.name, suiteSeed: 77, batch: 0, numRuns: 50, maxCommands: suite.maxCommands, mutant: null };

describe('the time limit within a batch', () => {
  test('no run starts once time is up: the batch ends after the runs begun before', () => {
    for (const k of [0, 1, 7, 49]) {
      let polls = 0;
      const r = runBatch(suite, job, undefined, () => polls++ >= k);
      expect(r.stats.runs).toBe(k);
      expect(r.cut).toBe(true);
      expect(polls).toBe(k + 1); // polled before each run begun, and once more: then never again
    }
    const whole = runBatch(suite, job, undefined, () => false);
    expect(whole).toMatchObject({ cut: false, stats: { runs: 50 } });
  });

  test("a job's deadline in the past stops the batch before its first run", () => {
    expect(runBatch(suite, { ...job, deadline: epochNow() - 1 })).toMatchObject({ cut: true, stats: { runs: 0 } });
    expect(runBatch(suite, { ...job, deadline: epochNow() + 3_600_000 })).toMatchObject({ cut: false, stats: { runs: 50 } });
  });

  test('a failure found before the limit is still shrunk to the end', async () => {
    // A failing batch: the named mutant updateSkipsParents's, run in its build.
    const broken = await mutantHarness('updateSkipsParents');
    const m = { ...job, suite: 'pagealloc', suiteSeed: 1, mutant: 'updateSkipsParents' };
    const pagealloc = broken.registry.getSuite('pagealloc')!;
    const free = broken.batch.runBatch(pagealloc, m, undefined, () => false);
    expect(free.counterexample).toBeDefined();
    const failingRun = free.stats.runs; // runs committed before the failing one
    let polls = 0;
    // Time is up right after the failing run began: shrinking runs on, unpolled.
    const timed = broken.batch.runBatch(pagealloc, m, undefined, () => polls++ > failingRun);
    expect(timed.counterexample).toEqual(free.counterexample);
    expect(polls).toBe(failingRun + 1);
  });
});
