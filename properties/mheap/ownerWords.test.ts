import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ownerProblemByPage, ownersDisagree } from '../../spec/mheap/invariants.js';
import { commandsArbitrary } from '../harness/campaign.js';
import { RunContext, Stats } from '../harness/runner.js';
import { mutationRun } from '../../testing/mutationRun.js';
import { getSuite } from '../registry.js';
import type { HeapSystem } from './world.js';

// everyPageHasOneOwner decides 32 pages at a time (ownersDisagree) and names
// the failing page page by page (ownerProblemByPage): the two must give the
// same verdict, on legal histories (both: no problem) and after the span
// heap is made to disagree with the page heap in each way it can.

type Corruption = (w: HeapSystem, pick: number) => boolean;

const corruptions: Record<string, Corruption> = {
  // A live span dies in the span heap only: its pages are allocated, but nobody's.
  'a span dropped': (w, pick) => {
    const ids = [...w.spec.spans()].map((a) => a.id);
    if (ids.length === 0) return false;
    w.spec.removeSpan(ids[pick % ids.length]!);
    return true;
  },
  // A span appears over free pages the page heap never handed out.
  'a span over free pages': (w, pick) => {
    const shadow = w.pages.shadow;
    const cp = w.h.g.pallocChunkPages;
    for (const ci of shadow.chunks()) {
      const st = shadow.chunkStates(ci)!.state;
      for (let i = pick % cp; i < cp; i++) {
        if (st[i] !== 0 || w.spec.ownerOf(ci * cp + i) !== 0) continue;
        w.spec.addSpan({ id: 1_000_000 + pick, basePage: ci * cp + i, npages: 1, kind: { heap: true, sizeclass: 1, noscan: true }, state: 'mSpanInUse' });
        return true;
      }
    }
    return false;
  },
  // A P's page cache is flushed in the span heap only: its pages are cached, but nobody's.
  'a page cache dropped': (w, pick) => {
    const ps = [...w.spec.pcaches().keys()];
    if (ps.length === 0) return false;
    w.spec.cacheFlush(ps[pick % ps.length]!);
    return true;
  },
};

const verdicts = (w: HeapSystem): [boolean, boolean] => [ownersDisagree(w), ownerProblemByPage(w) !== undefined];

describe('everyPageHasOneOwner, word by word and page by page', () => {
  for (const name of ['mheap', 'sweep']) {
    const suite = getSuite(name)!;
    prop.prop([commandsArbitrary(suite, 60), fc.constantFrom(...Object.keys(corruptions)), fc.nat()], { numRuns: mutationRun ? 10 : 80 })(
      `${name}: the same verdict after a legal history, and after it is corrupted`,
      (cmds, corruption, pick) => {
        const ctx = new RunContext(suite, new Stats());
        fc.modelRun(() => ({ model: { ctx }, real: { ctx } }), cmds);
        const w = ctx.world as HeapSystem;
        expect(verdicts(w)).toEqual([false, false]);
        if (!corruptions[corruption]!(w, pick)) return;
        expect(verdicts(w)).toEqual([true, true]);
      },
    );
  }
});
