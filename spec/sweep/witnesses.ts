// Witnesses of sweeping: paths a campaign of the sweep suite must reach.

import type { Witness } from '../catalog.js';
import { go } from '../catalog.js';
import type { SweepSnapshot, SweepStep } from './world.js';

const specFile = 'spec/sweep/witnesses.ts';
type Wit = Witness<SweepSnapshot, SweepStep>;

function witness(id: string, cite: ReturnType<typeof go>, quote: string, statement: string, reached: Wit['reached']): Wit {
  return { id, kind: 'witness', go: cite, quote, statement, against: 'what the step did', specFile, reached };
}

const table = go('mheap.go', 'type mspan (sweepgen)');
const relationNames = ['sg-2', 'sg-1', 'sg', 'sg+1', 'sg+3'];
const relationQuotes = [
  'if sweepgen == h->sweepgen - 2, the span needs sweeping',
  'if sweepgen == h->sweepgen - 1, the span is currently being swept',
  'if sweepgen == h->sweepgen, the span is swept and ready to use',
  'if sweepgen == h->sweepgen + 1, the span was cached before sweep began and is still cached, and needs sweeping',
  'if sweepgen == h->sweepgen + 3, the span was swept and then cached and is still cached',
];
const relationIds = ['reachesSpanNeedingSweep', 'reachesSpanBeingSwept', 'reachesSweptSpan', 'reachesStaleCachedSpan', 'reachesCachedSpan'];

export const sweepWitnesses: readonly Wit[] = [
  ...relationIds.map((id, k) => witness(id, table, relationQuotes[k]!, `An in-use span at ${relationNames[k]} after a step.`, (_b, a) => a.relations[k]! > 0)),
  ...(['partialSwept', 'partialUnswept', 'fullUnswept', 'grow'] as const).map((path) =>
    witness(`reachesCacheSpan${path[0]!.toUpperCase()}${path.slice(1)}`, go('mcentral.go', '(*mcentral).cacheSpan'), path === 'grow' ? "We failed to get a span from the mcentral so get one from mheap." : path === 'partialSwept' ? 'Try partial swept spans first.' : path === 'partialUnswept' ? "We got ownership of the span, so let's sweep it and use it." : 'Check if there\'s any free space.', `mcache.refill gets its span from cacheSpan's ${path} path.`, (_b, _a, s) => s.cacheSpanPath === path),
  ),
  witness('reachesStaleSpanUncachedAndSwept', go('mcentral.go', '(*mcentral).uncacheSpan'), "It's stale, so just sweep it. Sweeping will put it on the right list.", 'A span cached before the sweep began (sg+1) is given back and swept on the way.', (_b, _a, s) => s.sweepgenWrites.some((m) => m.from === 1 && m.to === -1)),
  witness('reachesSpanFreedByReclaim', go('mheap.go', '(*mheap).reclaim'), 'reclaim sweeps and reclaims at least npage pages into the heap.', "mheap.alloc's page reclaimer, while sweeping is not done, sweeps a span at sg-2 and frees it.", (_b, _a, s) => s.reclaimed > 0 && (s.swept ?? []).some((x) => x.dies)),
  witness('reachesEnsureSweptSweeps', go('mgcsweep.go', '(*mspan).ensureSwept'), 'Returns only when span s has been swept.', 'ensureSwept (as addspecial calls it) sweeps the span itself.', (_b, _a, s) => s.ensureSweptSwept === true),
  witness('reachesEnsureSweptWaits', go('mgcsweep.go', '(*mspan).ensureSwept'), "Unfortunately we can't sweep the span ourselves. Somebody else got to it first.", 'ensureSwept cannot acquire its span (a sweeper holds it at sg-1, or an mcache cached it before the sweep began) and would spin.', (_b, _a, s) => s.ensureSwept?.returned === false),
  witness('reachesSweeperLosesRace', go('mgcsweep.go', '(*sweepLocker).tryAcquire'), 'Attempt to acquire sweep ownership of s.', "A sweeper's CAS loses to another sweeper that took the span between its check and its CAS.", (_b, _a, s) => s.lostRace === 'sweepone'),
  witness('reachesCacheSpanLosesRace', go('mcentral.go', '(*mcentral).cacheSpan'), "We failed to get ownership of the span, which means it's being or has been swept by an asynchronous sweeper that just couldn't remove it from the unswept list.", "cacheSpan pops an unswept span, and another sweeper takes it between cacheSpan's check and its CAS.", (_b, _a, s) => s.lostRace === 'cacheSpan'),
  witness('reachesLargeSpanFreedBySweep', go('mgcsweep.go', '(*sweepLocked).sweep'), 'Free large object span to heap.', 'A large span whose object died is freed by sweeping.', (_b, _a, s) => (s.swept ?? []).some((x) => x.dies && x.large)),
  witness('reachesTinyBlockReused', go('malloc.go', 'mallocgc'), 'The object fits into existing tiny block.', 'A tiny allocation goes into the current tiny block.', (_b, _a, s) => s.tinyReuse === true),
  witness('reachesObjectFreedBySweep', go('mgcsweep.go', '(*sweepLocked).sweep'), 'gcmarkBits becomes the allocBits.', 'A sweep frees an unmarked object of a span it keeps.', (_b, _a, s) => (s.swept ?? []).some((x) => !x.dies && x.freed.length > 0)),
];
