#!/usr/bin/env node
// npm run bench [-- --json] [-- --trace FILE] [-- --quick]
//
// 1. The page allocator model on the 1M-op trace (55% alloc / 45% free of a
//    random live earlier allocation, sizes mostly 1..16 pages, 3% 17..2000,
//    over 4096 empty chunks = 16 GiB, fixed seed): ns per op of the op loop,
//    median of several repetitions; with Go installed, the real runtime on
//    the same trace file in the same run, and the ratio: every runtime
//    installed (go1.19 and go1.26), each with its own ratio. Then the real
//    programs' page traces (conformance/pagetrace/data) replayed on the model,
//    in events per second, checked and unchecked.
// 2. The same ops on a naive linear-scan first fit, at full heap size: both
//    continue from the model's state late in the trace, timed on the same
//    window, and the ratio.
// 3. Checked steps per second of the stateful suites, next to the fast-check
//    floor (a trivial model) measured in the same run: as the reference notes
//    measure it (its first 1000 runs), and warm.
// 3b. The named mutants (mutants/catalog.ts): the median and the maximum
//    time to first failure, each probed in its own build.
// 4. The campaign's --workers speed-up: the same seeds with 1 and 2 workers,
//    in the same run (target 1.8x on 2 cores), and that the results agree.
//
// The bench re-runs itself with CAMPAIGN_NODE_FLAGS when node lacks them, so
// every figure is measured as the CLI runs.
//
// npm run bench -- --campaign-memory 30m runs only a campaign of every suite
// for that long, logging RSS every 10 s (a long campaign must stay flat).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultGeometry as g } from '../model/geometry.js';
import { runSuite } from '../properties/harness/campaign.js';
import { getSuite, suiteNames } from '../properties/registry.js';
import { CAMPAIGN_NODE_FLAGS } from '../properties/harness/pool.js';
import { parseCount, parseDuration, UsageError } from '../cli/usage.js';
import { GoThrow, ModelError } from '../model/throw.js';
import { campaignMemory, measureSpeedup } from './campaign.js';
import { measureFloor } from './floor.js';
import { mutantTimes } from './mutants.js';
import { median } from './median.js';
import { timeWindow } from './naiveWindow.js';
import { benchTrace, freshAllocator, runModel } from './pagealloc.js';
import { TraceFileError, timeTraceFile } from './tracefile.js';
import type { RealGoTiming } from './realgo.js';
import { goRuntimes, realGoTiming } from './realgo.js';
import { pageTraceSpeeds } from './pagetrace.js';
import { OP_ALLOC } from './trace1m.js';

/** Bad input to the bench (arguments, a trace file): one line on stderr, exit 2. */
function inputError(e: unknown): string | undefined {
  if (e instanceof UsageError || e instanceof TraceFileError) return e.message;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('ERR_PARSE_ARGS') || ['ENOENT', 'EISDIR', 'EACCES'].includes(code))) return (e as Error).message;
  return undefined;
}

