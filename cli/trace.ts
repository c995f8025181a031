// mheap-spec trace FILE: replay a page-allocator trace on the model and print
// the lines the real-Go replayer prints (shared/reference/trace-format.md,
// conformance/README.md); --time prints one timing line per trace instead.

import { readFileSync } from 'node:fs';
import { TRACE_MALFORMED } from '../conformance/trace/fields.js';
import { runTraceText } from '../conformance/trace/run.js';
import { timeTraceText, timedLine } from '../conformance/trace/time.js';
import { parseFlags } from './flags.js';
import type { Io } from './io.js';
import { EXIT_OK, UsageError } from './usage.js';

export const traceHelp = `usage: mheap-spec trace [--time] FILE

Replay the page-allocator trace(s) in FILE (one or more concatenated JSON
objects, shared/reference/trace-format.md) on the model and print one JSON
line per trace header and per op: the same lines, in the same form, as the
real-Go replayer in conformance/realgo/ (only the header's goVersion differs).

options:
  --time    print {"trace":k,"timedOps":N,"ns":T} per trace instead: the ops
            are decoded first and only the loop over them is timed
  --help    this text

exit status: 0 replayed, 1 malformed trace (one stderr line naming the op),
2 the model threw as Go would (or bad command-line input), 4 the model refused
an op Go accepts unchecked (e.g. freeing pages that are not allocated)`;

/** The subcommands-table entry (cli/main.ts). */
export const traceCommand = { run: trace, help: traceHelp, summary: 'replay a page-allocator trace on the model (conformance)' };

export function trace(argv: string[], io: Io): number {
  const { values, positionals } = parseFlags(argv, { time: { type: 'boolean' }, help: { type: 'boolean' } }, true);
  if (values.help === true) {
    io.out(traceHelp + '\n');
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('trace wants exactly one FILE');
  let src: string;
  try {
    src = readFileSync(positionals[0]!, 'utf8');
  } catch (e) {
    io.err(`cannot read trace file: ${(e as Error).message}\n`);
    return TRACE_MALFORMED;
  }
  if (values.time === true) {
    const { traces, run } = timeTraceText(src);
    io.out(traces.map((t) => timedLine(t) + '\n').join(''));
    io.err(run.stderr);
    return run.status;
  }
  // Lines go out in batches; each batch is whole lines, so a failure keeps every earlier line.
  let batch: string[] = [];
  const run = runTraceText(src, (line) => {
    batch.push(line + '\n');
    if (batch.length >= 512) {
      io.out(batch.join(''));
      batch = [];
    }
  });
  io.out(batch.join(''));
  io.err(run.stderr);
  return run.status;
}
