// `mheap-spec trace` on the model, without Go: golden lines the real go1.19
// runtime printed for the same traces (go-runtime-notes §2.3 Probe B, and the
// values conformance/realgo/realgo.test.ts checks on the real runtime), the
// malformed-trace rules of conformance/realgo/README.md, the model's refusal
// (exit 4) and the timing mode.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { mutantModule } from '../../testing/mutantBuild.js';
import { goldenTraces } from '../golden.js';

type Line = Record<string, unknown>;

const dir = mkdtempSync(path.join(tmpdir(), 'mheapspec-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Runs `mheap-spec trace [flags] FILE` on a file holding text. */
function traceText(text: string, ...flags: string[]): { code: number; stdout: string; stderr: string; lines: Line[] } {
  return traceTextWith(main, text, ...flags);
}

/** The same, with the CLI of another build (a named mutant's). */
function traceTextWith(cliMain: typeof main, text: string, ...flags: string[]): { code: number; stdout: string; stderr: string; lines: Line[] } {
  const file = path.join(dir, `t${n++}.json`);
  writeFileSync(file, text);
  const io = memoryIo();
  const code = cliMain(['trace', ...flags, file], io);
  const lines = io.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
  return { code, stdout: io.stdout, stderr: io.stderr, lines };
}

const trace = (...traces: unknown[]) => traceText(traces.map((t) => JSON.stringify(t)).join('\n'));

/** The op lines of a run that must succeed. */
function ops(t: unknown): Line[] {
  const r = trace(t);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.lines.slice(1);
}

describe('golden: what the real go1.19 runtime printed for the same traces', () => {
  for (const g of goldenTraces) it(g.name, () => expect(ops(g.trace)).toEqual(g.want));

  it('Probe B (go-runtime-notes §2.3): alloc, scavenge(all), alloc over scavenged pages, allocToCache; exact bytes', () => {
    const r = trace({ chunks: [{ chunk: 0 }], ops: [{ op: 'alloc', npages: 3 }, { op: 'scavenge', npages: -1 }, { op: 'alloc', npages: 2 }, { op: 'allocToCache' }] });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '{"trace":0,"header":{"goVersion":"go1.21 (mheap-spec model)","pageSize":8192,"chunkPages":512,"cachePages":64,"physPageSize":4096,"physHugePageSize":2097152,"baseChunkIdx":33603584,"baseAddr":"0x0000003000000000","pageAlloc64Bit":1}}',
        '{"trace":0,"i":0,"op":"alloc","page":0,"scav":0}',
        '{"trace":0,"i":1,"op":"scavenge","released":509}',
        '{"trace":0,"i":2,"op":"alloc","page":3,"scav":2}',
        '{"trace":0,"i":3,"op":"allocToCache","id":0,"base":0,"cache":"0xffffffffffffffe0","scav":"0xffffffffffffffe0"}',
        '',
      ].join('\n'),
    );
  });

  it('scavenge with a limit releases whole pages, highest first', () => {
    const lines = ops({ chunks: [{ chunk: 0, alloc: [[0, 500]] }], ops: [{ op: 'scavenge', npages: 3 }, { op: 'state' }] });
    expect(lines[0]).toEqual({ trace: 0, i: 0, op: 'scavenge', released: 3 });
    expect((lines[1]!['state'] as { chunks: { scav: string[] }[] }).chunks[0]!.scav[7]).toBe('0xe000000000000000');
  });

  it('dumpState puts the state last on every line; concatenated traces start afresh', () => {
    const lines = ops({ chunks: [{ chunk: 0 }], dumpState: true, ops: [{ op: 'alloc', npages: 65 }, { op: 'inUse' }, { op: 'state' }] });
    expect(lines.map((l) => Object.keys(l).at(-1))).toEqual(['state', 'state', 'state']);
    expect(lines[2]).toEqual({ trace: 0, i: 2, op: 'state', state: lines[1]!['state'] });
    const t = { chunks: [{ chunk: 0 }], ops: [{ op: 'alloc', npages: 1 }] };
    expect(trace(t, t).lines.map((l) => [l['trace'], l['page']])).toEqual([[0, undefined], [0, 0], [1, undefined], [1, 0]]);
  });
});

