// Merging shard reports: shard k of n ran the k-th contiguous slice of every
// suite's batches, so the shards in order are the batches in order. A
// suite's merged record sums the shards up to and including the first one
// that failed in it: what one process would have reported.

import { getSuite } from '../registry.js';
import type { SuiteRecord, Summary, Timings } from './report.js';
import { SUMMARY_FORMAT, buildSummary, orderRecord } from './report.js';
import type { AnySuite } from './suite.js';

/** A report that cannot be merged; the message is the one line the CLI prints. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isCounts = (v: unknown): v is Record<string, number> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isInt);

/** Validate a parsed summary.json (enough to merge it safely). */
export function parseSummary(v: unknown, file: string): Summary {
  const bad = (what: string): never => {
    throw new MergeError(`${file}: ${what}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not an mheap-spec summary (not a JSON object)');
  const o = v as Record<string, unknown>;
  if (o.format !== SUMMARY_FORMAT) return bad(`not an mheap-spec summary (format is ${JSON.stringify(o.format)}, want "${SUMMARY_FORMAT}")`);
  if (!isInt(o.seed)) return bad('seed must be an integer');
  const opts = o.options as Record<string, unknown> | null;
  if (typeof opts !== 'object' || opts === null || !Array.isArray(opts.suites) || !isInt(opts.runs) || !isInt(opts.timeLimitMs)) return bad('options must be {suites, runs, timeLimitMs, maxCommands, mutant}');
  const sh = o.shard as Record<string, unknown> | null;
  if (sh !== null && (typeof sh !== 'object' || !isInt(sh.k) || !isInt(sh.n))) return bad('shard must be {k, n} or null');
  if (!Array.isArray(o.suites)) return bad('suites must be an array');
  for (const [i, r] of (o.suites as unknown[]).entries()) {
    const s = r as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null || typeof s.suite !== 'string') return bad(`suite ${i} has no name`);
    if (getSuite(s.suite) === undefined) return bad(`names an unknown suite ${JSON.stringify(s.suite)}`);
    for (const k of ['seed', 'maxCommands', 'firstBatch', 'batches', 'runsAsked', 'runs', 'steps', 'shrinkSteps', 'failures']) if (!isInt(s[k])) return bad(`suite ${s.suite}: ${k} must be an integer`);
    if (typeof s.cut !== 'boolean') return bad(`suite ${s.suite}: cut must be true or false`);
    for (const k of ['commands', 'checked', 'violated', 'witnessRuns', 'witnessHits', 'coverage']) if (!isCounts(s[k])) return bad(`suite ${s.suite}: ${k} must map names to counts`);
  }
  if (typeof o.interrupted !== 'boolean') return bad('interrupted must be true or false');
  return v as Summary;
}

function sum(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function add(a: SuiteRecord, b: SuiteRecord): SuiteRecord {
  return {
    ...a,
    batches: a.batches + b.batches,
    runsAsked: a.runsAsked + b.runsAsked,
    runs: a.runs + b.runs,
    cut: a.cut || b.cut,
    steps: a.steps + b.steps,
    shrinkSteps: a.shrinkSteps + b.shrinkSteps,
    failures: a.failures + b.failures,
    failed: a.failed ?? b.failed,
    counterexample: a.counterexample ?? b.counterexample,
    commands: sum(a.commands, b.commands),
    checked: sum(a.checked, b.checked),
    violated: sum(a.violated, b.violated),
    witnessRuns: sum(a.witnessRuns, b.witnessRuns),
    witnessHits: sum(a.witnessHits, b.witnessHits),
    coverage: sum(a.coverage, b.coverage),
  };
}

/** Merge shard summaries (already validated) into the summary of the whole campaign. */
export function mergeSummaries(inputs: readonly { file: string; summary: Summary }[]): Summary {
  const first = inputs[0];
  if (first === undefined) throw new MergeError('merge wants at least one report directory');
  const n = first.summary.shard?.n ?? 1;
  const byK = new Map<number, { file: string; summary: Summary }>();
  for (const x of inputs) {
    const s = x.summary;
    if (s.shard === null && inputs.length > 1) throw new MergeError(`${x.file}: not a shard report (it was run without --shard)`);
    if ((s.shard?.n ?? 1) !== n) throw new MergeError(`${x.file}: shard ${s.shard?.k}/${s.shard?.n} does not belong with shards of ${n}`);
    if (s.seed !== first.summary.seed || JSON.stringify(s.options) !== JSON.stringify(first.summary.options)) throw new MergeError(`${x.file}: a different campaign (seed or options differ from ${first.file})`);
    const k = s.shard?.k ?? 1;
    if (byK.has(k)) throw new MergeError(`${x.file}: shard ${k}/${n} given twice (also ${byK.get(k)!.file})`);
    byK.set(k, x);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byK.has(k));
  if (missing.length > 0) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${n}`).join(', ')} missing`);
  const shards = [...byK.keys()].sort((a, b) => a - b).map((k) => byK.get(k)!.summary);
  const names = first.summary.options.suites;
  const suites: AnySuite[] = [];
  const records: SuiteRecord[] = [];
  for (const name of names) {
    let acc: SuiteRecord | undefined;
    for (const s of shards) {
      const r = s.suites.find((x) => x.suite === name);
      if (r === undefined) continue; // an interrupted shard that never reached it
      acc = acc === undefined ? r : add(acc, r);
      if (r.failures > 0) break; // one process would have stopped here
    }
    if (acc === undefined) continue;
    const suite = getSuite(name)!;
    suites.push(suite);
    // One process asks every run of every suite; the shards' shares add up to that.
    records.push(orderRecord(suite, { ...acc, runsAsked: first.summary.options.runs }));
  }
  const timings: Timings = {
    workers: shards.reduce((a, s) => a + s.timings.workers, 0),
    durationMs: Math.max(...shards.map((s) => s.timings.durationMs)),
    cpuMs: shards.every((s) => typeof s.timings.cpuMs === 'number') ? shards.reduce((a, s) => a + s.timings.cpuMs!, 0) : null,
    suites: records.map((r) => {
      const t = shards.flatMap((s) => s.timings.suites.filter((x) => x.suite === r.suite));
      const ms = t.reduce((a, x) => a + x.durationMs, 0);
      return { suite: r.suite, durationMs: ms, stepsPerSec: ms > 0 ? Math.round((r.steps / ms) * 1000) : 0 };
    }),
    memory: null,
  };
  return buildSummary({ seed: first.summary.seed, options: first.summary.options, shard: null, interrupted: shards.some((s) => s.interrupted) }, suites, records, timings);
}
