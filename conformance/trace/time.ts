// Timing mode (`mheap-spec trace --time FILE`; the Go replayer's
// MHEAP_SPEC_TIME=1): each trace's ops are checked and decoded into flat
// arrays first, the allocator is built, and only the loop over the ops is
// timed. No per-op lines: one {"trace":k,"timedOps":N,"ns":T} line a trace.
// Every op but `state` can be timed.

import { readFileSync } from 'node:fs';
import type { PageCache } from '../../model/mpagecache.js';
import { TRACE_MALFORMED, TRACE_OK, TraceError, malformed } from './fields.js';
import type { JSpan } from './json.js';
import { JsonSyntaxError, jsonStream } from './json.js';
import { Pages, modelPageAlloc } from './model_replay.js';
import { OpReader } from './ops.js';
import type { TraceRun } from './run.js';
import { stopOnError } from './run.js';
import type { TraceSetup } from './setup.js';
import { readSetup } from './setup.js';

/** One timed trace. */
export interface TimedTrace {
  readonly trace: number;
  readonly timedOps: number;
  readonly ns: number;
}

const ALLOC = 0;
const FREE = 1;
const FREE_REF = 2;
const ALLOC_TO_CACHE = 3;
const CACHE_ALLOC = 4;
const CACHE_FLUSH = 5;
const SCAVENGE = 6;
const IN_USE = 7;
const kinds = { alloc: ALLOC, free: FREE, freeRef: FREE_REF, allocToCache: ALLOC_TO_CACHE, cacheAlloc: CACHE_ALLOC, cacheFlush: CACHE_FLUSH, scavenge: SCAVENGE, inUse: IN_USE } as const;

/** A trace's ops as flat arrays: kind, and up to two arguments. */
interface FlatOps {
  readonly kind: Uint8Array;
  /** npages (alloc, scavenge; -1 = no limit), base page (free), ref (freeRef), cache id (cacheAlloc, cacheFlush). */
  readonly a: Float64Array;
  /** npages (free, cacheAlloc). */
  readonly b: Float64Array;
}

/** The timed-line text: {"trace":k,"timedOps":N,"ns":T}. */
export function timedLine(t: TimedTrace): string {
  return `{"trace":${t.trace},"timedOps":${t.timedOps},"ns":${t.ns}}`;
}

function flatten(setup: TraceSetup): FlatOps {
  const n = setup.ops.length;
  const f: FlatOps = { kind: new Uint8Array(n), a: new Float64Array(n), b: new Float64Array(n) };
  const reader = new OpReader(new Set(setup.chunks.map((c) => c.off)));
  for (const [i, raw] of setup.ops.entries()) {
    try {
      const op = reader.read(raw, i);
      if (!Object.hasOwn(kinds, op.op)) throw malformed(`op "${op.op}" cannot be timed`);
      f.kind[i] = kinds[op.op as keyof typeof kinds];
      if (op.op === 'alloc' || op.op === 'scavenge') f.a[i] = op.npages;
      else if (op.op === 'free') [f.a[i], f.b[i]] = [op.base, op.npages];
      else if (op.op === 'freeRef') f.a[i] = op.ref;
      else if (op.op === 'cacheAlloc') [f.a[i], f.b[i]] = [op.id, op.npages];
      else if (op.op === 'cacheFlush') f.a[i] = op.id;
    } catch (e) {
      if (e instanceof TraceError) throw new TraceError(`op ${i}: ${e.message}`, e.status);
      throw e;
    }
  }
  return f;
}

/** Times one trace's op loop; a model error is rethrown carrying the op index in `failedOp`. */
function timeOps(setup: TraceSetup, f: FlatOps): number {
  const p = modelPageAlloc(setup);
  const pages = new Pages(p);
  const n = f.kind.length;
  // Address and size of what each alloc/cacheAlloc returned; address 0 once freed by freeRef.
  const addr = new Float64Array(n);
  const size = new Float64Array(n);
  const caches: PageCache[] = [];
  const { kind, a, b } = f;
  let i = 0;
  const t0 = process.hrtime.bigint();
  try {
    for (; i < n; i++) {
      switch (kind[i]) {
        case ALLOC:
          addr[i] = p.alloc(a[i]!)[0];
          size[i] = a[i]!;
          break;
        case FREE:
          p.free(pages.addr(a[i]!), b[i]!);
          break;
        case FREE_REF: {
          const r = a[i]!;
          if (addr[r] !== 0) {
            p.free(addr[r]!, size[r]!);
            addr[r] = 0;
          }
          break;
        }
        case ALLOC_TO_CACHE:
          caches.push(p.allocToCache());
          break;
        case CACHE_ALLOC:
          addr[i] = caches[a[i]!]!.alloc(b[i]!)[0];
          size[i] = b[i]!;
          break;
        case CACHE_FLUSH:
          caches[a[i]!]!.flush(p);
          break;
        case SCAVENGE:
          p.scavenge(a[i] === -1 ? Infinity : a[i]! * pages.pageSize, true);
          break;
        case IN_USE:
          void p.inUse.ranges.slice(); // Go's InUse hook copies the ranges
          break;
      }
    }
  } catch (e) {
    throw Object.assign(e as object, { failedOp: i });
  }
  return Number(process.hrtime.bigint() - t0);
}

/** Times every trace in src; stops like runTraceText on a malformed trace or a model error. */
export function timeTraceText(src: string): { traces: TimedTrace[]; run: TraceRun } {
  const traces: TimedTrace[] = [];
  const stream = jsonStream(src);
  for (let k = 0; ; k++) {
    let v: JSpan;
    try {
      const next = stream.next();
      if (next.done === true) return { traces, run: { status: TRACE_OK, stderr: '' } };
      v = next.value;
    } catch (e) {
      if (e instanceof JsonSyntaxError) return { traces, run: { status: TRACE_MALFORMED, stderr: `trace ${k}: invalid JSON: ${e.message}\n` } };
      throw e;
    }
    let setup: TraceSetup;
    let flat: FlatOps;
    try {
      setup = readSetup(v);
      flat = flatten(setup);
    } catch (e) {
      if (e instanceof TraceError) return { traces, run: { status: e.status, stderr: `trace ${k}: ${e.message}\n` } };
      throw e;
    }
    try {
      traces.push({ trace: k, timedOps: flat.kind.length, ns: timeOps(setup, flat) });
    } catch (e) {
      const r = stopOnError(k, (e as { failedOp?: number }).failedOp ?? -1, e);
      if (r === undefined) throw e;
      return { traces, run: r };
    }
  }
}

/** Times a trace file on the model (what the benchmark calls); throws on a bad file or a failed run. */
export function timeTrace(file: string): TimedTrace[] {
  const { traces, run } = timeTraceText(readFileSync(file, 'utf8'));
  if (run.status !== TRACE_OK) throw new Error(`mheap-spec trace --time ${file}: exit status ${run.status}: ${run.stderr.trim()}`);
  return traces;
}
