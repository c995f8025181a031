// Action properties of the page allocator: claims about one step, given
// what the spec says the step should have done.

import { hexWord } from '../../model/sys.js';
import type { ActionProperty } from '../catalog.js';
import { go } from '../catalog.js';
import { pageHex } from './modelView.js';
import type { ReadonlyPageSet } from './pageSet.js';
import type { PageAllocSnapshot, PageAllocStep } from './world.js';
import { pagesOf } from '../format.js';

const specFile = 'spec/pagealloc/actions.ts';
type Act = ActionProperty<PageAllocSnapshot, PageAllocStep>;

function gotPage(step: { addr: number; handedOut?: { firstPage: number } }): number {
  return step.addr === 0 ? -1 : (step.handedOut?.firstPage ?? -1);
}

export const allocIsFirstFit: Act = {
  id: 'allocIsFirstFit',
  kind: 'action',
  go: go('mpagealloc.go', 'package comment'),
  quote: 'Allocation is performed using an address-ordered first-fit approach.',
  statement: 'pageAlloc.alloc(n) returns the lowest address that starts n consecutive free pages in grown memory, or 0 when there is none.',
  against: "the abstract page heap's first fit",
  specFile,
  holds: (_b, _a, s) => s.op !== 'alloc' || gotPage(s) === s.want.page,
  why: (b, _a, s) => (s.op === 'alloc' ? `alloc(${s.npages}) returned ${pageHex(b, gotPage(s))}; first fit is ${pageHex(b, s.want.page)}` : ''),
};

export const allocReportsScavengedBytes: Act = {
  id: 'allocReportsScavengedBytes',
  kind: 'action',
  go: go('mpagealloc.go', '(*pageAlloc).alloc'),
  quote: 'alloc allocates npages worth of memory from the page heap, returning the base address for the allocation and the amount of scavenged memory in bytes contained in the region',
  statement: 'A successful alloc reports exactly the scavenged pages of the run it returns, in bytes.',
  against: "the abstract page heap's scavenged pages",
  specFile,
  holds: (_b, _a, s) => s.op !== 'alloc' || s.addr === 0 || s.scav === s.want.scavBytes,
  why: (_b, _a, s) => (s.op === 'alloc' ? `alloc(${s.npages}) reported ${s.scav} scavenged bytes; the run held ${s.want.scavBytes}` : ''),
};

export const noPageHandedOutTwice: Act = {
  id: 'noPageHandedOutTwice',
  kind: 'action',
  go: go('mpagealloc.go', '(*pageAlloc).allocRange'),
  quote: 'allocRange marks the range of memory [base, base+npages*pageSize) as allocated.',
  statement: 'Every page alloc, allocToCache or a page cache hands out was free (not allocated, not cached) just before.',
  against: "the abstract page heap's free pages before the call",
  specFile,
  holds: (_b, _a, s) => {
    if (s.op === 'alloc' || s.op === 'cacheAlloc') return (s.handedOut?.heldBefore ?? 0) === 0;
    if (s.op === 'allocToCache') return s.heldBefore === 0;
    return true;
  },
  why: (_b, _a, s) => `${s.op} handed out pages that were already held`,
};

export const allocToCacheTakesFirstFreeBlock: Act = {
  id: 'allocToCacheTakesFirstFreeBlock',
  kind: 'action',
  go: go('mpagecache.go', '(*pageAlloc).allocToCache'),
  quote: 'allocToCache acquires a pageCachePages-aligned chunk of free pages which may not be contiguous, and returns a pageCache structure which owns the chunk.',
  statement: 'allocToCache takes the 64-page aligned block holding the lowest free page, and the cache gets exactly that block\'s free pages with their scavenged bits (an empty cache when nothing is free).',
  against: 'the abstract page heap',
  specFile,
  holds: (_b, _a, s) => s.op !== 'allocToCache' || (s.got.basePage === s.want.basePage && s.got.cache === s.want.cache && s.got.scav === s.want.scav),
  why: (_b, _a, s) =>
    s.op === 'allocToCache'
      ? `allocToCache gave block ${s.got.basePage} cache ${hexWord(s.got.cache)} scav ${hexWord(s.got.scav)}; want block ${s.want.basePage} cache ${hexWord(s.want.cache)} scav ${hexWord(s.want.scav)}`
      : '',
};

