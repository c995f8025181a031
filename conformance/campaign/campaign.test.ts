// The differential campaign in small: the generator's traces are valid for
// the model (no Go needed); the comparer lets through only what the version
// catalog names, per runtime; with each real runtime installed, a correct
// model shows no divergence and a deliberately wrong one (best fit instead
// of first fit) is caught and shrunk to a few ops.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRACE_OK } from '../trace/fields.js';
import { buildReplayer, goRuntimes } from '../realgo/gorunner.js';
import type { RealRelease } from '../versions/catalog.js';
import { abstractTrace } from './arbitrary.js';
import { runCampaign, runModel } from './campaign.js';
import { compareRuns, firstDifference } from './compare.js';
import { concretize } from './concretize.js';
import { MASKED } from './scavenge_policy.js';
import { comparePolicy } from './version_policy.js';
import { mutantModule } from '../../testing/mutantBuild.js';

describe('the generator (model only)', () => {
  for (const profile of ['go1.19', 'go1.21+'] as const) {
    it(`makes ${profile} traces the model replays to the end: no npages 0, no free of unallocated or cached pages, refs that exist`, () => {
      fc.assert(
        fc.property(abstractTrace(80, profile), (a) => {
          const t = concretize(a);
          for (const o of t.ops) if ('npages' in o) expect(o['npages'] === -1 ? o.op : o['npages']).not.toBe(0);
          if (profile === 'go1.19') expect(t.ops.filter((o) => ['scavengeBg', 'nextGen', 'index'].includes(o.op))).toEqual([]);
          const r = runModel(JSON.stringify(t));
          expect(r.stderr).toBe('');
          expect(r.status).toBe(TRACE_OK);
          expect(r.lines).toHaveLength(t.ops.length + 1);
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('comparing lines', () => {
  const side = (goVersion: string, ...lines: string[]) => ({ lines: [`{"trace":0,"header":{"goVersion":"${goVersion}","pageSize":8192}}`, ...lines], status: 0, stderr: '' });
  const l = (i: number, op: string, rest: string) => `{"trace":0,"i":${i},"op":"${op}",${rest}}`;

  it('names the first differing field, key order included', () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] })).toEqual(['b[1]', 2, 3]);
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })?.[0]).toMatch(/field order/);
  });

  const ops = [{ op: 'alloc' }, { op: 'freeRef' }, { op: 'scavenge' }, { op: 'alloc' }];
  const model = side('go1.21 (mheap-spec model)', l(0, 'alloc', '"page":0,"scav":1'), l(1, 'freeRef', '"base":0,"npages":1'), l(2, 'scavenge', '"released":5'), l(3, 'alloc', '"page":0,"scav":1'));
  const go = side('go', l(0, 'alloc', '"page":0,"scav":1'), l(1, 'freeRef', '"base":0,"npages":1'), l(2, 'scavenge', '"released":4'), l(3, 'alloc', '"page":0,"scav":0'));

  it('go1.19: ignores goVersion, and masks scavenged bits only from the first scavenge after a free, naming the catalog entries', () => {
    const c = compareRuns(ops, comparePolicy('go1.19', ops), model, go);
    expect(c.divergence).toBeUndefined();
    expect([c.opLines, c.maskedLines, c.scavengeAfterFree]).toEqual([4, 2, 1]);
    expect(c.catalogLines).toEqual({ freeMarksScavengeIndex: 2, scavengeHookForces: 2 });
    const goPage = side('go1.19.8', ...go.lines.slice(1, 4), l(3, 'alloc', '"page":1,"scav":0'));
    expect(compareRuns(ops, comparePolicy('go1.19', ops), model, goPage).divergence).toMatchObject({ at: 3, path: 'page', model: 0, go: 1 });
    expect(MASKED).toMatch(/masked/);
  });

  it('go1.26: no masking after a free: the released pages must agree', () => {
    expect(compareRuns(ops, comparePolicy('go1.26', ops), model, go).divergence).toMatchObject({ at: 2, path: 'released', model: 5, go: 4 });
  });

  const idx = (flags: number, inUse = 3) => `"index":{"gen":0,"bg":["0xffff800000000000",false],"force":["0x0000003000000000",true],"freeHWM":"0x0000003000000000","chunks":[{"chunk":0,"inUse":${inUse},"lastInUse":0,"gen":0,"flags":${flags}}]}`;
  const iops = [{ op: 'index' }];

  it('go1.26: compares index flags on scavChunkHasFree only (scavChunkNoHugePageRemoved), and everything else exactly', () => {
    const ok = compareRuns(iops, comparePolicy('go1.26', iops), side('m', l(0, 'index', idx(3))), side('go1.26.8', l(0, 'index', idx(1))));
    expect(ok.divergence).toBeUndefined();
    expect(ok.catalogLines).toEqual({ scavChunkNoHugePageRemoved: 1 });
    const hasFree = compareRuns(iops, comparePolicy('go1.26', iops), side('m', l(0, 'index', idx(2))), side('go1.26.8', l(0, 'index', idx(1))));
    expect(hasFree.divergence).toMatchObject({ at: 0, path: 'index.chunks[0].flags', model: 2, go: 1 });
    const inUse = compareRuns(iops, comparePolicy('go1.26', iops), side('m', l(0, 'index', idx(3, 4))), side('go1.26.8', l(0, 'index', idx(1, 3))));
    expect(inUse.divergence).toMatchObject({ at: 0, path: 'index.chunks[0].inUse', model: 4, go: 3 });
  });
});

const runtimes = goRuntimes().filter((rt): rt is typeof rt & { release: RealRelease } => rt.release === 'go1.19' || rt.release === 'go1.26');

if (runtimes.length === 0) {
  it.skip('Go not installed: differential conformance against the real runtimes skipped', () => {});
}
for (const rt of runtimes) {
  describe(`differential campaign against the real ${rt.version} runtime`, () => {
    let bin = '';
    beforeAll(async () => {
      bin = await buildReplayer(rt.go); // cached under .cache/conformance/; a cold build takes 20-80 s
    }, 300_000);

    it('a correct model: 2,000 random ops, no divergence', async () => {
      const r = await runCampaign({ ops: 2000, seed: 7, mutant: null, bin, release: rt.release });
      expect(r.divergence).toBeUndefined();
      expect(r.tally.ops).toBeGreaterThanOrEqual(2000);
      expect(r.goVersion).toBe(rt.version);
      expect(r.goProcesses).toBe(1);
      if (rt.release === 'go1.26') expect(r.tally.perKind.index).toBeGreaterThan(0);
    });

    it('first fit replaced by best fit (named mutant findBestFit, in its build) diverges and is shrunk to a few ops', async () => {
      const broken = await mutantModule<typeof import('./campaign.js')>('findBestFit', 'conformance/campaign/campaign.js');
      const r = await broken.runCampaign({ ops: 5000, seed: 1, mutant: 'findBestFit', bin, release: rt.release });
      const d = r.divergence;
      expect(d).toBeDefined();
      expect(d!.trace.ops.length).toBeLessThanOrEqual(6);
      expect(d!.originalOps).toBeGreaterThanOrEqual(d!.trace.ops.length);
      expect(d!.comparison.divergence!.at).not.toBe('header');
    });
  });
}
