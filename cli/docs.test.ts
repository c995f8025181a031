// The generated documentation: the heap in pictures is drawn from the
// model's constants (another geometry gives other pictures; Go's linux/amd64
// figures from go-runtime-notes come out), its Mermaid blocks are well
// formed, docs --check covers it, and the replay-file example replays.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Geometry, small } from '../model/geometry.js';
import { parseCounterexample, replayCounterexample } from '../properties/harness/replay.js';
import { heapMarkdown } from './heapDoc.js';
import { memoryIo } from './io.js';
import { main } from './main.js';
import { replayFilesMarkdown } from './replayDoc.js';

const mermaidBlocks = (md: string): string[] => [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('reports/heap.md', () => {
  const md = heapMarkdown();

  test("shows Go's linux/amd64 layout (go-runtime-notes §1.1): 64 MiB arenas, 4 MiB chunks of 512 pages, 8 KiB pages, 64-page caches", () => {
    expect(md).toMatch(/heap arena \(heapArena\)<br\/>64 MiB = 8,192 pages/);
    expect(md).toMatch(/palloc chunk<br\/>4 MiB = 512 pages/);
    expect(md).toMatch(/page-cache block \(pageCache\)<br\/>64 pages = 512 KiB/);
    expect(md).toMatch(/page<br\/>8 KiB/);
    expect(md).toMatch(/2\^48 bytes = 256 TiB/);
    expect(md).toMatch(/arena -->\|"16 ×"\| chunk/);
  });

  test('shows the radix tree as Go has it: 5 levels, levelShift 34..22, levelLogPages 21..9, fan-out 8', () => {
    const rows = [...md.matchAll(/^\| (\d) \| (\d+) \| ([-\d]+) \| ([\d,]+) \| ([\d,]+) \| [^|]+ \| (\d+) \|$/gm)];
    expect(rows.map((r) => Number(r[6]))).toEqual([34, 31, 28, 25, 22]);
    expect(rows.map((r) => Number(r[5]!.replace(/,/g, '')))).toEqual([21, 18, 15, 12, 9].map((x) => 2 ** x));
    expect(rows.map((r) => Number(r[4]!.replace(/,/g, '')))).toEqual([14, 17, 20, 23, 26].map((x) => 2 ** x));
    expect(rows.slice(1).map((r) => r[3])).toEqual(['8', '8', '8', '8']);
  });

  test("shows the sweepgen cycle with Go's five relations and the model's GC step of 2", () => {
    for (const r of ['sg-2: needs sweeping', 'sg-1: being swept', 'sg: swept', 'sg+1: cached before sweep began', 'sg+3: swept, then cached']) expect(md).toContain(r);
    // Every move of Go's table, made by the model in one driven cycle, and none other.
    const cycle = md.slice(md.indexOf('## The sweepgen cycle'));
    const edges = [...cycle.slice(0, cycle.indexOf('```\n', cycle.indexOf('```mermaid') + 3)).matchAll(/^ {2}(\S+) --> (\S+): /gm)].map((m) => `${m[1]} --> ${m[2]}`).sort();
    expect(edges).toEqual(['[*] --> sg', 'sg --> sgm2', 'sg --> sgp3', 'sgp3 --> sg', 'sgp3 --> sgp1', 'sgp1 --> sgm1', 'sgm1 --> sg', 'sgm2 --> sgm1', 'sg --> [*]'].sort());
    expect(md).not.toContain('a move Go does not make');
    expect(md).toMatch(/sg --> sgm2: gcSweep: h\.sweepgen \+= 2/);
  });

  test('is drawn from the constants: another geometry gives other pictures', () => {
    const other = heapMarkdown(new Geometry(small));
    expect(other).not.toBe(md);
    expect(other).toMatch(/palloc chunk<br\/>512 KiB = 64 pages/);
    expect(other).toMatch(/2\^30 bytes = 1 GiB/);
    expect(mermaidBlocks(other)).toHaveLength(4);
  });

  test('has four Mermaid diagrams whose edges join declared nodes', () => {
    const blocks = mermaidBlocks(md);
    expect(blocks.map((b) => b.split('\n')[0])).toEqual(['flowchart LR', 'flowchart TD', 'stateDiagram-v2', 'stateDiagram-v2']);
    for (const b of blocks) {
      const declared = new Set(['[*]', ...[...b.matchAll(/^\s+(\w+)\["/gm)].map((m) => m[1]!), ...[...b.matchAll(/ as (\w+)$/gm)].map((m) => m[1]!)]);
      const edges = [...b.matchAll(/^\s+(\S+) -->(?:\|"[^"]*"\|)? (\S+?)(?::.*)?$/gm)];
      expect(edges.length).toBeGreaterThan(3);
      for (const [, from, to] of edges) {
        expect(declared.has(from!), `${from} in\n${b}`).toBe(true);
        expect(declared.has(to!), `${to} in\n${b}`).toBe(true);
      }
    }
  });

  test('docs --check fails when the committed copy is stale, and passes on a fresh one', () => {
    const d = mkdtempSync(join(tmpdir(), 'mheap-docs-'));
    const args = ['--summary', '/nonexistent', '--out', join(d, 'inv.md'), '--heap', join(d, 'heap.md'), '--replay-doc', join(d, 'replay.md')];
    expect(main(['docs', ...args], memoryIo())).toBe(0);
    expect(readFileSync(join(d, 'heap.md'), 'utf8')).toBe(md);
    expect(main(['docs', '--check', ...args], memoryIo())).toBe(0);
    writeFileSync(join(d, 'heap.md'), md.replace('64 MiB', '32 MiB'));
    const io = memoryIo();
    expect(main(['docs', '--check', ...args], io)).toBe(1);
    expect(io.stderr).toMatch(/heap\.md is stale \(the model's constants or behaviour changed\)/);
  });
});

describe('docs/replay-files.md', () => {
  test("its example is a valid replay file that replays", () => {
    const doc = replayFilesMarkdown();
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]!);
    const r = replayCounterexample(parseCounterexample(example, 'the example'));
    expect(r.failure).toBeUndefined();
    expect(r.skipped).toEqual([]);
    expect(r.trace).toHaveLength(3);
  });

  test('lists every command of every suite with its arguments', () => {
    const doc = replayFilesMarkdown();
    expect(doc).toMatch(/\| `alloc` \| `npages` 1\.\.8192: pages to allocate \|/);
    expect(doc).toMatch(/\| `stackalloc` \| `p` 0\.\.7: .*<br\/>`size` 0\.\.8: the stack size: 2048, 2048, 4096, .* bytes \|/);
    for (const name of ['pagealloc', 'pagealloc-small', 'mheap']) expect(doc).toContain(`\n## ${name}\n`);
  });
});
