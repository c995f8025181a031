import { describe, expect, test } from 'vitest';
import { withMutant } from '../../model/mutants.js';
import { getSuite } from '../registry.js';
import { runSuite } from './campaign.js';
import { reduceCommands } from './reduce.js';
import { replayCommands } from './replay.js';

describe('reduce: counterexamples are cut to 1-minimal command lists', () => {
  const suite = getSuite('pagealloc')!;
  const cx = withMutant('findBestFit', () => runSuite(suite, { seed: 1, runs: 500, mutant: 'findBestFit' })).counterexample!;

  test('the saved commands replay to the recorded failure, and none of them can go', () => {
    expect(cx).toBeDefined();
    expect(replayCommands(suite, cx.commands, cx.mutant).failure?.id).toBe(cx.failure.id);
    for (let i = 0; i < cx.commands.length; i++) {
      const without = cx.commands.filter((_, j) => j !== i);
      expect(replayCommands(suite, without, cx.mutant).failure?.id, `without command ${i}`).not.toBe(cx.failure.id);
    }
  });

  test('a list that does not fail that way is left alone', () => {
    expect(reduceCommands(suite, cx.commands, null, cx.failure.id)).toBeUndefined();
    expect(reduceCommands(suite, cx.commands, cx.mutant, 'someOtherEntry')).toBeUndefined();
  });

  test('padding a counterexample with needless commands is cut away again', () => {
    const padded = [...cx.commands.slice(0, 1), { name: 'nextGen', args: [] }, { name: 'nextGen', args: [] }, ...cx.commands.slice(1)];
    const r = reduceCommands(suite, padded, cx.mutant, cx.failure.id)!;
    expect(r.commands.length).toBeLessThanOrEqual(cx.commands.length);
    expect(r.replay.failure?.id).toBe(cx.failure.id);
  });
});