describe('malformed traces: exit 1, one stderr line naming the op, earlier lines kept', () => {
  const chunks = [{ chunk: 0 }, { chunk: 2 }];
  const prefix = [{ op: 'alloc', npages: 1 }, { op: 'allocToCache' }, { op: 'inUse' }];
  const cases: [string, unknown, RegExp][] = [
    ['unknown op', { op: 'grow' }, /unknown op "grow"/],
    ['op not a string', { op: 3 }, /missing or non-string field "op"/],
    ['op not an object', [1], /op is not a JSON object/],
    ['unknown field', { op: 'alloc', npages: 1, ref: 0 }, /unknown field "ref"/],
    ['npages < 1', { op: 'alloc', npages: 0 }, /npages 0 < 1/],
    ['npages past the address space', { op: 'alloc', npages: 2 ** 35 + 1 }, /npages 34359738369 > 34359738368/],
    ['missing npages', { op: 'cacheAlloc', id: 0 }, /missing field "npages"/],
    ['non-integer npages', { op: 'alloc', npages: 1.5 }, /npages must be an integer, got 1.5/],
    ['string npages', { op: 'alloc', npages: '3' }, /npages must be an integer, got "3"/],
    ['scavenge npages 0', { op: 'scavenge', npages: 0 }, /npages 0 < 1 \(and not -1\)/],
    ['ref to a later op', { op: 'freeRef', ref: 3 }, /ref 3 is not an earlier alloc/],
    ['ref to a non-alloc op', { op: 'freeRef', ref: 2 }, /ref 2 is not an earlier alloc/],
    ['unknown cache id', { op: 'cacheFlush', id: 1 }, /unknown cache id 1/],
    ['free in the gap between grown chunks', { op: 'free', base: 600, npages: 1 }, /free outside grown chunks/],
    ['free running past a grown chunk', { op: 'free', base: 1500, npages: 100 }, /free outside grown chunks/],
    ['free below page 0', { op: 'free', base: -1, npages: 1 }, /free outside grown chunks/],
  ];
  it.each(cases)('%s', (_name, bad, message) => {
    const r = trace({ chunks, ops: [...prefix, bad] });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(r.stderr).toMatch(/^trace 0: op 3: /);
    expect(r.stderr).toMatch(message);
    expect(r.lines.map((l) => l['op'] ?? 'header')).toEqual(['header', 'alloc', 'allocToCache', 'inUse']);
  });

  it('integers are checked on their raw text: 1.0, 1e3 and int64 overflow are errors', () => {
    for (const [raw, message] of [['1.0', /got 1\.0/], ['1e3', /got 1e3/], ['9223372036854775808', /npages out of range: 9223372036854775808/]] as const) {
      const r = traceText(`{"chunks":[{"chunk":0}],"ops":[{"op":"alloc","npages":1},{"op":"alloc","npages":${raw}}]}`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^trace 0: op 1: /);
      expect(r.stderr).toMatch(message);
    }
  });

  const setup: [string, string, RegExp][] = [
    ['a range outside its chunk', JSON.stringify({ chunks: [{ chunk: 0, alloc: [[500, 13]] }] }), /^trace 1: chunks\[0\]\.alloc\[0\]: range \[500, \+13\) outside its chunk/],
    ['a duplicate chunk', JSON.stringify({ chunks: [{ chunk: 1 }, { chunk: 1 }] }), /duplicate chunk 1/],
    ['a negative chunk', JSON.stringify({ chunks: [{ chunk: -1 }] }), /outside the 48-bit address space/],
    ['a chunk past the 48-bit address space', JSON.stringify({ chunks: [{ chunk: 2 ** 26 - 0x200c000 }] }), /address space \(0 <= chunk < 33505280\)/],
    ['an unknown chunk field', JSON.stringify({ chunks: [{ chunk: 0, scavenged: [] }] }), /chunks\[0\]: unknown field "scavenged"/],
    ['an unknown top-level field', JSON.stringify({ chunks: [{ chunk: 0 }], seed: 1 }), /^trace 1: unknown field "seed"/],
    ['no chunks', JSON.stringify({ chunks: [] }), /at least one chunk/],
    ['missing chunks', JSON.stringify({ ops: [] }), /missing field "chunks"/],
    ['dumpState not a boolean', JSON.stringify({ chunks: [{ chunk: 0 }], dumpState: 1 }), /dumpState must be true or false/],
    ['ops not an array', JSON.stringify({ chunks: [{ chunk: 0 }], ops: {} }), /ops is not a JSON array/],
    ['not an object', '[1, 2]', /^trace 1: trace is not a JSON object/],
    ['invalid JSON', '{"chunks": [}', /^trace 1: invalid JSON/],
    ['truncated JSON', '{"chunks": [', /^trace 1: invalid JSON/],
  ];
  it.each(setup)('%s: no line for that trace, earlier traces kept', (_name, bad, message) => {
    const r = traceText(JSON.stringify({ chunks: [{ chunk: 0 }], ops: [{ op: 'alloc', npages: 1 }] }) + '\n' + bad);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.lines.map((l) => l['trace'])).toEqual([0, 0]);
  });

  it('an empty file prints nothing; a missing file is exit 1; no FILE is a usage error', () => {
    expect(traceText('  \n')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const io = memoryIo();
    expect(main(['trace', path.join(dir, 'nonexistent.json')], io)).toBe(1);
    expect(io.stderr).toMatch(/^cannot read trace file: /);
    expect(main(['trace'], memoryIo())).toBe(2);
  });
});

