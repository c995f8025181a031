// The go1.21+ index ops on the model, without Go: for the traces in
// conformance/realgo/testdata the model prints the lines the real go1.26.8
// runtime printed (committed beside them; realgo121.test.ts checks the real
// runtime still prints them), a chunk's flags compared on scavChunkHasFree
// only (version catalog: scavChunkNoHugePageRemoved). The new ops follow the
// trace format's input rules.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TRACE_MALFORMED, TRACE_OK } from './fields.js';
import { runTraceText } from './run.js';
import { timeTraceText } from './time.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'realgo', 'testdata');

function model(text: string): { status: number; stderr: string; lines: string[] } {
  const lines: string[] = [];
  const r = runTraceText(text, (l) => lines.push(l));
  return { ...r, lines };
}

const hasFreeOnly = (l: string): string => l.replace(/"flags":(\d+)/g, (_m, f: string) => `"flags":${Number(f) & 1}`);

describe('the model against the lines go1.26.8 printed', () => {
  for (const name of ['index-ops', 'orphaned-pages']) {
    it(`${name}.json: every op line as go1.26.8 printed it (${name}.go1.26.8.jsonl)`, () => {
      const r = model(readFileSync(path.join(testdata, `${name}.json`), 'utf8'));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(TRACE_OK);
      const go = readFileSync(path.join(testdata, `${name}.go1.26.8.jsonl`), 'utf8').trimEnd().split('\n');
      expect(JSON.parse(go[0]!)).toMatchObject({ header: { goVersion: 'go1.26.8' } });
      expect(r.lines.slice(1).map(hasFreeOnly)).toEqual(go.slice(1).map(hasFreeOnly));
    });
  }

  it('orphaned-pages: after the background scavenge marks chunk 0 empty, a forced scavenge releases nothing though page 64 is free and unscavenged', () => {
    const r = model(readFileSync(path.join(testdata, 'orphaned-pages.json'), 'utf8'));
    const l = r.lines.map((x) => JSON.parse(x) as Record<string, unknown>);
    expect(l[10]).toMatchObject({ op: 'scavengeBg', released: 0 });
    expect(l[12]).toMatchObject({ op: 'scavenge', released: 0 });
    const c = ((l[13]!['state'] as Record<string, unknown>)['chunks'] as Record<string, string[]>[])[0]!;
    expect(BigInt(c['alloc']![1]!) & 1n).toBe(0n);
    expect(BigInt(c['scav']![1]!) & 1n).toBe(0n);
  });
});

describe('the index ops follow the input rules', () => {
  const one = (op: unknown) => model(JSON.stringify({ chunks: [{ chunk: 0 }], ops: [op] }));
  it('scavengeBg takes npages >= 1 or -1, as scavenge does', () => {
    expect(one({ op: 'scavengeBg', npages: -1 }).status).toBe(TRACE_OK);
    const r = one({ op: 'scavengeBg', npages: 0 });
    expect(r.status).toBe(TRACE_MALFORMED);
    expect(r.stderr).toBe('trace 0: op 0: npages 0 < 1 (and not -1)\n');
    expect(one({ op: 'scavengeBg' }).stderr).toBe('trace 0: op 0: missing field "npages"\n');
  });
  it('nextGen and index take no fields', () => {
    expect(one({ op: 'nextGen', npages: 1 }).stderr).toBe('trace 0: op 0: unknown field "npages"\n');
    expect(one({ op: 'index', id: 0 }).stderr).toBe('trace 0: op 0: unknown field "id"\n');
  });
  it('cannot be timed', () => {
    for (const op of ['scavengeBg', 'nextGen', 'index']) {
      const t = timeTraceText(JSON.stringify({ chunks: [{ chunk: 0 }], ops: [{ op, ...(op === 'scavengeBg' ? { npages: 1 } : {}) }] }));
      expect(t.run).toEqual({ status: TRACE_MALFORMED, stderr: `trace 0: op 0: op "${op}" cannot be timed\n` });
    }
  });
});
