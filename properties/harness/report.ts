// The campaign summary: per suite runs, steps, failures, seed and the raw
// counts (commands, checks, violations, witnesses, coverage) that shard
// reports merge by; per invariant times checked and violated; per witness
// its hit rate. Everything but `timings` is a function of the seed and the
// options: the same campaign gives the same bytes.

import { entries, formatCitation } from '../../spec/catalog.js';
import type { SuiteResult } from './campaign.js';
import type { Memory } from './orchestrate.js';
import type { AnySuite } from './suite.js';

export const SUMMARY_FORMAT = 'mheap-spec/summary@3';
/** Earlier formats `invariants` and `explain` still read a status from. */
export const READABLE_SUMMARY_FORMATS: readonly string[] = [SUMMARY_FORMAT, 'mheap-spec/summary@2'];

/** One suite's campaign, as data. */
export interface SuiteRecord {
  readonly suite: string;
  /** The suite's seed: batch b ran fast-check from seed + b. */
  readonly seed: number;
  readonly maxCommands: number;
  /** Batches firstBatch .. firstBatch + batches - 1 were run and merged. */
  readonly firstBatch: number;
  readonly batches: number;
  /** Runs asked of it (this shard's share). */
  readonly runsAsked: number;
  readonly runs: number;
  /** The time limit stopped it before runsAsked were done (nothing had failed). */
  readonly cut: boolean;
  /** Checked steps, shrinking included. */
  readonly steps: number;
  readonly shrinkSteps: number;
  readonly failures: number;
  /** The failed catalog entry (or throw), and its counterexample file relative to the reports directory. */
  readonly failed: string | null;
  readonly counterexample: string | null;
  readonly commands: Readonly<Record<string, number>>;
  readonly checked: Readonly<Record<string, number>>;
  readonly violated: Readonly<Record<string, number>>;
  readonly witnessRuns: Readonly<Record<string, number>>;
  readonly witnessHits: Readonly<Record<string, number>>;
  readonly coverage: Readonly<Record<string, number>>;
}

export interface EntryRow {
  readonly id: string;
  readonly kind: 'state' | 'action' | 'witness';
  readonly go: string;
  readonly suites: string[];
  /** Times checked (state and action) in committed runs. */
  checked: number;
  violated: number;
  /** Witnesses: runs that reached it, out of runs. */
  runsReached: number;
  runs: number;
  hits: number;
}

/** What varies from run to run: strip it to compare reports. */
export interface Timings {
  readonly workers: number;
  readonly durationMs: number;
  /** CPU time of every thread, if measured: cpuMs / durationMs is the cores kept busy. */
  readonly cpuMs: number | null;
  readonly suites: readonly { readonly suite: string; readonly durationMs: number; readonly stepsPerSec: number }[];
  readonly memory: Memory | null;
}

export interface CampaignOptionsRecord {
  readonly suites: readonly string[];
  readonly runs: number;
  readonly timeLimitMs: number;
  readonly maxCommands: number | null;
  readonly mutant: string | null;
}

export interface Summary {
  readonly generated: string;
  readonly format: typeof SUMMARY_FORMAT;
  readonly seed: number;
  readonly options: CampaignOptionsRecord;
  /** This report is shard k of n (merge joins them), or null. */
  readonly shard: { readonly k: number; readonly n: number } | null;
  /** Stopped by a signal (Ctrl-C, SIGTERM, SIGHUP): the counts so far. */
  readonly interrupted: boolean;
  /** The time limit stopped some suite before the runs asked of it were done. */
  readonly cutShort: boolean;
  readonly suites: SuiteRecord[];
  readonly entries: EntryRow[];
  /** Witnesses no run reached: a vacuous campaign fails (a shard leaves that to the merged report). */
  readonly unreached: string[];
  /** Nothing failed, every witness was reached, and every run asked for was done. */
  readonly ok: boolean;
  readonly verdict: Verdict;
  readonly timings: Timings;
}

/** FAIL: an invariant failed; else INTERRUPTED or CUT SHORT if the runs asked were not all done; else FAIL if a witness was never reached; else PASS. */
export type Verdict = 'PASS' | 'FAIL' | 'INTERRUPTED' | 'CUT SHORT';

/** Counts keyed in a fixed order: the given keys (zeros included if `all`), then any others, sorted. */
function ordered(m: Readonly<Record<string, number>>, keys: readonly string[], all: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) if (all || (m[k] ?? 0) !== 0) out[k] = m[k] ?? 0;
  for (const k of Object.keys(m).filter((k) => !keys.includes(k)).sort()) out[k] = m[k]!;
  return out;
}

