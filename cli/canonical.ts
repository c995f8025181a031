// The canonical campaign: what `npm start` runs (mheap-spec check with no
// options but --workers and --json) and the only run that writes the
// committed reports/. Its budget is the one setting to retune when the
// suites get heavier: the campaign must finish by runs, not by time, on
// this machine kind with room to spare (README: "Two commands").

import { suiteNames } from '../properties/registry.js';

/** Runs per suite. */
export const CANONICAL_RUNS = 10_000;
/** The campaign seed. */
export const CANONICAL_SEED = 1;
/**
 * The time limit: a safety net, never the thing that ends the campaign.
 * Measured on this machine kind (2 cores, 2 workers): about 80 s idle,
 * 3 to 7 minutes while other work loads the machine (load average 7 to 9);
 * 30 minutes leaves room for that four times over, and for heavier suites.
 * A campaign cut by it says so and is not canonical.
 */
export const CANONICAL_TIME_LIMIT_MS = 30 * 60_000;
/** Where the canonical campaign's reports go. */
export const REPORTS_DIR = 'reports';

export interface CampaignChoice {
  readonly suites: readonly string[];
  readonly runs: number;
  readonly seed: number;
  readonly timeLimitMs: number;
  readonly maxCommands?: number | undefined;
  readonly shard?: unknown;
  readonly mutant: string | null;
}

/** Whether these options are the canonical campaign's (workers and output form aside: they do not change the report). */
export function isCanonical(c: CampaignChoice): boolean {
  return (
    c.runs === CANONICAL_RUNS &&
    c.seed === CANONICAL_SEED &&
    c.timeLimitMs === CANONICAL_TIME_LIMIT_MS &&
    c.maxCommands === undefined &&
    c.shard === undefined &&
    c.mutant === null &&
    c.suites.length === suiteNames.length &&
    suiteNames.every((n) => c.suites.includes(n))
  );
}