export const cacheAllocIsLowestRun: Act = {
  id: 'cacheAllocIsLowestRun',
  kind: 'action',
  go: go('mpagecache.go', '(*pageCache).allocN'),
  quote: 'allocN is a helper which attempts to allocate npages worth of pages from the cache.',
  statement: "pageCache.alloc(n) returns the lowest run of n of the cache's free pages (0 when there is none) and the scavenged bytes in it.",
  against: "the abstract page heap's account of the cache",
  specFile,
  holds: (_b, _a, s) => s.op !== 'cacheAlloc' || (gotPage(s) === s.want.page && (s.addr === 0 || s.scav === s.want.scavBytes)),
  why: (b, _a, s) =>
    s.op === 'cacheAlloc' ? `c${s.id}.alloc(${s.npages}) returned ${pageHex(b, gotPage(s))} (${s.scav} scavenged bytes); want ${pageHex(b, s.want.page)} (${s.want.scavBytes} scavenged bytes)` : '',
};

export const scavengeReleasesOnlyFreePages: Act = {
  id: 'scavengeReleasesOnlyFreePages',
  kind: 'action',
  go: go('mgcscavenge.go', '(*pageAlloc).scavengeOne'),
  quote: 'scavengeOne walks over the chunk at chunk index ci and searches for a contiguous run of pages to scavenge.',
  statement: 'A scavenge turns only free, unscavenged pages into scavenged ones, changes nothing else, and reports exactly the bytes it released.',
  against: "the abstract page heap's free, unscavenged pages before the call",
  specFile,
  holds: (_b, _a, s) => s.op !== 'scavenge' || (s.otherChanges.size === 0 && s.newlyScavenged.minus(s.scavengeableBefore).size === 0 && s.released === s.newlyScavenged.size * s.pageSize),
  why: (b, _a, s) => {
    if (s.op !== 'scavenge') return '';
    const pages = (ps: readonly number[]): string => ps.slice(0, 8).map((p) => pageHex(b, p)).join(', ');
    if (s.otherChanges.size > 0) return `pages [${pages(s.otherChanges.sorted())}] changed in a way scavenging must not change them`;
    const bad = s.newlyScavenged.minus(s.scavengeableBefore);
    if (bad.size > 0) return `pages [${pages(bad.sorted())}] were scavenged but were not free and unscavenged`;
    return `released ${s.released} bytes for ${s.newlyScavenged.size} pages`;
  },
};

/** Pages a forced scavenge is expected to find: free, unscavenged, and not left unreachable by a background scavenge. */
function expectedScavengeable(s: Extract<PageAllocStep, { op: 'scavenge' }>): ReadonlyPageSet {
  return s.scavengeableAfter.minus(s.unreachableAfter);
}

function policyProblem(b: PageAllocSnapshot, s: PageAllocStep): string | undefined {
  if (s.op !== 'scavenge') return undefined;
  const want = s.want.filter((o) => o.npages > 0);
  const run = (r: { firstPage: number; npages: number }): string => `[${pageHex(b, r.firstPage)}, +${pagesOf(r.npages)})`;
  for (let i = 0; i < Math.max(want.length, s.got.length); i++) {
    const w = want[i];
    const g = s.got[i];
    if (w !== undefined && g !== undefined && w.firstPage === g.firstPage && w.npages === g.npages) continue;
    const where = w === undefined ? '' : ` (in chunk ${pageHex(b, w.chunkFirstPage)}, searched down from its page ${w.searchIdx})`;
    const expected = w === undefined ? 'nothing more' : run(w) + where;
    return `scavengeOne #${i + 1} of scavenge(${s.nbytes === Infinity ? '^uintptr(0)' : s.nbytes}, force=${s.force}) released ${g === undefined ? 'nothing' : run(g)}; the index's policy releases ${expected}`;
  }
  return undefined;
}