describe('ops Go accepts unchecked but the model refuses, and model throws', () => {
  it('freeing pages that are not allocated: exit 4, one stderr line naming the op, earlier lines kept', () => {
    const r = trace({ chunks: [{ chunk: 0 }], ops: [{ op: 'alloc', npages: 2 }, { op: 'free', base: 3, npages: 2 }] });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^trace 0: op 1: refused by the model \(a precondition Go does not check\): pageAlloc\.free: 2 of the 2 pages .* are not allocated\n$/);
    expect(r.lines.map((l) => l['op'] ?? 'header')).toEqual(['header', 'alloc']);
  });

  it('a Go throw in the model (the named mutant freeKeepsSearchAddr) exits 2 and keeps earlier lines', async () => {
    const broken = await mutantModule<typeof import('../../cli/main.js')>('freeKeepsSearchAddr', 'cli/main.js');
    // searchAddr is not lowered by the free, so allocToCache's fast path misses the freed pages below it.
    const ops = [{ op: 'alloc', npages: 389 }, { op: 'alloc', npages: 59 }, { op: 'allocToCache' }, { op: 'freeRef', ref: 1 }, { op: 'allocToCache' }];
    const r = traceTextWith(broken.main, JSON.stringify({ chunks: [{ chunk: 0 }], ops }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fatal error: /m);
    expect(r.stderr).toMatch(/^fatal error: bad summary data$/m);
    expect(r.stderr).toMatch(/trace 0: op 4: thrown at runtime\/mpagecache.go/);
    expect(r.lines.map((l) => l['op'] ?? 'header')).toEqual(['header', 'alloc', 'alloc', 'allocToCache', 'freeRef']);
  });
});

describe('--time: one line per trace, only the op loop timed', () => {
  it('prints {"trace","timedOps","ns"} per trace', () => {
    const t = { chunks: [{ chunk: 0 }, { chunk: 1 }], ops: [{ op: 'alloc', npages: 3 }, { op: 'freeRef', ref: 0 }, { op: 'allocToCache' }, { op: 'cacheAlloc', id: 0, npages: 1 }, { op: 'cacheFlush', id: 0 }, { op: 'free', base: 600, npages: 0 + 1 }, { op: 'scavenge', npages: -1 }, { op: 'inUse' }] };
    const r = traceText(JSON.stringify({ ...t, ops: t.ops.slice(0, 5) }) + JSON.stringify(t), '--time');
    expect(r.code).toBe(4); // the plain free of an unallocated page is refused in timing mode too
    expect(r.lines).toHaveLength(1);
    expect(Object.keys(r.lines[0]!)).toEqual(['trace', 'timedOps', 'ns']);
    expect(r.lines[0]).toMatchObject({ trace: 0, timedOps: 5 });
    expect(r.stderr).toMatch(/^trace 1: op 5: refused by the model/);
  });

  it('state cannot be timed', () => {
    const r = traceText(JSON.stringify({ chunks: [{ chunk: 0 }], ops: [{ op: 'alloc', npages: 1 }, { op: 'state' }] }), '--time');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('trace 0: op 1: op "state" cannot be timed\n');
  });
});
