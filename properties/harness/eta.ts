// The whole campaign's time left, for the live progress line: the running
// suite's runs left at its own rate, and each suite not yet started at its
// cost per run in an earlier campaign (reports/summary.json's timings),
// scaled by how this campaign's speed compares with that one's so far.

export interface SuitePlan {
  readonly suite: string;
  /** Runs this campaign asks of it (this shard's share). */
  readonly runs: number;
}

export interface EtaInput {
  /** The campaign's suites, in order. */
  readonly plan: readonly SuitePlan[];
  /** Index in plan of the running suite. */
  readonly current: number;
  /** Runs done and milliseconds spent in the running suite. */
  readonly runsDone: number;
  readonly elapsedMs: number;
  /** Suites already done: runs done and milliseconds spent. */
  readonly done: readonly { readonly suite: string; readonly runs: number; readonly durationMs: number }[];
  /** Milliseconds per run of each suite in an earlier campaign, where known. */
  readonly priorMsPerRun: ReadonlyMap<string, number>;
  /** Time left in the campaign's time limit. */
  readonly budgetLeftMs: number;
}

export interface Eta {
  /** Milliseconds left (at most the budget left). */
  readonly ms: number;
  /** Some suite not yet started has no earlier timing: the true figure is higher. */
  readonly lowerBound: boolean;
  /** The estimate passes the time limit: the campaign will be cut short at it. */
  readonly atLimit?: boolean;
}

/** The campaign's time left, or undefined before the running suite has a rate. */
export function campaignTimeLeft(x: EtaInput): Eta | undefined {
  if (x.runsDone <= 0 || x.elapsedMs <= 0) return undefined;
  const cur = x.plan[x.current]!;
  let ms = (Math.max(0, cur.runs - x.runsDone) * x.elapsedMs) / x.runsDone;
  // This campaign's speed relative to the earlier one, over what both timed.
  let actual = 0;
  let prior = 0;
  for (const d of [...x.done, { suite: cur.suite, runs: x.runsDone, durationMs: x.elapsedMs }]) {
    const p = x.priorMsPerRun.get(d.suite);
    if (p === undefined || d.runs === 0) continue;
    actual += d.durationMs;
    prior += p * d.runs;
  }
  const scale = prior > 0 ? actual / prior : 1;
  let lowerBound = false;
  for (const s of x.plan.slice(x.current + 1)) {
    const p = x.priorMsPerRun.get(s.suite);
    if (p === undefined) lowerBound = true;
    else ms += s.runs * p * scale;
  }
  if (ms >= x.budgetLeftMs) return { ms: x.budgetLeftMs, lowerBound: false, atLimit: true };
  return { ms, lowerBound };
}
