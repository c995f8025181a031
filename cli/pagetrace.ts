// mheap-spec pagetrace FILE...: a real program's page trace replayed on the
// model's span layer and page allocator, every catalog rule checked along it
// (conformance/pagetrace/). FILE is a page trace (conformance/pagetrace/
// data/*.pagetrace.gz) or a Go execution trace recorded with
// GODEBUG=traceallocfree=1 (decoded with `go tool trace`, Go 1.23+).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DecodeError, decodeExecutionTrace } from '../conformance/pagetrace/decode.js';
import { ExecTraceError, allocFreeInfo, isExecutionTrace } from '../conformance/pagetrace/exectrace.js';
import type { PageTrace } from '../conformance/pagetrace/format.js';
import { PAGETRACE_VERSION, PageTraceError, parsePageTrace } from '../conformance/pagetrace/format.js';
import type { ReplayedProgram } from '../conformance/pagetrace/report.js';
import { realheapsMarkdown, summaryLine } from '../conformance/pagetrace/report.js';
import { ReplayError, replayOk, replayPageTrace } from '../conformance/pagetrace/replay.js';
import { goOnPath, goRuntime } from '../conformance/realgo/gorunner.js';
import { writeAtomic } from '../properties/harness/files.js';
import type { Io } from './io.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, parseCount } from './usage.js';

export const pagetraceHelp = `usage: mheap-spec pagetrace [--json] [--state-every N|auto] [--report FILE] TRACE...

Replay real programs' heaps on the model: every span allocation of the trace
is one mheap.alloc or allocManual on the model (its P's page cache, the page
allocator, heap growth from go1.21's arena hints), every free a sweep and a
freeSpan or freeManual, every GC mark phase a gcStart and gcMarkTermination.
Prints per trace its events, allocations, frees, how many allocations the
model predicts exactly (the same base address from its own allocSpan), the
mispredictions with their causes, and the catalog rules checked.

TRACE is a page trace (conformance/pagetrace/data/*.pagetrace.gz, made by
npm run pagetraces) or a Go execution trace recorded with
GODEBUG=traceallocfree=1 and GOMAXPROCS=1 (decoding it needs Go 1.23+ as
\`go\` on PATH; build the program with GOEXPERIMENT=norandomizedheapbase64).

options:
  --state-every N   check the state invariants every N model steps (action
                    properties are checked after every step); auto: every
                    step for traces up to 5,000 events, every 64th beyond
                    (default auto)
  --report FILE     also write the replays as markdown (reports/realheaps.md)
  --json            print the figures as JSON
  --help            this text

exit status: 0 every allocation predicted or its misprediction explained and
no rule violated; 1 otherwise; 2 bad input (an unreadable or malformed trace)`;

/** auto: every step up to this many events, then every AUTO_EVERY steps. */
const AUTO_EVENTS = 5000;
const AUTO_EVERY = 64;

async function load(file: string): Promise<PageTrace> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new PageTraceError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (!isExecutionTrace(bytes)) return parsePageTrace(bytes, file);
  const go = goOnPath();
  const rt = go === undefined ? null : goRuntime(go);
  if (go === undefined || rt === null || rt.minor < 23) throw new PageTraceError(`${file} is a Go execution trace; decoding it needs Go 1.23+ as \`go\` on PATH (found ${rt?.version ?? 'none'})`);
  try {
    const info = allocFreeInfo(bytes);
    return {
      header: {
        pagetrace: PAGETRACE_VERSION,
        program: file,
        name: path.basename(file),
        goVersion: `go${info.traceVersion}`,
        goexperiment: '(unknown)',
        gomaxprocs: 1,
        minPageHeapAddr: '0x' + info.minPageHeapAddr.toString(16).padStart(16, '0'),
        pageSize: info.pageSize,
        recorded: 'an execution trace, decoded with go tool trace -d=parsed',
      },
      events: await decodeExecutionTrace(go, file),
    };
  } catch (e) {
    if (e instanceof ExecTraceError || e instanceof DecodeError) throw new PageTraceError(`${file}: ${e.message}`);
    throw e;
  }
}

export async function pagetrace(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, 'state-every': { type: 'string' }, report: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(pagetraceHelp + '\n');
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('pagetrace wants at least one TRACE file');
  const se = values['state-every'] ?? 'auto';
  const fixed = se === 'auto' ? undefined : parseCount('--state-every', se, 1);
  // Every file is read and checked before anything is replayed or written.
  const traces: { file: string; t: PageTrace }[] = [];
  for (const file of positionals) {
    try {
      traces.push({ file, t: await load(file) });
    } catch (e) {
      if (!(e instanceof PageTraceError)) throw e;
      io.err(`mheap-spec pagetrace: ${e.message}\n`);
      return EXIT_USAGE;
    }
  }
  const done: ReplayedProgram[] = [];
  for (const { file, t } of traces) {
    const stateEvery = fixed ?? (t.events.length <= AUTO_EVENTS ? 1 : AUTO_EVERY);
    try {
      done.push({ file, result: replayPageTrace(t, { stateEvery }), stateEvery });
    } catch (e) {
      if (!(e instanceof ReplayError)) throw e;
      io.err(`mheap-spec pagetrace: ${file}: ${e.message}\n`);
      return EXIT_USAGE;
    }
  }
  if (values.json === true) {
    io.out(
      JSON.stringify(
        done.map(({ file, stateEvery, result: r }) => ({
          file,
          stateEvery,
          ...r,
          tally: { steps: r.tally.steps, checked: Object.fromEntries(r.tally.checked), violations: r.tally.violations, witnesses: Object.fromEntries(r.tally.witnesses) },
          ok: replayOk(r),
        })),
      ) + '\n',
    );
  } else {
    for (const p of done) {
      io.out(summaryLine(p) + '\n');
      const m = p.result.mispredictions[0];
      if (m !== undefined) io.out(`  first misprediction: allocation ${m.allocation} (event ${m.event}), ${m.npages} pages on the ${m.path} path: the program got page ${m.realPage}, the model ${m.modelPage ?? 'nothing'}; ${m.cause}: ${m.explanation}\n`);
      for (const v of p.result.tally.violations.slice(0, 3)) io.out(`  FAIL ${v.id} ${v.step}: ${v.why}\n`);
    }
  }
  if (values.report !== undefined) {
    writeAtomic(values.report, realheapsMarkdown(done));
    if (values.json !== true) io.out(`wrote ${values.report}\n`);
  }
  return done.every((p) => replayOk(p.result)) ? EXIT_OK : EXIT_FAILED;
}

/** The subcommands-table entry (cli/main.ts). */
export const pagetraceCommand = { run: pagetrace, help: pagetraceHelp, summary: "replay real programs' page traces on the model's span layer", async: true };
