// The real-Go replayer against values verified on the real go1.19 runtime
// (shared/reference/go-runtime-notes.md §2.3) and the trace-format conventions
// pinned in conformance/realgo/README.md.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReplayer, EXIT_MALFORMED, EXIT_UNSUPPORTED, findGo, runReplayer, type ReplayerResult } from './gorunner.js';
import { goldenTraces } from '../golden.js';

type Line = Record<string, unknown>;

const go = findGo();

if (go === undefined) {
  it.skip('Go not installed: real-runtime conformance skipped', () => {});
} else describe('real go1.19 page allocator through runtime/export_test.go', () => {
  let bin = '';
  let dir = '';
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mheapspec-realgo-'));
    bin = await buildReplayer(); // a cold build takes ~15-20 s on 2 cores
  }, 300_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** Replays one trace object, or several (concatenated in one file). */
  async function replay(...traces: unknown[]): Promise<ReplayerResult & { lines: Line[] }> {
    const file = path.join(dir, `t${n++}.json`);
    writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n'));
    const r = await runReplayer(bin, file);
    const lines = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);
    return { ...r, lines };
  }

  /** The op lines (header dropped) of a run that must succeed. */
  async function ops(trace: unknown): Promise<Line[]> {
    const r = await replay(trace);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.lines.slice(1);
  }

  it('is built once and reused', async () => {
    expect(await buildReplayer()).toBe(bin);
  });

  it('prints the header from the real runtime', async () => {
    const r = await replay({ chunks: [{ chunk: 0 }], ops: [] });
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(1);
    const line = r.lines[0]!;
    expect(Object.keys(line)).toEqual(['trace', 'header']);
    const h = line['header'] as Line;
    expect(Object.keys(h)).toEqual([
      'goVersion', 'pageSize', 'chunkPages', 'cachePages', 'physPageSize',
      'physHugePageSize', 'baseChunkIdx', 'baseAddr', 'pageAlloc64Bit',
    ]);
    expect(h['goVersion']).toMatch(/^go1\.19/);
    expect(h).toMatchObject({
      pageSize: 8192, chunkPages: 512, cachePages: 64, physPageSize: 4096,
      baseChunkIdx: 0x200c000, baseAddr: '0x0000003000000000', pageAlloc64Bit: 1,
    });
    expect(typeof h['physHugePageSize']).toBe('number');
  });

  it('Probe B: alloc, scavenge(all), alloc over scavenged pages, allocToCache (notes §2.3)', async () => {
    const lines = await ops({
      chunks: [{ chunk: 0 }],
      ops: [
        { op: 'alloc', npages: 3 },
        { op: 'scavenge', npages: -1 },
        { op: 'alloc', npages: 2 },
        { op: 'allocToCache' },
      ],
    });
    expect(lines).toEqual([
      { trace: 0, i: 0, op: 'alloc', page: 0, scav: 0 },
      { trace: 0, i: 1, op: 'scavenge', released: 509 },
      { trace: 0, i: 2, op: 'alloc', page: 3, scav: 2 },
      { trace: 0, i: 3, op: 'allocToCache', id: 0, base: 0, cache: '0xffffffffffffffe0', scav: '0xffffffffffffffe0' },
    ]);
    expect(Object.keys(lines[0]!)).toEqual(['trace', 'i', 'op', 'page', 'scav']);
    expect(Object.keys(lines[3]!)).toEqual(['trace', 'i', 'op', 'id', 'base', 'cache', 'scav']);
  });

  it('1.19 trap: PageAlloc.Free does not mark the scavenge index, so scavenge(all) releases 0', async () => {
    const lines = await ops({
      chunks: [{ chunk: 0, alloc: [[0, 512]] }],
      ops: [{ op: 'free', base: 100, npages: 8 }, { op: 'scavenge', npages: -1 }],
    });
    expect(lines).toEqual([
      { trace: 0, i: 0, op: 'free' },
      { trace: 0, i: 1, op: 'scavenge', released: 0 },
    ]);
  });

  it('scavenge with a limit releases whole pages, highest first', async () => {
    const lines = await ops({
      chunks: [{ chunk: 0, alloc: [[0, 500]] }],
      ops: [{ op: 'scavenge', npages: 3 }, { op: 'state' }],
    });
    expect(lines[0]).toEqual({ trace: 0, i: 0, op: 'scavenge', released: 3 });
    const st = lines[1]!['state'] as { chunks: { scav: string[] }[] };
    expect(st.chunks[0]!.scav[7]).toBe('0xe000000000000000'); // pages 509..511
  });

  it('inUse: two chunks with a gap are two ranges; adjacent chunks coalesce', async () => {
    expect(await ops({ chunks: [{ chunk: 2 }, { chunk: 0 }], ops: [{ op: 'inUse' }] })).toEqual([
      { trace: 0, i: 0, op: 'inUse', ranges: [[0, 512], [1024, 1536]] },
    ]);
    expect(await ops({ chunks: [{ chunk: 0 }, { chunk: 1 }, { chunk: 4 }], ops: [{ op: 'inUse' }] })).toEqual([
      { trace: 0, i: 0, op: 'inUse', ranges: [[0, 1024], [2048, 2560]] },
    ]);
  });

  for (const g of goldenTraces) it(g.name, async () => expect(await ops(g.trace)).toEqual(g.want));

  it('state: the keys come in the trace format\'s order', async () => {
    const [line] = await ops(goldenTraces[2]!.trace);
    expect(Object.keys(line!['state'] as Line)).toEqual(['bounds', 'chunks']);
    expect(Object.keys((line!['state'] as { chunks: Line[] }).chunks[0]!)).toEqual(['chunk', 'alloc', 'scav', 'sum']);
  });

  it('dumpState: every op line carries the state after the op, last', async () => {
    const lines = await ops({
      chunks: [{ chunk: 0 }],
      dumpState: true,
      ops: [{ op: 'alloc', npages: 65 }, { op: 'inUse' }, { op: 'state' }, { op: 'freeRef', ref: 0 }],
    });
    expect(lines.map((l) => Object.keys(l).at(-1))).toEqual(['state', 'state', 'state', 'state']);
    const allocWords = (l: Line) => (l['state'] as { chunks: { alloc: string[] }[] }).chunks[0]!.alloc;
    expect(allocWords(lines[0]!).slice(0, 2)).toEqual(['0xffffffffffffffff', '0x0000000000000001']);
    expect(lines[2]).toEqual({ trace: 0, i: 2, op: 'state', state: lines[1]!['state'] });
    expect(allocWords(lines[3]!)[0]).toBe('0x0000000000000000');
    expect((lines[3]!['state'] as { chunks: { sum: number[] }[] }).chunks[0]!.sum).toEqual([512, 512, 512]);
  });

  it('concatenated traces each start a fresh allocator', async () => {
    const t = { chunks: [{ chunk: 0 }], ops: [{ op: 'alloc', npages: 1 }] };
    const r = await replay(t, t);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => [l['trace'], l['page']])).toEqual([[0, undefined], [0, 0], [1, undefined], [1, 0]]);
  });

  describe('malformed traces: exit 1, one stderr line naming the op, earlier lines kept', () => {
    const chunks = [{ chunk: 0 }, { chunk: 2 }];
    const cases: [string, unknown[], RegExp][] = [
      ['unknown op', [{ op: 'grow' }], /unknown op/],
      ['unknown field', [{ op: 'alloc', npages: 1, ref: 0 }], /unknown field "ref"/],
      ['npages < 1', [{ op: 'alloc', npages: 0 }], /npages 0 < 1/],
      ['missing npages', [{ op: 'cacheAlloc', id: 0 }], /missing field "npages"/],
      ['non-integer npages', [{ op: 'alloc', npages: 1.5 }], /integer/],
      ['scavenge npages 0', [{ op: 'scavenge', npages: 0 }], /npages 0/],
      ['ref to a later op', [{ op: 'freeRef', ref: 3 }], /not an earlier alloc/],
      ['ref to a non-alloc op', [{ op: 'freeRef', ref: 2 }], /not an earlier alloc/],
      ['unknown cache id', [{ op: 'cacheFlush', id: 1 }], /unknown cache id 1/],
      ['free in the gap between grown chunks', [{ op: 'free', base: 600, npages: 1 }], /free outside grown chunks/],
      ['free running past a grown chunk', [{ op: 'free', base: 1500, npages: 100 }], /free outside grown chunks/],
      ['free below page 0', [{ op: 'free', base: -1, npages: 1 }], /free outside grown chunks/],
    ];
    it.each(cases)('%s', async (_name, bad, message) => {
      const prefix = [{ op: 'alloc', npages: 1 }, { op: 'allocToCache' }, { op: 'inUse' }];
      const r = await replay({ chunks, ops: [...prefix, ...bad] });
      expect(r.code).toBe(EXIT_MALFORMED);
      const err = r.stderr.split('\n').filter((l) => l !== '');
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^trace 0: op 3: /);
      expect(err[0]).toMatch(message);
      expect(r.lines.map((l) => l['op'] ?? 'header')).toEqual(['header', 'alloc', 'allocToCache', 'inUse']);
    });

    const setup: [string, unknown, RegExp][] = [
      ['a range outside its chunk', { chunks: [{ chunk: 0, alloc: [[500, 13]] }] }, /chunks\[0\]\.alloc\[0\].*outside its chunk/],
      ['a duplicate chunk', { chunks: [{ chunk: 1 }, { chunk: 1 }] }, /duplicate chunk 1/],
      ['a negative chunk', { chunks: [{ chunk: -1 }] }, /address space/],
      ['a chunk past the 48-bit address space', { chunks: [{ chunk: 2 ** 26 - 0x200c000 }] }, /address space/],
      ['an unknown chunk field', { chunks: [{ chunk: 0, scavenged: [] }] }, /unknown field "scavenged"/],
      ['an unknown top-level field', { chunks: [{ chunk: 0 }], ops: [], seed: 1 }, /unknown field "seed"/],
      ['no chunks', { chunks: [], ops: [] }, /at least one chunk/],
    ];
    it.each(setup)('%s: no line for that trace, earlier traces kept', async (_name, bad, message) => {
      const r = await replay({ chunks: [{ chunk: 0 }], ops: [{ op: 'alloc', npages: 1 }] }, bad);
      expect(r.code).toBe(EXIT_MALFORMED);
      const err = r.stderr.split('\n').filter((l) => l !== '');
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^trace 1: /);
      expect(err[0]).toMatch(message);
      expect(r.lines.map((l) => l['trace'])).toEqual([0, 0]);
    });
  });

  it('refuses scavenge where go1.19 NewPageAlloc makes it depend on map order (exit 3)', async () => {
    // Chunks 16383 and 16384 sit in different 4 KiB pages of the 1.19 scavenge-index bitmap.
    const r = await replay({
      chunks: [{ chunk: 0, alloc: [[0, 512]] }, { chunk: 16383 }, { chunk: 16384, alloc: [[0, 500]] }],
      ops: [{ op: 'alloc', npages: 1 }, { op: 'scavenge', npages: -1 }],
    });
    expect(r.code).toBe(EXIT_UNSUPPORTED);
    expect(r.stderr).toMatch(/^trace 0: op 1: unsupported by go1\.19[^\n]*\n$/);
    expect(r.lines.map((l) => l['op'] ?? 'header')).toEqual(['header', 'alloc']);
  });
});
