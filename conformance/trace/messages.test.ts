// The model's `mheap-spec trace` and the real-Go replayer reject malformed
// traces with the same stderr line, byte for byte (skipped without Go).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReplayer, findGo, runReplayer } from '../realgo/gorunner.js';
import { runTraceText } from './run.js';

const ok = '{"chunks":[{"chunk":0},{"chunk":2}],"ops":[{"op":"alloc","npages":1},{"op":"allocToCache"}]}\n';
const withOp = (op: string) => `{"chunks":[{"chunk":0},{"chunk":2}],"ops":[{"op":"alloc","npages":1},{"op":"allocToCache"},${op}]}`;

/** Malformed inputs after one good trace; each must give the same stderr line and exit 1 on both sides. */
const cases: string[] = [
  withOp('{"op":"grow"}'),
  withOp('{"op":"alloc","npages":1,"zz":0,"ref":0}'),
  withOp('{"op":"alloc","npages":0}'),
  withOp('{"op":"alloc","npages":34359738369}'),
  withOp('{"op":"alloc","npages":1.0}'),
  withOp('{"op":"alloc","npages":-0}'),
  withOp('{"op":"alloc","npages":"3"}'),
  withOp('{"op":"alloc","npages":{ "a": [1, 2] }}'),
  withOp('{"op":"alloc","npages":99999999999999999999}'),
  withOp('{"op":"cacheAlloc","id":0}'),
  withOp('{"op":"cacheAlloc","npages":1,"id":1}'),
  withOp('{"op":"free","npages":1}'),
  withOp('{"op":"free","base":600,"npages":1}'),
  withOp('{"op":"free","base":1500,"npages":100}'),
  withOp('{"op":"freeRef","ref":1}'),
  withOp('{"op":"freeRef","ref":-5}'),
  withOp('{"op":"scavenge","npages":-2}'),
  withOp('{"op":true}'),
  withOp('[]'),
  withOp('{"op":"inUse","note":1,"expect":{},"\\u00e9t\\u00e9":1}'),
  '{"chunks":[{"chunk":0,"alloc":[[500,13]]}]}',
  '{"chunks":[{"chunk":0,"scav":[[4611686018427387904,4611686018427387904]]}]}',
  '{"chunks":[{"chunk":0,"alloc":[[1,2,3]]}]}',
  '{"chunks":[{"chunk":0,"alloc":{}}]}',
  '{"chunks":[{"chunk":1},{"chunk":1}]}',
  '{"chunks":[{"chunk":33505280}]}',
  '{"chunks":[{"alloc":[]}]}',
  '{"chunks":[{"chunk":0,"x":1}]}',
  '{"chunks":[3]}',
  '{"chunks":[]}',
  '{"ops":[]}',
  '{"chunks":[{"chunk":0}],"dumpState":"yes"}',
  '{"chunks":[{"chunk":0}],"ops":{}}',
  '{"chunks":[{"chunk":0}],"b":1,"a":2}',
  '"trace"',
];

const go = findGo();

if (go === undefined) {
  it.skip('Go not installed: malformed-trace messages not compared with the real-Go replayer', () => {});
} else {
  describe('malformed traces: the same stderr line and exit status as the real-Go replayer', () => {
    let bin = '';
    const dir = mkdtempSync(path.join(tmpdir(), 'mheapspec-messages-'));
    beforeAll(async () => {
      bin = await buildReplayer();
    }, 300_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(cases.map((c, j) => [j, c] as const))('case %i: %s', async (j, bad) => {
      const text = ok + bad + '\n';
      const file = path.join(dir, `m${j}.json`);
      writeFileSync(file, text);
      const real = await runReplayer(bin, file);
      const lines: string[] = [];
      const model = runTraceText(text, (l) => lines.push(l));
      expect(real.code).toBe(1);
      expect(model.status).toBe(1);
      expect(model.stderr).toBe(real.stderr);
      expect(lines.length).toBe(real.stdout.split('\n').filter((l) => l !== '').length);
    });
  });
}
