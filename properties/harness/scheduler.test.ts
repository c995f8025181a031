import { describe, expect, test } from 'vitest';
import { mutantHarness, mutantModule } from '../../testing/mutantBuild.js';
import type { BatchJob, BatchResult } from './batch.js';
import { planBatches } from './batch.js';
import type { SuiteResult } from './campaign.js';
import type { Executor } from './scheduler.js';
import { newFlags } from './scheduler.js';

// pagealloc-small from suite seed 8 + 1000003 under the named mutant
// go63385SysGrowSeedMin: batch 0 passes, batches 1, 2 and 3 fail. The
// scheduler runs in the mutant's build.
const mutant = 'go63385SysGrowSeedMin';
const broken = await mutantHarness(mutant);
const { InProcessExecutor, runJob, runScheduled } = await mutantModule<typeof import('./scheduler.js')>(mutant, 'properties/harness/scheduler.js');
const suite = broken.registry.getSuite('pagealloc-small')!;
const suiteSeed = 8 + 1_000_003;

/** Lanes that finish their batches in an order unrelated to batch order (later batches first). */
class ShuffledExecutor implements Executor {
  private readonly suites = new Map();
  readonly order: number[] = [];
  constructor(
    private readonly flags: Int32Array,
    readonly lanes: number,
  ) {}
  async run(job: BatchJob): Promise<BatchResult> {
    await new Promise((r) => setTimeout(r, Math.max(0, 3 - job.batch) * 15));
    this.order.push(job.batch);
    return runJob(job, this.flags, this.suites);
  }
  async close(): Promise<void> {}
}

const essence = (r: SuiteResult): unknown => ({ runs: r.runs, steps: r.steps, batches: r.batches, stats: r.stats.toData(), cx: r.counterexample });

describe('scheduling batches over lanes', () => {
  const one = broken.campaign.runSuite(suite, { seed: suiteSeed, runs: 200, mutant });

  test('one lane in order finds the lowest failing batch', () => {
    expect(one.batches).toBe(2);
    expect(one.counterexample?.seed).toBe(suiteSeed + 1);
  });

  for (const [name, make] of [
    ['two in-process lanes', (f: Int32Array) => new InProcessExecutor(f, 2)],
    ['three lanes finishing out of order', (f: Int32Array) => new ShuffledExecutor(f, 3)],
  ] as const) {
    test(`${name} give the same result as one`, async () => {
      const flags = newFlags();
      const executor = make(flags);
      const r = await runScheduled({ suite, suiteSeed, plan: planBatches(200), maxCommands: suite.maxCommands, mutant, deadline: Infinity, executor, flags });
      expect(essence(r)).toEqual(essence(one));
      // Batch 2 (a failure) ran before batch 1 (the lowest failure) and batch 0.
      if (executor instanceof ShuffledExecutor) expect(executor.order.slice(0, 3)).toEqual([2, 1, 0]);
    });
  }

  test('shards are contiguous slices that cover every batch once', () => {
    for (const n of [1, 2, 3, 7]) {
      const plans = Array.from({ length: n }, (_, i) => planBatches(1000, 50, { k: i + 1, n }));
      expect(plans[0]!.from).toBe(0);
      expect(plans.at(-1)!.to).toBe(20);
      for (let i = 1; i < n; i++) expect(plans[i]!.from).toBe(plans[i - 1]!.to);
    }
  });
});