function highestFirstProblem(b: PageAllocSnapshot, s: PageAllocStep): string | undefined {
  if (s.op !== 'scavenge' || s.newlyScavenged.size === 0) return undefined;
  const lowestReleased = s.newlyScavenged.first();
  const above = expectedScavengeable(s).firstAbove(lowestReleased);
  return above < 0 ? undefined : `page ${pageHex(b, above)} is still free and unscavenged, above ${pageHex(b, lowestReleased)}, which was released`;
}

export const scavengeReleasesHighestFirst: Act = {
  id: 'scavengeReleasesHighestFirst',
  kind: 'action',
  go: go('mgcscavenge.go', '(*pageAlloc).scavenge'),
  quote: 'scavenge scavenges nbytes worth of free pages, starting with the highest address first.',
  statement:
    'After a forced scavenge that released pages, no free, unscavenged page remains above the lowest page it released (pages the spec\'s background scavenges left unreachable excepted: see scavIndexCoversScavengeablePages).',
  against: "the abstract page heap, and the spec's account of what background scavenges left unreachable",
  specFile,
  holds: (b, _a, s) => s.op !== 'scavenge' || !s.force || highestFirstProblem(b, s) === undefined,
  why: (b, _a, s) => highestFirstProblem(b, s) ?? '',
};

export const forcedScavengeIsComplete: Act = {
  id: 'forcedScavengeIsComplete',
  kind: 'action',
  go: go('mgcscavenge.go', '(*pageAlloc).scavenge'),
  quote: 'scavenge always tries to scavenge nbytes worth of memory, and will only fail to do so if the heap is exhausted for now.',
  statement:
    'A forced scavenge that released less than it was asked for leaves no free, unscavenged page behind (pages the spec\'s background scavenges left unreachable excepted: see scavIndexCoversScavengeablePages).',
  against: "the abstract page heap, and the spec's account of what background scavenges left unreachable",
  specFile,
  holds: (_b, _a, s) => s.op !== 'scavenge' || !s.force || s.released >= s.nbytes || expectedScavengeable(s).size === 0,
  why: (b, _a, s) => {
    if (s.op !== 'scavenge') return '';
    const left = expectedScavengeable(s);
    return `scavenge(${s.nbytes}) released ${s.released} bytes, but ${left.size} pages remain free and unscavenged (e.g. ${pageHex(b, left.last())})`;
  },
};

export const scavengeFollowsTheIndex: Act = {
  id: 'scavengeFollowsTheIndex',
  kind: 'action',
  go: go('mgcscavenge.go', '(*scavengeIndex).find'),
  quote: 'find returns the highest chunk index that may contain pages available to scavenge. It also returns an offset to start searching in the highest chunk.',
  statement:
    "Each scavengeOne releases exactly the run the index's policy picks: the highest chunk at or below the cursor that shouldScavenge allows (its has-free flag; a background scavenge also skips a chunk dense in this generation or the last, by scavChunkHiOccPages), then the highest run of free, unscavenged physical pages at or below the cursor's 64-page word, at most what is left to release, widened to a huge page boundary rather than break a free huge page.",
  against: "the spec's scavenger (spec/pagealloc/scavengeIndex.ts), run on the abstract page heap and the spec's own index",
  specFile,
  holds: (b, _a, s) => policyProblem(b, s) === undefined,
  why: (b, _a, s) => policyProblem(b, s) ?? '',
};

/** The page allocator's action properties, in catalog order. */
export const pageAllocActionProperties: readonly Act[] = [
  allocIsFirstFit,
  allocReportsScavengedBytes,
  noPageHandedOutTwice,
  allocToCacheTakesFirstFreeBlock,
  cacheAllocIsLowestRun,
  scavengeReleasesOnlyFreePages,
  scavengeFollowsTheIndex,
  scavengeReleasesHighestFirst,
  forcedScavengeIsComplete,
];
