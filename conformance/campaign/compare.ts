// Comparing the model's lines for one trace with the real runtime's: line by
// line, field by field (keys, their order and values), the header without
// goVersion, then the exit statuses. Lines that are byte-equal need no
// parsing; others are parsed, brought to one form where the runtime's
// version policy names a version catalog entry for the difference, and
// walked to the first differing field.

import { TRACE_MODEL_REFUSED, TRACE_OK, TRACE_UNSUPPORTED } from '../trace/fields.js';
import type { ScavengePolicy } from './scavenge_policy.js';
import type { ComparePolicy } from './version_policy.js';

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
  /** Op lines that matched only once the version policy brought them to one form. */
  readonly maskedLines: number;
  /** Of those, per version catalog entry relied on. */
  readonly catalogLines: Readonly<Record<string, number>>;
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

/** The value at a firstDifference path (`a.b[2].c`) of a parsed line. */
function valueAt(v: Json, path: string): Json {
  for (const part of path.split(/\.|(?=\[)/)) {
    if (part === '' || v === null || typeof v !== 'object') continue;
    const m = /^\[(\d+)\]$/.exec(part);
    v = m !== null ? (v as Json[])[Number(m[1])] : (v as Record<string, Json>)[part];
  }
  return v;
}

function parse(line: string): Record<string, Json> {
  return JSON.parse(line) as Record<string, Json>;
}

export function compareRuns(ops: readonly { readonly op: string | number }[], policy: ComparePolicy, model: SideRun, go: SideRun): Comparison {
  let opLines = 0;
  let maskedLines = 0;
  const catalogLines: Record<string, number> = {};
  const found = (divergence: Divergence): Comparison => ({ divergence, opLines, maskedLines, catalogLines, ...scavengeCounts(policy.scav, ops.length) });
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
    if (gl === undefined && go.status === TRACE_UNSUPPORTED && policy.release === 'go1.19') {
      // scavengeIndexSysGrowMin: go1.19 answers this layout's scavenges at random.
      catalogLines['scavengeIndexSysGrowMin'] = (catalogLines['scavengeIndexSysGrowMin'] ?? 0) + 1;
      return { divergence: undefined, opLines, maskedLines, catalogLines, ...scavengeCounts(policy.scav, i), unsupportedOps: ops.length - i };
    }
    const op = String(ops[i]!.op);
    if (ml === undefined || gl === undefined) {
      return found({ at: i, op, path: '', model: ml ?? `(no line: exit status ${model.status}) ${model.stderr.trim()}`, go: gl ?? `(no line: exit status ${go.status}) ${go.stderr.trim()}` });
    }
    opLines++;
    if (ml === gl) continue;
    const [m, g] = [parse(ml), parse(gl)];
    const entries = policy.normalize(i, m, g);
    const d = firstDifference(m, g);
    if (d !== undefined) {
      // Report what each side printed there, not the form it was compared in.
      const [rm, rg] = [parse(ml), parse(gl)];
      return found({ at: i, op, path: d[0], model: entries.length === 0 ? d[1] : valueAt(rm, d[0]), go: entries.length === 0 ? d[2] : valueAt(rg, d[0]) });
    }
    if (entries.length === 0) return found({ at: i, op, path: '(the lines differ in bytes, not in JSON)', model: ml, go: gl });
    maskedLines++;
    for (const e of entries) catalogLines[e] = (catalogLines[e] ?? 0) + 1;
  }
  const goStatus = go.status === TRACE_UNSUPPORTED && policy.release === 'go1.19' ? TRACE_OK : go.status;
  if (model.status !== goStatus) {
    const why = model.status === TRACE_MODEL_REFUSED ? 'the model refused an op Go accepts (the generator must not produce it)' : 'exit status';
    return found({ at: 'exit', path: why, model: `${model.status} ${model.stderr.trim()}`, go: `${go.status} ${go.stderr.trim()}` });
  }
  return { divergence: undefined, opLines, maskedLines, catalogLines, ...scavengeCounts(policy.scav, ops.length) };
}

/** Scavenge counts over the ops before `end`. */
function scavengeCounts(policy: ScavengePolicy, end: number): Pick<Comparison, 'scavengeCompared' | 'scavengeAfterFree' | 'unsupportedOps'> {
  return {
    scavengeCompared: policy.compared.filter((i) => i < end),
    scavengeAfterFree: policy.afterFree.filter((i) => i < end).length,
    unsupportedOps: 0,
  };
}
