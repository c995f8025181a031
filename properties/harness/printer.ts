// Counterexamples as short Go-like programs, results as trailing comments,
// then the failed rule with its Go citation and one replay line.

import type { FailureInfo, TraceLine } from './runner.js';

const commentColumn = 44;

function line(go: string, comment: string): string {
  if (comment === '') return go;
  return `${go.padEnd(Math.max(commentColumn, go.length + 2))}// ${comment}`;
}

/** The program: prelude, one line per executed step. */
export function formatProgram(prelude: readonly string[], trace: readonly TraceLine[]): string[] {
  const out: string[] = [];
  for (const p of prelude) {
    const [go, comment] = p.split('\t// ');
    out.push(line(go ?? p, comment ?? ''));
  }
  for (const t of trace) out.push(line(t.go, t.comment));
  return out;
}

/** The FAIL line and its explanation. */
export function formatFailure(f: FailureInfo): string[] {
  const out = [`FAIL ${f.id}   ${f.where}`];
  if (f.why !== '') out.push(`     ${f.why}`);
  if (f.alsoViolated !== undefined && f.alsoViolated.length > 0) out.push(`     also false at this step: ${f.alsoViolated.join(', ')}`);
  return out;
}

/** The whole counterexample, as printed and saved in the .txt file. */
export function formatCounterexample(prelude: readonly string[], trace: readonly TraceLine[], f: FailureInfo, replayPath?: string): string {
  const out = [...formatProgram(prelude, trace), ...formatFailure(f)];
  if (replayPath !== undefined) out.push(`replay: npx mheap-spec replay ${replayPath}`);
  return out.join('\n') + '\n';
}

/** Per-step changes of named figures, for replay: "free 1021→1018, searchAddr 0x…→0x…". */
export function formatChanges(before: Record<string, string | number> | undefined, after: Record<string, string | number> | undefined): string {
  if (before === undefined || after === undefined) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    const b = before[k];
    if (b !== v) parts.push(`${k} ${String(b ?? '-')}→${String(v)}`);
  }
  return parts.join(', ');
}
