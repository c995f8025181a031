// The live line's time left is the whole campaign's: suites not yet started
// count, at their cost per run in an earlier campaign, scaled by this
// campaign's speed so far.

import { describe, expect, test } from 'vitest';
import { progressLine } from '../../cli/check.js';
import { campaignTimeLeft } from './eta.js';

const plan = [
  { suite: 'pagealloc', runs: 10_000 },
  { suite: 'mheap', runs: 10_000 },
];
const priors = new Map([
  ['pagealloc', 1],
  ['mheap', 8],
]);

describe("the campaign's time left", () => {
  test('counts the suites not yet started (the heavy one included) before they start', () => {
    // Half of pagealloc done at the earlier campaign's speed: 5 s of it left, then mheap's 80 s.
    const eta = campaignTimeLeft({ plan, current: 0, runsDone: 5000, elapsedMs: 5000, done: [], priorMsPerRun: priors, budgetLeftMs: Infinity });
    expect(eta).toEqual({ ms: 5000 + 80_000, lowerBound: false });
  });

  test("scales the earlier timings by this campaign's speed", () => {
    // This machine is twice as slow: pagealloc's half took 10 s.
    const eta = campaignTimeLeft({ plan, current: 0, runsDone: 5000, elapsedMs: 10_000, done: [], priorMsPerRun: priors, budgetLeftMs: Infinity });
    expect(eta).toEqual({ ms: 10_000 + 160_000, lowerBound: false });
    // In the second suite, the first one's real time joins the scale.
    const later = campaignTimeLeft({ plan, current: 1, runsDone: 1000, elapsedMs: 16_000, done: [{ suite: 'pagealloc', runs: 10_000, durationMs: 20_000 }], priorMsPerRun: priors, budgetLeftMs: Infinity });
    expect(later).toEqual({ ms: 9000 * 16, lowerBound: false });
  });

  test('without an earlier timing for a suite to come, it is a lower bound; never more than the time limit left', () => {
    expect(campaignTimeLeft({ plan, current: 0, runsDone: 5000, elapsedMs: 5000, done: [], priorMsPerRun: new Map(), budgetLeftMs: Infinity })).toEqual({ ms: 5000, lowerBound: true });
    expect(campaignTimeLeft({ plan, current: 0, runsDone: 5000, elapsedMs: 5000, done: [], priorMsPerRun: priors, budgetLeftMs: 30_000 })).toEqual({ ms: 30_000, lowerBound: false, atLimit: true });
    expect(campaignTimeLeft({ plan, current: 0, runsDone: 0, elapsedMs: 0, done: [], priorMsPerRun: priors, budgetLeftMs: 30_000 })).toBeUndefined();
  });

  test('the live line shows it as the campaign\'s', () => {
    const base = { suite: 'pagealloc', runs: 5000, steps: 100_000, elapsedMs: 5000, failures: 0, plannedRuns: 10_000, workers: 2 };
    expect(progressLine({ ...base, campaignLeft: { ms: 85_000, lowerBound: false } })).toBe('pagealloc: 5,000/10,000 runs · 20,000 checked steps/s · 0 failures · campaign 1m25s left · 2 workers');
    expect(progressLine({ ...base, campaignLeft: { ms: 5000, lowerBound: true } })).toMatch(/campaign at least 5s left/);
    expect(progressLine({ ...base, campaignLeft: undefined })).toMatch(/campaign \? left/);
    expect(progressLine({ ...base, campaignLeft: { ms: 30_000, lowerBound: false, atLimit: true } })).toMatch(/campaign 30s left \(cut short then by the time limit\)/);
  });
});
