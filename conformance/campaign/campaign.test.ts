// The differential campaign in small: the generator's traces are valid for
// the model (no Go needed); with the real runtime, a correct model shows no
// divergence and a deliberately wrong one (best fit instead of first fit) is
// caught and shrunk to a few ops.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRACE_OK } from '../trace/fields.js';
import { buildReplayer, findGo } from '../realgo/gorunner.js';
import { abstractTrace } from './arbitrary.js';
import { runCampaign, runModel } from './campaign.js';
import { compareRuns, firstDifference } from './compare.js';
import { concretize } from './concretize.js';
import { MASKED, scavengePolicy } from './scavenge_policy.js';

describe('the generator (model only)', () => {
  it('makes traces the model replays to the end: no npages 0, no free of unallocated or cached pages, refs that exist', () => {
    fc.assert(
      fc.property(abstractTrace(), (a) => {
        const t = concretize(a);
        for (const o of t.ops) if ('npages' in o) expect(o['npages'] === -1 ? o.op : o['npages']).not.toBe(0);
        const r = runModel(JSON.stringify(t), null);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(TRACE_OK);
        expect(r.lines).toHaveLength(t.ops.length + 1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('comparing lines', () => {
  const ops = [{ op: 'alloc' }, { op: 'freeRef' }, { op: 'scavenge' }, { op: 'alloc' }];
  const side = (goVersion: string, ...lines: string[]) => ({ lines: [`{"trace":0,"header":{"goVersion":"${goVersion}","pageSize":8192}}`, ...lines], status: 0, stderr: '' });

  it('names the first differing field, key order included', () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] })).toEqual(['b[1]', 2, 3]);
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })?.[0]).toMatch(/field order/);
  });

  it('ignores goVersion, and masks scavenged bits only from the first scavenge after a free', () => {
    const l = (i: number, op: string, rest: string) => `{"trace":0,"i":${i},"op":"${op}",${rest}}`;
    const model = side('go1.21 (mheap-spec model)', l(0, 'alloc', '"page":0,"scav":1'), l(1, 'freeRef', '"base":0,"npages":1'), l(2, 'scavenge', '"released":5'), l(3, 'alloc', '"page":0,"scav":1'));
    const go = side('go1.19.8', l(0, 'alloc', '"page":0,"scav":1'), l(1, 'freeRef', '"base":0,"npages":1'), l(2, 'scavenge', '"released":4'), l(3, 'alloc', '"page":0,"scav":0'));
    const c = compareRuns(ops, scavengePolicy(ops), model, go);
    expect(c.divergence).toBeUndefined();
    expect([c.opLines, c.maskedLines, c.scavengeAfterFree]).toEqual([4, 2, 1]);
    const goPage = side('go1.19.8', ...go.lines.slice(1, 4), l(3, 'alloc', '"page":1,"scav":0'));
    expect(compareRuns(ops, scavengePolicy(ops), model, goPage).divergence).toMatchObject({ at: 3, path: 'page', model: 0, go: 1 });
    expect(MASKED).toMatch(/masked/);
  });
});

const go = findGo();

if (go === undefined) {
  it.skip('Go not installed: differential conformance against the real runtime skipped', () => {});
} else {
  describe('differential campaign against the real go1.19 runtime', () => {
    let bin = '';
    beforeAll(async () => {
      bin = await buildReplayer(); // cached under .cache/conformance/; a cold build takes ~20 s
    }, 300_000);

    it('a correct model: 2,000 random ops, no divergence', async () => {
      const r = await runCampaign({ ops: 2000, seed: 7, mutant: null, bin });
      expect(r.divergence).toBeUndefined();
      expect(r.tally.ops).toBeGreaterThanOrEqual(2000);
      expect(r.goVersion).toMatch(/^go1\./);
      expect(r.goProcesses).toBe(1);
    });

    it('first fit replaced by best fit (mutant findBestFit) diverges and is shrunk to a few ops', async () => {
      const r = await runCampaign({ ops: 5000, seed: 1, mutant: 'findBestFit', bin });
      const d = r.divergence;
      expect(d).toBeDefined();
      expect(d!.trace.ops.length).toBeLessThanOrEqual(6);
      expect(d!.originalOps).toBeGreaterThanOrEqual(d!.trace.ops.length);
      expect(d!.comparison.divergence!.at).not.toBe('header');
    });
  });
}