async function main(): Promise<number> {
  // Measure as the CLI runs: with the campaign's V8 flags, which only node's command line can set.
  if (!CAMPAIGN_NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
    const r = spawnSync(process.execPath, [...process.execArgv, ...CAMPAIGN_NODE_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    return r.status ?? 1;
  }
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, trace: { type: 'string' }, quick: { type: 'boolean' }, reps: { type: 'string' }, 'campaign-memory': { type: 'string' } },
    strict: true,
  });
  const quick = values.quick === true;
  const reps = values.reps === undefined ? (quick ? 1 : 5) : parseCount('--reps', values.reps, 1);
  const log = (s: string): void => {
    if (values.json !== true) process.stdout.write(s + '\n');
  };

  if (values['campaign-memory'] !== undefined) {
    const ms = parseDuration('--campaign-memory', values['campaign-memory']);
    log(`campaign memory: every suite for ${ms / 1000} s, RSS every 10 s`);
    const { samples, run } = await campaignMemory(suiteNames, ms, 10_000, log);
    const runs = run.results.reduce((n, r) => n + r.runs, 0);
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const m = run.memory;
    log(`  ${runs} runs; RSS ${first.rssMB} MB at start, ${last.rssMB} MB at the last sample, ${Math.max(...samples.map((x) => x.rssMB))} MB at most (the campaign's own: ${m.rssStartMB} MB at start, ${m.rssEndMB} MB at end, ${m.rssPeakMB} MB at most)`);
    if (values.json === true) process.stdout.write(JSON.stringify({ campaignMemory: { seconds: ms / 1000, runs, workers: run.workers, samples } }) + '\n');
    return 0;
  }

  if (values.trace !== undefined) {
    const text = readFileSync(values.trace, 'utf8');
    let r: ReturnType<typeof timeTraceFile>;
    try {
      r = timeTraceFile(text, reps);
    } catch (e) {
      // The file's chunks as the model takes them (ranges inside a chunk, ...).
      if (e instanceof ModelError || e instanceof GoThrow) throw new TraceFileError(`${values.trace}: ${e.message}`);
      throw e;
    }
    const out = { trace: values.trace, ops: r.ops, nsPerOp: Math.round(r.nsPerOp), repetitions: reps };
    if (values.json === true) process.stdout.write(JSON.stringify(out) + '\n');
    else log(`trace ${values.trace}: ${r.ops} ops timed, ${r.nsPerOp.toFixed(0)} ns/op (median of ${reps})`);
    return 0;
  }

  const ops = quick ? 200_000 : 1_000_000;
  const chunks = 4096;
  const seed = 20261122;
  log(`page allocator: ${ops} ops over ${chunks} chunks (${(chunks * g.pallocChunkBytes) / 2 ** 30} GiB), seed ${seed}`);
  const trace = benchTrace(g, ops, seed, chunks);
  const allocOps = trace.kind.reduce((n, k) => n + (k === OP_ALLOC ? 1 : 0), 0);

  // 1. The model and every real runtime installed (go1.19, go1.26), whole trace, in one run.
  const reals: RealGoTiming[] = [];
  for (const rt of goRuntimes()) {
    const t = await realGoTiming(trace, reps, `trace-${ops}-${seed}`, rt.go);
    if (t !== undefined) reals.push(t);
  }
  const real = reals[0];
  const modelNs: number[] = [];
  let failed = 0;
  for (let r = 0; r < reps; r++) {
    const res = runModel(freshAllocator(g, chunks), trace);
    modelNs.push(res.ns / res.ops);
    failed = res.failedAllocs;
  }
  const nsPerOp = median(modelNs);
  log(`  model:  ${nsPerOp.toFixed(0)} ns/op (median of ${reps}: ${modelNs.map((x) => x.toFixed(0)).join(', ')}); ${allocOps} allocs, ${failed} failed`);
  for (const rg of reals) log(`  ${rg.goVersion}: ${rg.nsPerOp.toFixed(0)} ns/op (median of ${reps}: ${rg.runs.map((x) => x.toFixed(0)).join(', ')}); model/${rg.goVersion} = ${(nsPerOp / rg.nsPerOp).toFixed(2)}x (target: within 5x)`);
  if (reals.length === 0) log('  real runtime: not measured (Go is not installed, or the replayer has no timing mode)');

  // 1b. Real programs' page traces replayed on the model: events per second with every catalog rule
  //     checked as `mheap-spec pagetrace` checks them, and with no rule checked (the model and the spec's recorder).
  const pagetraces = quick ? [] : pageTraceSpeeds(log);

  // 2. Naive linear scan at full heap size.
  const at = Math.floor(ops * 0.9);
  const window = quick ? 2_000 : 5_000;
  const w = timeWindow(g, trace, at, window);
  const naiveRatio = w.naiveNsPerOp / w.modelNsPerOp;
  log(`  naive linear-scan first fit, ops ${at}..${at + window} (heap ${(100 * w.allocatedFraction).toFixed(0)}% allocated): ${w.naiveNsPerOp.toFixed(0)} ns/op vs model ${w.modelNsPerOp.toFixed(0)} ns/op: naive/model = ${naiveRatio.toFixed(0)}x`);

  // 3. Stateful throughput next to the fast-check floor, same run. The floor
  //    is measured as the reference notes measure it (1000 runs of a trivial
  //    model, the first fast-check work in this process), and again once
  //    fast-check is warm, after the suites. Each suite warms up on other
  //    seeds before it is timed.
  const floor = measureFloor(quick ? 300 : 1000, seed);
  const suites: Record<string, number> = {};
  for (const name of suiteNames) {
    runSuite(getSuite(name)!, { seed: seed + 1, runs: quick ? 20 : 100 });
    const r = runSuite(getSuite(name)!, { seed, runs: quick ? 100 : 600 });
    suites[name] = Math.round((r.steps / r.durationMs) * 1000);
  }
  const warmFloor = median([1, 2, 3].map((k) => measureFloor(quick ? 300 : 1000, seed + k).stepsPerSec));
  const stepsPerSec = suites['pagealloc']!;
  log(`stateful (checked steps/s, every catalog entry after every step); fast-check floor in the same run: ${floor.stepsPerSec}/s as the notes measure it (first 1000 runs), ${warmFloor}/s warm:`);
  for (const [name, sps] of Object.entries(suites)) {
    log(`  ${name.padEnd(16)} ${String(sps).padStart(7)}/s = 1/${Math.round(floor.stepsPerSec / sps)} of the floor, 1/${Math.round(warmFloor / sps)} of the warm floor (target 1/${floorTarget(name)})`);
  }

  // The named mutants' time to first failure, next to the floor: how fast the suites catch a known bug.
  const mt = await mutantTimes(quick ? 1 : 5);
  log(`named mutants: ${mt.mutants - mt.survived.length} of ${mt.mutants} killed within 10,000 runs per suite; time to first failure, each mutant's median of ${mt.seeds} seed${mt.seeds === 1 ? '' : 's'}: median over the catalog ${(mt.medianMs / 1000).toFixed(2)} s (target under 2 s), max ${(mt.maxMs / 1000).toFixed(2)} s (${mt.slowest})${mt.survived.length === 0 ? '' : `; SURVIVED: ${mt.survived.join(', ')}`}`);

  // 4. Worker threads: the same campaign with 1 and 2 workers.
  const sp = measureSpeedup(['pagealloc', 'mheap'], quick ? 300 : 4000, seed, quick ? 1 : 5);
  log(`campaign: ${sp.suites.join(' + ')}, ${sp.runs} runs each, same seeds, ${sp.reps} pairs of campaigns (1 worker, then 2): speed-up ${sp.speedup.toFixed(2)}x on ${sp.cores} cores, the median pair (target 1.8x); same result: ${sp.same ? 'yes' : 'NO'}`);
  log(`  pairs: ${sp.pairSpeedups.map((x) => `${x.toFixed(2)}x`).join(', ')}; medians: 1 worker ${(sp.workers1Ms / 1000).toFixed(1)} s, 2 workers ${(sp.workers2Ms / 1000).toFixed(1)} s, ratio ${sp.speedupOfMedians.toFixed(2)}x (each of ${sp.workers1AllMs.map((t) => (t / 1000).toFixed(1)).join(', ')} s and ${sp.workers2AllMs.map((t) => (t / 1000).toFixed(1)).join(', ')} s)`);
  log(`  (node ${CAMPAIGN_NODE_FLAGS.join(' ')}, as the CLI runs; 1 worker kept ${sp.workers1CoresBusy} cores busy (V8's compiler threads): ${sp.cores} cores allow at most ${(sp.cores / sp.workers1CoresBusy).toFixed(2)}x)`);

  const out = {
    pageAlloc: {
      ops,
      chunks,
      seed,
      nsPerOp: Math.round(nsPerOp),
      repetitions: modelNs.map(Math.round),
      failedAllocs: failed,
      realGo: real === undefined ? null : { goVersion: real.goVersion, nsPerOp: Math.round(real.nsPerOp), ratio: Number((nsPerOp / real.nsPerOp).toFixed(2)) },
      realGoRuntimes: reals.map((rg) => ({ goVersion: rg.goVersion, nsPerOp: Math.round(rg.nsPerOp), runs: rg.runs.map(Math.round), ratio: Number((nsPerOp / rg.nsPerOp).toFixed(2)) })),
      naiveRatio: Math.round(naiveRatio),
      naive: { fromOp: at, ops: window, allocatedFraction: Number(w.allocatedFraction.toFixed(3)), nsPerOp: Math.round(w.naiveNsPerOp), modelNsPerOp: Math.round(w.modelNsPerOp) },
    },
    stateful: { stepsPerSec, suites, floorFraction: Number((stepsPerSec / floor.stepsPerSec).toFixed(4)), warmFloorFraction: Number((stepsPerSec / warmFloor).toFixed(4)) },
    floor: { stepsPerSec: floor.stepsPerSec, warmStepsPerSec: warmFloor },
    mutants: mt,
    campaign: sp,
    pagetrace: pagetraces,
  };
  if (values.json === true) process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}

/** DESIGN.md's targets: the page-allocator suites within 1/20 of the floor, the heap and sweep suites 1/100. */
function floorTarget(suite: string): number {
  return suite.startsWith('pagealloc') ? 20 : 100;
}

process.exitCode = await main().catch((e: unknown) => {
  const line = inputError(e);
  if (line === undefined) throw e;
  process.stderr.write(`bench: ${line}\n`);
  return 2;
});
