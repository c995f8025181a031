// The go1.21+ scavenge index on a real runtime (go1.26 here): the index ops
// (scavengeBg, nextGen, index) print what the model prints, and the README's
// finding that a background scavenge can orphan free pages holds on the real
// runtime (testdata/orphaned-pages.json). go1.19 refuses the index ops.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTraceText } from '../trace/run.js';
import { EXIT_UNSUPPORTED, INDEX_MIN_MINOR, buildReplayer, goRuntimes, runReplayer } from './gorunner.js';

type Line = Record<string, unknown>;
const here = path.dirname(fileURLToPath(import.meta.url));
const orphanFile = path.join(here, 'testdata', 'orphaned-pages.json');

/** The model's op lines for a trace file (header dropped). */
function modelLines(file: string): string[] {
  const lines: string[] = [];
  const r = runTraceText(readFileSync(file, 'utf8'), (l) => lines.push(l));
  expect(r.status).toBe(0);
  return lines.slice(1);
}

/** Bit `page % 64` of word `page / 64` of a state chunk's bitmap. */
function bit(words: unknown, page: number): number {
  return Number((BigInt((words as string[])[page >> 6]!) >> BigInt(page & 63)) & 1n);
}

const rt = goRuntimes().find((r) => r.minor >= INDEX_MIN_MINOR);
const go119 = goRuntimes().find((r) => r.release === 'go1.19');

if (rt === undefined) {
  it.skip('no go1.21+ runtime installed (Go 1.26 as `go` on PATH): the scavenge index on a real runtime skipped', () => {});
} else {
  describe(`the scavenge index on the real ${rt.version} runtime`, () => {
    let bin = '';
    beforeAll(async () => {
      bin = await buildReplayer(rt.go); // a cold build takes ~80 s on 2 busy cores
    }, 300_000);

    it('background scavenges, nextGen and the index print the same lines on both sides (flags aside: go1.26 has no noHugePage bit)', async () => {
      const file = path.join(here, 'testdata', 'index-ops.json');
      const r = await runReplayer(bin, file);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      if (rt.version === 'go1.26.8') expect(r.stdout).toBe(readFileSync(path.join(here, 'testdata', 'index-ops.go1.26.8.jsonl'), 'utf8'));
      const go = r.stdout.trimEnd().split('\n').slice(1);
      const model = modelLines(file);
      expect(go).toHaveLength(model.length);
      const hasFreeOnly = (l: string): string => l.replace(/"flags":(\d+)/g, (_m, f: string) => `"flags":${Number(f) & 1}`);
      expect(go.map(hasFreeOnly)).toEqual(model.map(hasFreeOnly));
      // The model's noHugePage bit (2) is set where the scavenger broke up a chunk; go1.26's flags never have it.
      expect(model.some((l) => /"flags":[23]/.test(l))).toBe(true);
      expect(go.some((l) => /"flags":[23]/.test(l))).toBe(false);
      // Something was scavenged in the background, and the index moved on.
      const bg = go.map((l) => JSON.parse(l) as Line).filter((l) => l['op'] === 'scavengeBg');
      expect(bg.some((l) => (l['released'] as number) > 0)).toBe(true);
    });

    it('a background scavenge orphans a free page: no scavenge reaches it, forced ones included, until the next free into its chunk', async () => {
      const r = await runReplayer(bin, orphanFile);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const raw = r.stdout.trimEnd().split('\n');
      expect(JSON.parse(raw[0]!)).toMatchObject({ header: { goVersion: rt.version } });
      // What go1.26.8 printed when the file was made (the model-only test conformance/trace/index.test.ts reads it).
      if (rt.version === 'go1.26.8') expect(r.stdout).toBe(readFileSync(path.join(here, 'testdata', 'orphaned-pages.go1.26.8.jsonl'), 'utf8'));
      // The model prints the same op lines, byte for byte.
      expect(raw.slice(1)).toEqual(modelLines(orphanFile));
      const go = raw.slice(1).map((l) => JSON.parse(l) as Line);
      const chunk0 = (i: number) => ((go[i]!['state'] as Line)['chunks'] as Line[])[0]!;
      const index0 = (i: number) => ((go[i]!['index'] as Line)['chunks'] as Line[])[0]!;
      expect(go[9]).toMatchObject({ op: 'scavengeBg', released: 0 });
      expect((index0(10)['flags'] as number) & 1).toBe(0); // chunk 0: empty "for now"
      expect(go[11]).toMatchObject({ op: 'scavenge', released: 0 }); // forced, and still nothing
      expect(bit(chunk0(12)['alloc'], 64)).toBe(0); // page 64 is free
      expect(bit(chunk0(12)['scav'], 64)).toBe(0); // and not scavenged: orphaned
      expect(go[14]).toMatchObject({ op: 'scavenge', released: 2 }); // after the flush: pages 0 and 64
      expect(bit(chunk0(15)['scav'], 64)).toBe(1);
    });
  });
}

if (go119 !== undefined) {
  describe(`the index ops on ${go119.version}`, () => {
    it('are refused, exit 3: go1.19 has no go1.21 scavenge index', async () => {
      const bin = await buildReplayer(go119.go);
      const r = await runReplayer(bin, orphanFile);
      expect(r.code).toBe(EXIT_UNSUPPORTED);
      expect(r.stderr).toMatch(/^trace 0: op 0: unsupported by go1\.19\.8: op "nextGen" needs the go1\.21 scavenge index/);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(1); // the header only
    }, 300_000);
  });
}