/** A record with its counts in the one order reports use (catalog and command order), so equal campaigns give equal bytes. */
export function orderRecord(suite: AnySuite, r: SuiteRecord): SuiteRecord {
  const checkedIds = [...suite.catalog.state, ...suite.catalog.action].map((e) => e.id);
  const witnessIds = suite.catalog.witness.map((e) => e.id);
  return {
    ...r,
    commands: ordered(r.commands, suite.commands.map((c) => c.name), true),
    checked: ordered(r.checked, checkedIds, true),
    violated: ordered(r.violated, checkedIds, false),
    witnessRuns: ordered(r.witnessRuns, witnessIds, true),
    witnessHits: ordered(r.witnessHits, witnessIds, true),
    coverage: ordered(r.coverage, [], false),
  };
}

/** A suite's result as a record; cxFile is its counterexample's path relative to the reports directory. */
export function recordOf(suite: AnySuite, r: SuiteResult, cxFile: string | null): SuiteRecord {
  const s = r.stats.toData();
  return orderRecord(suite, {
    suite: r.suite,
    seed: r.seed,
    maxCommands: r.maxCommands,
    firstBatch: r.firstBatch,
    batches: r.batches,
    runsAsked: r.runsAsked ?? r.runs,
    runs: r.runs,
    cut: r.cut,
    steps: r.steps,
    shrinkSteps: r.shrinkSteps,
    failures: r.counterexample === undefined ? 0 : 1,
    failed: r.counterexample?.failure.id ?? null,
    counterexample: r.counterexample === undefined ? null : cxFile,
    commands: s.commandCounts,
    checked: s.checked,
    violated: s.violated,
    witnessRuns: s.witnessRuns,
    witnessHits: s.witnessHits,
    coverage: s.coverage,
  });
}

export interface SummaryHead {
  readonly seed: number;
  readonly options: CampaignOptionsRecord;
  readonly shard: { readonly k: number; readonly n: number } | null;
  readonly interrupted: boolean;
}

/** The summary of a campaign (or of merged shards) from its suites' records. */
export function buildSummary(head: SummaryHead, suites: readonly AnySuite[], records: readonly SuiteRecord[], timings: Timings): Summary {
  const byId = new Map<string, EntryRow>();
  records.forEach((r, i) => {
    const s = suites[i]!;
    for (const e of entries(s.catalog)) {
      let row = byId.get(e.id);
      if (row === undefined) {
        row = { id: e.id, kind: e.kind, go: formatCitation(e.go), suites: [], checked: 0, violated: 0, runsReached: 0, runs: 0, hits: 0 };
        byId.set(e.id, row);
      }
      row.suites.push(s.name);
      row.checked += r.checked[e.id] ?? 0;
      row.violated += r.violated[e.id] ?? 0;
      if (e.kind === 'witness') {
        row.runsReached += r.witnessRuns[e.id] ?? 0;
        row.runs += r.runs;
        row.hits += r.witnessHits[e.id] ?? 0;
      }
    }
  });
  // Judged per suite: a suite whose witness never came true proved nothing about that path.
  const unreached: string[] = [];
  records.forEach((r, i) => {
    for (const w of suites[i]!.catalog.witness) if ((r.witnessRuns[w.id] ?? 0) === 0 && r.runs > 0) unreached.push(`${r.suite}: ${w.id}`);
  });
  const failed = records.some((r) => r.failures > 0);
  const sharded = head.shard !== null && head.shard.n > 1;
  const cutShort = records.some((r) => r.cut);
  // Witnesses are judged only on a campaign that did every run asked of it (and, sharded, on the merged report).
  const verdict: Verdict = failed ? 'FAIL' : head.interrupted ? 'INTERRUPTED' : cutShort ? 'CUT SHORT' : !sharded && unreached.length > 0 ? 'FAIL' : 'PASS';
  return {
    generated: 'by `mheap-spec check`; do not edit',
    format: SUMMARY_FORMAT,
    seed: head.seed,
    options: head.options,
    shard: head.shard,
    interrupted: head.interrupted,
    cutShort,
    suites: [...records],
    entries: [...byId.values()],
    unreached,
    ok: verdict === 'PASS',
    verdict,
    timings,
  };
}

/** The summary without what varies from run to run. */
export function withoutTimings(s: Summary): Omit<Summary, 'timings'> {
  const { timings: _t, ...rest } = s;
  return rest;
}
