// The page-trace replay without Go: the file format and its one-line errors,
// decoding `go tool trace -d=parsed` lines and the AllocFree info batch,
// small traces whose outcome is known, a committed real program's trace
// (flate-encode: every allocation predicted, no rule failed), and the
// same trace on a deliberately wrong model (best fit), which must miss.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../cli/main.js';
import { memoryIo } from '../../cli/io.js';
import { mutantModule } from '../../testing/mutantBuild.js';
import { ParsedTraceDecoder } from './decode.js';
import { ExecTraceError, allocFreeInfo } from './exectrace.js';
import type { PageEvent, PageTrace } from './format.js';
import { PageTraceError, formatPageTrace, gzipPageTrace, parsePageTrace } from './format.js';
import { replayOk, replayPageTrace } from './replay.js';

const data = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');
const dir = mkdtempSync(path.join(tmpdir(), 'mheapspec-pagetrace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = {
  pagetrace: 1, program: 'test', name: 'test', goVersion: 'go1.26.8', goexperiment: 'norandomizedheapbase64', gomaxprocs: 1,
  minPageHeapAddr: '0x000000c000000000', pageSize: 8192, recorded: 'by hand',
};
const trace = (...events: PageEvent[]): PageTrace => ({ header, events });
/** Heap span kindclass: spanclass<<1. Class 5 scan (spanclass 10). */
const small = 10 << 1;

describe('the page-trace file', () => {
  it('round-trips, gzipped or not', () => {
    const t = trace({ t: 'span', id: 0, npages: 1, kc: small }, { t: 'gc', phase: 'mark' }, { t: 'alloc', id: 1, npages: 2, kc: 1, p: 0 }, { t: 'free', id: 0, p: -1 }, { t: 'gc', phase: 'off' });
    expect(parsePageTrace(Buffer.from(formatPageTrace(t)), 'f')).toEqual(t);
    expect(parsePageTrace(gzipPageTrace(t), 'f')).toEqual(t);
  });

  it('bad input is one line naming the file and line', () => {
    const bad = (text: string) => () => parsePageTrace(Buffer.from(text), 'x.pagetrace');
    const h = JSON.stringify(header);
    expect(bad('')).toThrow(new PageTraceError('x.pagetrace: empty: a page trace starts with its header line'));
    expect(bad('[1]\n')).toThrow(/^x\.pagetrace:1: the first line must be the header object$/);
    expect(bad(`${h}\n["alloc",1,0,2,0]\n`)).toThrow(/^x\.pagetrace:2: "alloc" wants \[id >= 0, npages >= 1/);
    expect(bad(`${h}\n["free",1]\n`)).toThrow(/^x\.pagetrace:2: a "free" event has 2 fields after its kind, got 1$/);
    expect(bad(`${h}\n["alloc",1,1,2,0]\n["span",3,1,2]\n`)).toThrow(/^x\.pagetrace:3: a "span" \(snapshot\) event after/);
    expect(bad(`${h}\n{oops\n`)).toThrow(/^x\.pagetrace:2: invalid JSON/);
    expect(bad(h.replace('"0x000000c000000000"', '"c000000000"'))).toThrow(/minPageHeapAddr must be/);
  });
});

describe('decoding an execution trace', () => {
  it('keeps Span, SpanAlloc, SpanFree and the mark phase, in order, with the snapshot first', () => {
    const d = new ParsedTraceDecoder();
    for (const l of [
      'M=1 P=0 G=1 RangeActive Time=5 Name="GC concurrent mark phase" Scope=None',
      'M=1 P=0 G=1 Experimental Time=6 Name=Span Args=[id=Value{Uint64(3)}, npages_value=Value{Uint64(2)}, kindclass=Value{Uint64(1)}]',
      '\truntime.GC @ 0x42a77a',
      'M=1 P=0 G=1 Experimental Time=7 Name=HeapObjectAlloc Args=[id=Value{Uint64(9)}, type=Value{Uint64(1)}]',
      'M=1 P=0 G=1 RangeEnd Time=8 Name="GC concurrent mark phase" Scope=None',
      'M=1 P=0 G=1 RangeBegin Time=8 Name="GC incremental sweep" Scope=Proc(0)',
      'M=2 P=-1 G=-1 Experimental Time=9 Name=SpanAlloc Args=[id=Value{Uint64(5)}, npages_value=Value{Uint64(1)}, kindclass=Value{Uint64(40)}]',
      'M=1 P=0 G=1 Experimental Time=10 Name=SpanFree Args=[id=Value{Uint64(3)}]',
      'M=1 P=0 G=1 RangeActive Time=11 Name="GC concurrent mark phase" Scope=None',
      'M=1 P=0 G=1 RangeActive Time=12 Name="GC concurrent mark phase" Scope=None',
    ])
      d.push(l);
    expect(d.finish()).toEqual([
      { t: 'span', id: 3, npages: 2, kc: 1 },
      { t: 'gc', phase: 'mark' },
      { t: 'gc', phase: 'off' },
      { t: 'alloc', id: 5, npages: 1, kc: 40, p: -1 },
      { t: 'free', id: 3, p: 0 },
      { t: 'gc', phase: 'mark' },
    ]);
    expect(d.dropped).toBe(1);
  });

  it('reads minPageHeapAddr from the AllocFree info batch', () => {
    const uv = (x: bigint): number[] => {
      const out: number[] = [];
      do {
        out.push(Number(x & 0x7fn) | (x > 0x7fn ? 0x80 : 0));
        x >>= 7n;
      } while (x > 0n);
      return out;
    };
    const head = Buffer.from('go 1.26 trace\0\0\0', 'latin1');
    const other = [1, ...uv(1n), ...uv(7n), ...uv(100n), ...uv(2n), 0xaa, 0xbb];
    const info = [1, ...uv(0xc000000000n), ...uv(8192n), ...uv(8n), ...uv(2048n)];
    const exp = [49, 1, ...uv(1n), ...uv(7n), ...uv(100n), ...uv(BigInt(info.length)), ...info];
    const b = Buffer.concat([head, Buffer.from([...other, 52, ...exp])]);
    expect(allocFreeInfo(b)).toEqual({ traceVersion: '1.26', minPageHeapAddr: 0xc000000000n, pageSize: 8192, minHeapAlign: 8, fixedStack: 2048 });
    expect(() => allocFreeInfo(Buffer.concat([head, Buffer.from(other)]))).toThrow(/no AllocFree info batch/);
    expect(() => allocFreeInfo(Buffer.from('not a trace at all'))).toThrow(ExecTraceError);
  });
});

describe('replaying small traces', () => {
  it('predicts first-fit, page-cache and locked-path allocations, frees across a GC cycle, with no rule failing', () => {
    const r = replayPageTrace(
      trace(
        { t: 'span', id: 0, npages: 1, kc: small },
        { t: 'span', id: 3, npages: 20, kc: 0 },
        { t: 'alloc', id: 1, npages: 1, kc: small, p: 0 }, // the page cache refills on block [0, 64): page 1 is its first free page
        { t: 'alloc', id: 64, npages: 16, kc: 0, p: 0 }, // 16 pages: the locked path; pages 2 and 23..63 are the cache's, so first fit is page 64
        { t: 'gc', phase: 'mark' },
        { t: 'gc', phase: 'off' },
        { t: 'free', id: 3, p: 0 },
        { t: 'alloc', id: 2, npages: 1, kc: small, p: 0 }, // the cache still holds page 2
        { t: 'alloc', id: 80, npages: 30, kc: 0, p: -1 }, // no P: the locked path; the freed run 3..22 is too short
      ),
    );
    expect(r.mispredictions).toEqual([]);
    expect([r.allocations, r.predicted, r.frees, r.gcCycles, r.cacheAllocations]).toEqual([4, 4, 1, 1, 2]);
    expect(r.tally.violations).toEqual([]);
    expect(r.tally.checked.size).toBeGreaterThan(30);
    expect(replayOk(r)).toBe(true);
  });

  it('a page-cache allocation from the pre-trace cache is a misprediction it explains, and the resynchronized cache predicts the next', () => {
    const r = replayPageTrace(
      trace(
        { t: 'span', id: 0, npages: 64, kc: 0 },
        { t: 'span', id: 70, npages: 1, kc: small },
        { t: 'alloc', id: 80, npages: 1, kc: small, p: 0 }, // the program's cache held pages of [64, 128)
        { t: 'alloc', id: 81, npages: 1, kc: small, p: 0 },
        { t: 'alloc', id: 82, npages: 2, kc: small, p: 0 },
      ),
    );
    expect(r.mispredictions).toHaveLength(1);
    expect(r.mispredictions[0]).toMatchObject({ allocation: 1, realPage: 80, modelPage: 64, cause: 'preTraceCache', path: 'page cache' });
    expect(r.predicted).toBe(2);
    expect(replayOk(r)).toBe(true);
  });

  it('a heap rebuilt in the middle of a sweep leaves the spans the sweep still frees unswept, and the sweeper frees them', () => {
    const r = replayPageTrace(
      trace(
        { t: 'span', id: 0, npages: 64, kc: 0 },
        { t: 'span', id: 70, npages: 1, kc: small },
        { t: 'span', id: 71, npages: 1, kc: small },
        { t: 'gc', phase: 'mark' },
        { t: 'gc', phase: 'off' },
        { t: 'alloc', id: 80, npages: 1, kc: small, p: 0 }, // from the pre-trace cache: a misprediction, the heap rebuilt mid-sweep
        { t: 'free', id: 70, p: 0 }, // live before the cycle ended: the rebuilt heap must still have it to sweep
        { t: 'alloc', id: 81, npages: 1, kc: small, p: 0 },
        { t: 'gc', phase: 'mark' }, // finishsweep_m sweeps the rest: 0 and 71 survive, marked
        { t: 'gc', phase: 'off' },
        { t: 'free', id: 71, p: 0 },
        { t: 'free', id: 80, p: 0 },
      ),
    );
    expect(r.stopped).toBeUndefined();
    expect(r.mispredictions.map((m) => m.cause)).toEqual(['preTraceCache']);
    expect([r.predicted, r.frees, r.rebuilds]).toEqual([1, 3, 2]);
    expect(r.tally.violations).toEqual([]);
    expect(r.tally.witnesses.get('reachesFreeAfterSweep')).toBe(3);
  });

  it('a heap span freed in the GC cycle it was allocated in cannot be a sweep: the replay stops there', () => {
    const r = replayPageTrace(trace({ t: 'span', id: 0, npages: 1, kc: small }, { t: 'gc', phase: 'mark' }, { t: 'gc', phase: 'off' }, { t: 'alloc', id: 1, npages: 3, kc: 0, p: 0 }, { t: 'free', id: 1, p: 0 }));
    expect(r.stopped).toMatch(/^event 5: the replay failed: the trace frees a heap span that does not need sweeping/);
    expect(r.tally.violations).toEqual([]);
    expect(replayOk(r)).toBe(false);
  });

  it('an allocation the model places elsewhere, with no known cause, fails the replay', () => {
    const r = replayPageTrace(trace({ t: 'span', id: 0, npages: 4, kc: 0 }, { t: 'alloc', id: 100, npages: 20, kc: 0, p: 0 }));
    expect(r.mispredictions[0]).toMatchObject({ cause: 'unexplained', realPage: 100, modelPage: 4, path: 'locked' });
    expect(replayOk(r)).toBe(false);
  });

  it('stops at a free of a span nothing allocated, and refuses a heap that does not start at go1.21\'s first arena hint', () => {
    const r = replayPageTrace(trace({ t: 'span', id: 0, npages: 1, kc: small }, { t: 'free', id: 9, p: 0 }));
    expect(r.stopped).toBe('event 2: a free of the span at page 9, which no earlier event allocated');
    expect(replayOk(r)).toBe(false);
    expect(() => replayPageTrace({ header: { ...header, minPageHeapAddr: '0x00001cb0d0800000' }, events: [] })).toThrow(/GOEXPERIMENT=norandomizedheapbase64/);
  });
});

describe('a real program: compress/flate BenchmarkEncode (committed trace)', () => {
  const flate = path.join(data, 'flate-encode.pagetrace.gz');
  const t = parsePageTrace(readFileSync(flate), flate);

  it('every allocation predicted exactly, every rule checked after every step, none failed', () => {
    const r = replayPageTrace(t);
    expect(r.allocations).toBeGreaterThan(300);
    expect(r.gcCycles).toBeGreaterThan(50);
    expect(r.predicted).toBe(r.allocations);
    expect(r.tally.violations).toEqual([]);
    expect(r.stopped).toBeUndefined();
  });

  // Broken models: named mutants' builds replay the same trace.
  const replayIn = async (id: string) => (await mutantModule<typeof import('./replay.js')>(id, 'conformance/pagetrace/replay.js')).replayPageTrace(t);

  it('a model whose find ignores runs straddling chunks (named mutant findIgnoresStraddle) mispredicts, unexplained', async () => {
    const r = await replayIn('findIgnoresStraddle');
    expect(r.mispredictions[0]).toMatchObject({ cause: 'unexplained', allocation: 31 });
    expect(replayOk(r)).toBe(false);
  });

  it('a model whose free leaves searchAddr alone (named mutant freeKeepsSearchAddr) is stopped by the spec underneath', async () => {
    const r = await replayIn('freeKeepsSearchAddr');
    expect(r.tally.violations.length + (r.stopped === undefined ? 0 : 1)).toBeGreaterThan(0);
    expect(replayOk(r)).toBe(false);
  });

  it('mheap-spec pagetrace prints the verdict; a malformed file is one line, exit 2', async () => {
    const io = memoryIo();
    expect(await cli(['pagetrace', flate], io)).toBe(0);
    expect(io.stdout).toMatch(/^flate-encode: 1,000 events, 380 allocations, 370 frees, 98 GC cycles; 380 of 380 allocations predicted exactly \(100\.00%\), 0 mispredicted/);
    const bad = path.join(dir, 'bad.pagetrace');
    writeFileSync(bad, `${JSON.stringify(header)}\n["alloc",1]\n`);
    const io2 = memoryIo();
    expect(await cli(['pagetrace', flate, bad], io2)).toBe(2);
    expect(io2.stderr).toBe(`mheap-spec pagetrace: ${bad}:2: a "alloc" event has 4 fields after its kind, got 1\n`);
    expect(io2.stdout).toBe('');
  });
});
