import { describe, expect, test } from 'vitest';
import { mutantHarness } from '../../testing/mutantBuild.js';
import { getSuite } from '../registry.js';
import { reduceCommands } from './reduce.js';

// A counterexample to cut: the named mutant findBestFit's, found and cut in its build.
const broken = await mutantHarness('findBestFit');

describe('reduce: counterexamples are cut to 1-minimal command lists', () => {
  const suite = broken.registry.getSuite('pagealloc')!;
  const cx = broken.campaign.runSuite(suite, { seed: 1, runs: 500, mutant: 'findBestFit' }).counterexample!;

  test('the saved commands replay to the recorded failure, and none of them can go', () => {
    expect(cx).toBeDefined();
    expect(broken.replay.replayCommands(suite, cx.commands).failure?.id).toBe(cx.failure.id);
    for (let i = 0; i < cx.commands.length; i++) {
      const without = cx.commands.filter((_, j) => j !== i);
      expect(broken.replay.replayCommands(suite, without).failure?.id, `without command ${i}`).not.toBe(cx.failure.id);
    }
  });

  test('a list that does not fail that way is left alone', () => {
    // On the real model the commands pass: nothing to cut.
    expect(reduceCommands(getSuite('pagealloc')!, cx.commands, cx.failure.id)).toBeUndefined();
    expect(broken.reduce.reduceCommands(suite, cx.commands, 'someOtherEntry')).toBeUndefined();
  });

  test('padding a counterexample with needless commands is cut away again', () => {
    const padded = [...cx.commands.slice(0, 1), { name: 'nextGen', args: [] }, { name: 'nextGen', args: [] }, ...cx.commands.slice(1)];
    const r = broken.reduce.reduceCommands(suite, padded, cx.failure.id)!;
    expect(r.commands.length).toBeLessThanOrEqual(cx.commands.length);
    expect(r.replay.failure?.id).toBe(cx.failure.id);
  });
});
