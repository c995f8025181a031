import { describe, expect, test } from 'vitest';
import { runSuite } from '../harness/campaign.js';
import { RunContext, Stats } from '../harness/runner.js';
import { mutationRun } from '../../testing/mutationRun.js';
import { getSuite } from '../registry.js';
import type { SweepSystem } from './world.js';

type Call = readonly [string, ...number[]];

/** Run a command list on a fresh sweep world; every catalog entry is checked after every step. */
function play(calls: readonly Call[]): { w: SweepSystem; reached: Set<string>; trace: string[] } {
  const suite = getSuite('sweep')!;
  const stats = new Stats();
  const ctx = new RunContext(suite, stats);
  const defs = new Map(suite.commands.map((c) => [c.name, c]));
  for (const [name, ...args] of calls) {
    const def = defs.get(name)!;
    expect([name, args, def.applies(ctx.world, args)]).toEqual([name, args, true]);
    ctx.exec(def, args);
  }
  ctx.commit();
  return { w: ctx.world as SweepSystem, reached: new Set(stats.witnessRuns.keys()), trace: ctx.trace.map((l) => `${l.go}\t// ${l.comment}`) };
}

// mallocStart(P, kind, n, noscan): kind 2 with n = 2 is an 8 KiB object, one per 8 KiB span.
const big = (p: number): Call[] => [['mallocStart', p, 2, 2, 1], ['mallocFinish', 0]];
const cycle: Call[] = [['gcStart'], ['gcMarkTermination', 0, 0, 0]];

describe('sweep suite', () => {
  // Mutation runs have properties/mutation.test.ts's short sweep campaigns instead.
  test.skipIf(mutationRun)('a campaign over several Ps and GC cycles: no catalog entry fails, every command runs, the common witnesses are reached', () => {
    const suite = getSuite('sweep-small')!;
    const r = runSuite(suite, { seed: 3, runs: 200 });
    expect(r.counterexample?.program.join('\n') ?? 'no counterexample').toBe('no counterexample');
    for (const c of suite.commands) expect([c.name, (r.stats.commandCounts.get(c.name) ?? 0) > 0]).toEqual([c.name, true]);
    // Those at 5% of runs or more in long campaigns; the rare ones have their own programs below.
    for (const id of ['reachesSpanNeedingSweep', 'reachesSpanBeingSwept', 'reachesSweptSpan', 'reachesStaleCachedSpan', 'reachesCachedSpan', 'reachesCacheSpanPartialSwept', 'reachesStaleSpanUncachedAndSwept', 'reachesSpanFreedByReclaim', 'reachesEnsureSweptSweeps', 'reachesLargeSpanFreedBySweep', 'reachesTinyBlockReused', 'reachesObjectFreedBySweep']) {
      expect([id, (r.stats.witnessRuns.get(id) ?? 0) > 0]).toEqual([id, true]);
    }
    // The span layer's and the page allocator's catalogs are checked underneath.
    const ids = new Set([...suite.catalog.state, ...suite.catalog.action].map((e) => e.id));
    for (const id of ['liveSpansRefineSpec', 'pageAllocRefinesSpec', 'sweepgenIsLegal', 'objectsAreTheSpecs', 'allocReclaimsFirst']) expect(ids).toContain(id);
  });

  test("cacheSpan's full unswept path: a full span from the last cycle is swept, and has room again", () => {
    // s1 goes to the full swept set when the refill for o2 uncaches it; o1 dies; the cycle makes s1 unswept.
    // The refill pops s1, checks it, takes it (a step each: other goroutines may run in between), then sweeps it.
    const prefix: Call[] = [...big(0), ...big(0), ['dropRoot', 0], ...cycle, ['mallocStart', 0, 2, 2, 1]];
    // Stopped after the pop: P0's mallocgc has s1 in hand, not yet taken, so s1 is in no set.
    const popped = play(prefix).w;
    const s1 = popped.handles.get(1)!;
    expect([...popped.holders()].map((g) => [g.span === s1, g.holds])).toEqual([[true, false]]);
    expect(s1.sweepgen).toBe(popped.h.sweepgen - 2);
    const { w, reached } = play([...prefix, ['mallocStep', 0], ['mallocStep', 0], ['mallocStep', 0]]);
    expect(reached).toContain('reachesCacheSpanFullUnswept');
    expect(reached).toContain('reachesSpanBeingSwept');
    expect(reached).toContain('reachesObjectFreedBySweep');
    // o3 took o1's slot: same address, o1 gone.
    expect(w.objects.has('o1')).toBe(false);
    expect(w.objects.get('o3')!.addr).toBe(0xc000000000);
  });

  test("a sweeper loses its CAS to ensureSwept, which took the span between the sweeper's check and its CAS", () => {
    const { w, reached } = play([...big(0), ...big(0), ...cycle, ['sweeperStart'], ['sweeperStep', 0], ['sweeperStep', 0], ['sweeperStep', 0], ['ensureSwept', 0], ['sweeperStep', 0]]);
    expect(reached).toContain('reachesEnsureSweptSweeps');
    expect(reached).toContain('reachesSweeperLosesRace');
    // The span was swept once, by ensureSwept: it is at h.sweepgen and o1 still lives in it.
    const s1 = w.handles.get(w.objects.get('o1')!.span)!;
    expect(s1.sweepgen).toBe(w.h.sweepgen);
    expect(w.sweepers[0]!.pc).toBe('next');
  });

  test("cacheSpan's CAS loses to ensureSwept, which swept the unswept span cacheSpan had popped; cacheSpan then grows the heap", () => {
    // o1's span goes back partly full at the first mark termination; after the second it is in the partial unswept set.
    const { w, reached } = play([['mallocStart', 0, 2, 0, 1], ['mallocFinish', 0], ...cycle, ...cycle, ['mallocStart', 0, 2, 0, 1], ['mallocStep', 0], ['ensureSwept', 0], ['mallocStep', 0]]);
    expect(reached).toContain('reachesCacheSpanLosesRace');
    expect(reached).toContain('reachesCacheSpanGrow');
    // s1 was swept once (by ensureSwept), o1 still lives there, and o2 went to a new span.
    const o1 = w.objects.get('o1')!;
    expect(w.handles.get(o1.span)!.sweepgen).toBe(w.h.sweepgen);
    expect(w.objects.get('o2')!.span).not.toBe(o1.span);
  });

  test('ensureSwept waits for a span an mcache cached before the sweep began, and returns once the P flushes it', () => {
    // P2 allocates o1; mark termination leaves P2's flush for its next safe point (defer mask 4).
    const { w, reached } = play([['mallocStart', 2, 2, 2, 1], ['mallocFinish', 0], ['gcStart'], ['gcMarkTermination', 0, 0, 4], ['ensureSwept', 0], ['flushAtSafePoint', 0], ['ensureSwept', 0]]);
    expect(reached).toContain('reachesEnsureSweptWaits');
    expect(reached).toContain('reachesStaleSpanUncachedAndSwept');
    expect(w.needSweep.size).toBe(0);
  });

  test('mheap.alloc reclaims an unmarked span before it takes new pages while sweeping is unfinished', () => {
    // A large object dies; after the cycle, the next large allocation's reclaim frees its span and reuses its pages.
    const large: Call[] = [['mallocStart', 0, 3, 0, 1], ['mallocFinish', 0]];
    const { w, reached } = play([...large, ['dropRoot', 0], ...cycle, ...large]);
    expect(reached).toContain('reachesSpanFreedByReclaim');
    expect(w.objects.has('o1')).toBe(false);
    expect(w.objects.get('o2')!.addr).toBe(0xc000000000);
  });
});
