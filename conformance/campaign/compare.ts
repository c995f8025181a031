// Comparing the model's lines for one trace with the real runtime's: line by
// line, field by field (keys, their order and values), the header without
// goVersion, then the exit statuses. Lines that are byte-equal need no
// parsing; others are parsed, masked where the scavenge policy says the
// versions may differ, and walked to the first differing field.

import { TRACE_MODEL_REFUSED, TRACE_OK, TRACE_UNSUPPORTED } from '../trace/fields.js';
import type { ScavengePolicy } from './scavenge_policy.js';
import { maskScavenged } from './scavenge_policy.js';

/** One side's output for one trace. */
export interface SideRun {
  readonly lines: readonly string[];
  readonly status: number;
  readonly stderr: string;
}

/** The first difference found. */
export interface Divergence {
  /** The op whose line differs, or the header, or the exit status. */
  readonly at: number | 'header' | 'exit';
  readonly op?: string;
  /** The differing field, e.g. `state.chunks[1].alloc[3]`; '' for a whole line. */
  readonly path: string;
  readonly model: unknown;
  readonly go: unknown;
}

export interface Comparison {
  readonly divergence: Divergence | undefined;
  /** Op lines compared (both sides printed them). */
  readonly opLines: number;
  /** Op lines that matched only once scavenged-bit fields were masked. */
  readonly maskedLines: number;
  /** Indices of the scavenge ops whose lines were compared exactly. */
  readonly scavengeCompared: readonly number[];
  /** Scavenge ops after a free/freeRef/cacheFlush (masked). */
  readonly scavengeAfterFree: number;
  /** Scavenge ops go1.19 refused to answer (exit 3) and the ops after them. */
  readonly unsupportedOps: number;
}

type Json = unknown;

/** The first path where a and b differ (key order included), or undefined. */
export function firstDifference(a: Json, b: Json, path = ''): [string, Json, Json] | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return [path, a, b];
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) return [`${path}[${i}]`, a[i], b[i]];
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const key = ka[i] ?? kb[i]!;
    const sub = path === '' ? key : `${path}.${key}`;
    if (ka[i] !== kb[i]) return [`${sub} (field order: model has ${JSON.stringify(ka[i])}, Go ${JSON.stringify(kb[i])})`, a, b];
    const d = firstDifference((a as Record<string, Json>)[key], (b as Record<string, Json>)[key], sub);
    if (d !== undefined) return d;
  }
  return undefined;
}

function parse(line: string): Record<string, Json> {
  return JSON.parse(line) as Record<string, Json>;
}

export function compareRuns(ops: readonly { readonly op: string | number }[], policy: ScavengePolicy, model: SideRun, go: SideRun): Comparison {
  let opLines = 0;
  let maskedLines = 0;
  const found = (divergence: Divergence): Comparison => ({ divergence, opLines, maskedLines, ...scavengeCounts(policy, ops.length) });
  // The header: everything but goVersion.
  const [mh, gh] = [model.lines[0], go.lines[0]];
  if (mh !== undefined && gh !== undefined) {
    const [m, g] = [parse(mh), parse(gh)];
    delete (m['header'] as Record<string, Json>)['goVersion'];
    delete (g['header'] as Record<string, Json>)['goVersion'];
    const d = firstDifference(m, g);
    if (d !== undefined) return found({ at: 'header', path: d[0], model: d[1], go: d[2] });
  }
  for (let i = 0; i < ops.length; i++) {
    const [ml, gl] = [model.lines[i + 1], go.lines[i + 1]];
    if (ml === undefined && gl === undefined) break;
    if (gl === undefined && go.status === TRACE_UNSUPPORTED) {
      return { divergence: undefined, opLines, maskedLines, ...scavengeCounts(policy, i), unsupportedOps: ops.length - i };
    }
    const op = String(ops[i]!.op);
    if (ml === undefined || gl === undefined) {
      return found({ at: i, op, path: '', model: ml ?? `(no line: exit status ${model.status}) ${model.stderr.trim()}`, go: gl ?? `(no line: exit status ${go.status}) ${go.stderr.trim()}` });
    }
    opLines++;
    if (ml === gl) continue;
    const [m, g] = [parse(ml), parse(gl)];
    if (i >= policy.maskFrom) {
      maskScavenged(m);
      maskScavenged(g);
    }
    const d = firstDifference(m, g);
    if (d !== undefined) return found({ at: i, op, path: d[0], model: d[1], go: d[2] });
    maskedLines++;
  }
  const goStatus = go.status === TRACE_UNSUPPORTED ? TRACE_OK : go.status;
  if (model.status !== goStatus) {
    const why = model.status === TRACE_MODEL_REFUSED ? 'the model refused an op Go accepts (the generator must not produce it)' : 'exit status';
    return found({ at: 'exit', path: why, model: `${model.status} ${model.stderr.trim()}`, go: `${go.status} ${go.stderr.trim()}` });
  }
  return { divergence: undefined, opLines, maskedLines, ...scavengeCounts(policy, ops.length) };
}

/** Scavenge counts over the ops before `end`. */
function scavengeCounts(policy: ScavengePolicy, end: number): Pick<Comparison, 'scavengeCompared' | 'scavengeAfterFree' | 'unsupportedOps'> {
  return {
    scavengeCompared: policy.compared.filter((i) => i < end),
    scavengeAfterFree: policy.afterFree.filter((i) => i < end).length,
    unsupportedOps: 0,
  };
}
