// `mheap-spec trace`: a file of concatenated trace objects replayed on the
// model, printing exactly the lines of the Go replayer, and stopping the way
// it stops (conformance/README.md): a malformed trace is one stderr line
// naming the op and status 1; a Go throw in the model is status 2; an op the
// model refuses because it breaks a precondition Go does not check (freeing
// pages that are not allocated) is one stderr line and status 4.

import { defaultGeometry } from '../../model/geometry.js';
import { GoThrow, ModelError } from '../../model/throw.js';
import { TRACE_GO_THROW, TRACE_MALFORMED, TRACE_MODEL_REFUSED, TRACE_OK, TraceError } from './fields.js';
import type { JSpan } from './json.js';
import { JsonSyntaxError, jsonStream } from './json.js';
import { headerLine } from './lines.js';
import { ModelReplay } from './model_replay.js';
import { OpReader } from './ops.js';
import { readSetup } from './setup.js';

/** How a trace file run ended. */
export interface TraceRun {
  /** Exit status: TRACE_OK, TRACE_MALFORMED, TRACE_GO_THROW or TRACE_MODEL_REFUSED. */
  readonly status: number;
  /** Empty on success; otherwise what goes to stderr (one line, or a throw's few lines). */
  readonly stderr: string;
}

const ok: TraceRun = { status: TRACE_OK, stderr: '' };

/** One stderr line, as the Go replayer prints it (newlines inside become spaces). */
function stop(status: number, message: string): TraceRun {
  return { status, stderr: message.replaceAll('\n', ' ') + '\n' };
}

/** Runs every trace in src on the model; emit receives each output line (without "\n") as soon as it is complete. */
export function runTraceText(src: string, emit: (line: string) => void): TraceRun {
  const stream = jsonStream(src);
  for (let k = 0; ; k++) {
    let next: IteratorResult<JSpan, void>;
    try {
      next = stream.next();
    } catch (e) {
      if (e instanceof JsonSyntaxError) return stop(TRACE_MALFORMED, `trace ${k}: invalid JSON: ${e.message}`);
      throw e;
    }
    if (next.done === true) return ok;
    const r = runTrace(k, next.value, emit);
    if (r !== ok) return r;
  }
}

function runTrace(k: number, v: JSpan, emit: (line: string) => void): TraceRun {
  let setup;
  try {
    setup = readSetup(v);
  } catch (e) {
    if (e instanceof TraceError) return stop(e.status, `trace ${k}: ${e.message}`);
    throw e;
  }
  // Go prints the header before NewPageAlloc, which may throw (overlapping alloc ranges adding up to more than a chunk).
  emit(headerLine(k, defaultGeometry));
  let replay: ModelReplay;
  try {
    replay = new ModelReplay(k, setup);
  } catch (e) {
    if (!(e instanceof GoThrow)) throw e;
    return { status: TRACE_GO_THROW, stderr: `fatal error: ${e.goMessage}\n[mheap-spec model] trace ${k}: NewPageAlloc: thrown at ${e.site}\n` };
  }
  const reader = new OpReader(new Set(setup.chunks.map((c) => c.off)));
  for (const [i, raw] of setup.ops.entries()) {
    try {
      emit(replay.step(reader.read(raw, i), i));
    } catch (e) {
      const r = stopOnError(k, i, e);
      if (r === undefined) throw e;
      return r;
    }
  }
  return ok;
}

/** The run's end for an error raised by op i, or undefined for an error that is a bug. */
export function stopOnError(k: number, i: number, e: unknown): TraceRun | undefined {
  if (e instanceof TraceError) return stop(e.status, `trace ${k}: op ${i}: ${e.message}`);
  if (e instanceof ModelError) {
    return stop(TRACE_MODEL_REFUSED, `trace ${k}: op ${i}: refused by the model (a precondition Go does not check): ${e.message}`);
  }
  if (e instanceof GoThrow) {
    const detail = e.detail === '' ? '' : e.detail.replaceAll('\n', ' ') + '\n';
    return { status: TRACE_GO_THROW, stderr: `${detail}fatal error: ${e.goMessage}\n[mheap-spec model] trace ${k}: op ${i}: thrown at ${e.site}\n` };
  }
  return undefined;
}
