// The catalog of named mutants: small, deliberate bugs in model/, each a
// patch under mutants/patches/<id>.patch applied to a scratch copy
// (mutants/scratch.ts), so model/ carries no test-only branches. Several
// re-create a real Go runtime bug; every one names what it breaks and the
// catalog rule (or Go throw) that must catch it. `mheap-spec mutants` runs
// the suites against each and writes reports/mutants.md.

export interface NamedMutant {
  /** The patch's name: mutants/patches/<id>.patch. */
  readonly id: string;
  /** What the bug does, in a line. */
  readonly breaks: string;
  /** The Go issues it re-creates, if any (golang/go#N). */
  readonly goIssues?: readonly number[];
  /** The catalog rules (ids) or Go throws (`throw("...")`) expected to catch it; any of them counts. */
  readonly caughtBy: readonly string[];
  /** The suites that run against it, in order: the probe stops at the first that fails. */
  readonly suites: readonly string[];
}

const pageSuites = ['pagealloc-small', 'pagealloc'] as const;
const heapSuites = ['mheap-small', 'mheap'] as const;
const sweepSuites = ['sweep-small', 'sweep'] as const;

export const namedMutants: readonly NamedMutant[] = [
  // The page allocator (runtime/mpagealloc.go, mpagecache.go, mgcscavenge.go).
  {
    id: 'findIgnoresStraddle',
    breaks: 'pageAlloc.find never takes a run that straddles summary entries',
    caughtBy: ['allocIsFirstFit', 'throw("bad summary data")'],
    suites: pageSuites,
  },
  {
    id: 'findBestFit',
    breaks: 'pageAlloc.find descends into the fitting entry with the smallest max, not the first',
    caughtBy: ['allocIsFirstFit'],
    suites: pageSuites,
  },
  {
    id: 'updateSkipsParents',
    breaks: 'pageAlloc.update stops at the leaf level: inner summaries go stale',
    caughtBy: ['innerSummariesCombineChildren'],
    suites: pageSuites,
  },
  {
    id: 'freeKeepsSearchAddr',
    breaks: 'pageAlloc.free does not lower searchAddr: freed pages below it are never found',
    caughtBy: ['searchAddrIsLowerBound'],
    suites: pageSuites,
  },
  {
    id: 'go35445ScavengeMaxNotAligned',
    breaks: 'findScavengeCandidate does not align max up to the physical page: with max not a multiple of min it releases part of a physical page',
    goIssues: [35445],
    caughtBy: ['scavengeFollowsTheIndex', 'scavengeReleasesOnlyFreePages'],
    suites: ['pagealloc-16k'],
  },
  {
    id: 'go63385SysGrowSeedMin',
    breaks: "scavengeIndex.sysGrow updates min only when haveMin == 0 (the go1.21 seed's form)",
    goIssues: [63385],
    caughtBy: ['scavIndexEntriesMatchSpec'],
    suites: pageSuites,
  },
  {
    id: 'allocRangeKeepsScavengedBits',
    breaks: 'pallocData.allocRange leaves the scavenged bits of the pages it allocates set',
    caughtBy: ['pageAllocRefinesSpec', 'scavengedImpliesFree'],
    suites: pageSuites,
  },
  {
    id: 'allocRangeMissesLastScavengedPage',
    breaks: 'allocRange counts the scavenged pages of a one-chunk range but its last',
    caughtBy: ['allocReportsScavengedBytes'],
    suites: pageSuites,
  },
  {
    id: 'updateMarksMiddleChunksFree',
    breaks: 'update, for a contiguous range over three or more chunks, marks the whole chunks in between free even on an alloc',
    caughtBy: ['leafSummariesMatchBitmaps'],
    suites: pageSuites,
  },
  {
    id: 'findScavengeCandidateKeepsRunBottom',
    breaks: 'findScavengeCandidate splits a run longer than max keeping its bottom, not its top',
    caughtBy: ['scavengeReleasesHighestFirst', 'scavengeFollowsTheIndex'],
    suites: pageSuites,
  },
  {
    id: 'scavengeStopsAfterOneChunk',
    breaks: 'scavenge stops after the first chunk that released anything, short of nbytes',
    caughtBy: ['forcedScavengeIsComplete', 'scavIndexEntriesMatchSpec'],
    suites: pageSuites,
  },
  {
    id: 'findScavengeCandidateIgnoresAllocBits',
    breaks: 'findScavengeCandidate looks only at the scavenged bits: allocated pages become candidates',
    caughtBy: ['scavengeReleasesOnlyFreePages'],
    suites: pageSuites,
  },
  {
    id: 'scavIndexFindIgnoresGen',
    breaks: 'scavengeIndex.find: the background scavenger takes chunks as the forced one does, ignoring this generation\'s occupancy',
    caughtBy: ['scavengeFollowsTheIndex', 'scavIndexEntriesMatchSpec'],
    suites: pageSuites,
  },
  {
    id: 'pageCacheAllocNSkipsShortestRun',
    breaks: 'pageCache.allocN looks for npages+1 free pages: a run of exactly npages is passed over',
    caughtBy: ['cacheAllocIsLowestRun'],
    suites: pageSuites,
  },
  {
    id: 'pageCacheFlushForgetsScavenged',
    breaks: 'pageCache.flush gives back the cache\'s free pages without their scavenged bits',
    caughtBy: ['pageAllocRefinesSpec'],
    suites: pageSuites,
  },
  {
    id: 'allocToCacheSkipsLonePage',
    breaks: 'allocToCache\'s fast path looks for two free pages in a row: a block whose only free page is alone is skipped',
    caughtBy: ['allocToCacheTakesFirstFreeBlock', 'throw("bad summary data")'],
    suites: pageSuites,
  },
  {
    id: 'addrRangesMissesLastCoalesce',
    breaks: 'addrRanges.add does not coalesce a range with the last range above it',
    caughtBy: ['inUseIsSortedAndCoalesced'],
    suites: pageSuites,
  },
  {
    id: 'growSetsEndOnlyOnce',
    breaks: 'pageAlloc.grow sets end on the first growth only',
    caughtBy: ['boundsCoverGrownChunks'],
    suites: pageSuites,
  },
  // The span layer (runtime/mheap.go, stack.go).
  {
    id: 'allocNeedsZeroKeepsZeroedBase',
    breaks: 'allocNeedsZero never advances zeroedBase: reused memory is handed out as already zero',
    caughtBy: ['zeroedBaseIsHighWaterMark', 'needzeroIsPrecise', 'needzeroIsSound'],
    suites: heapSuites,
  },
  {
    id: 'allocSpanExtraPage',
    breaks: 'allocSpan hands out one page more than it was asked for',
    caughtBy: ['spanIsWhatWasAsked'],
    suites: heapSuites,
  },
  {
    id: 'initSpanDropsNoscan',
    breaks: 'initSpan drops the noscan bit of the span class',
    caughtBy: ['spanIsWhatWasAsked'],
    suites: heapSuites,
  },
  {
    id: 'allocSpanStatsDrift',
    breaks: "allocSpan moves one page of each heap span from heapInUse to heapFree: the totals agree, the split does not",
    caughtBy: ['heapStatsMatchSpec'],
    suites: heapSuites,
  },
  {
    id: 'zeroedBaseJumpsToArenaEnd',
    breaks: 'allocNeedsZero moves zeroedBase to the end of the arena, not of the allocation: later fresh pages are zeroed again',
    caughtBy: ['zeroedBaseIsHighWaterMark', 'needzeroIsPrecise'],
    suites: heapSuites,
  },
  {
    id: 'freeSpanLeaksPages',
    breaks: 'freeSpanLocked kills a 3-page span without giving its pages back to the page allocator',
    caughtBy: ['spansDieWhenTheirCallersFreeThem', 'liveSpansRefineSpec', 'everyPageHasOneOwner'],
    suites: heapSuites,
  },
  {
    id: 'bgScavengeClearsForceCursor',
    breaks: "scavengeIndex.find: a background search that finds nothing clears the forced scavenger's cursor too",
    caughtBy: ['scavIndexCursorsMatchSpec'],
    suites: pageSuites,
  },
  {
    id: 'scavengeOneEmptiesAfterRelease',
    breaks: 'scavengeOne marks the chunk empty after releasing pages, though it may hold more to scavenge',
    caughtBy: ['scavIndexEntriesMatchSpec'],
    suites: [...pageSuites, ...heapSuites],
  },
  {
    id: 'setSpansSkipsLastPage',
    breaks: 'setSpans leaves the spans map of a span\'s last page unset',
    caughtBy: ['spansMapAgreesWithSpec', 'spanLookupsAgreeWithSpec'],
    suites: heapSuites,
  },
  {
    id: 'freeSpanClearsWrongPageInUseBit',
    breaks: 'freeSpanLocked clears the pageInUse bit of the next page, not the span\'s own',
    caughtBy: ['pageInUseMarksInUseSpans'],
    suites: heapSuites,
  },
  {
    id: 'freeSpanMiscountsPagesInUse',
    breaks: 'freeSpanLocked takes one page too few off pagesInUse',
    caughtBy: ['pagesInUseCountsInUsePages'],
    suites: heapSuites,
  },
  {
    id: 'recordspanTwice',
    breaks: 'recordspan appends a new span structure to allspans twice',
    caughtBy: ['allspansHoldsEverySpanOnce', 'liveSpansRefineSpec'],
    suites: heapSuites,
  },
  {
    id: 'mspanInitResetsSweepgen',
    breaks: 'mspan.init zeroes sweepgen: a recycled span structure forgets its generation',
    caughtBy: ['recycledSpanKeepsSweepgen', 'sweepgenMovesLegally'],
    suites: heapSuites,
  },
  {
    id: 'allocSpanHalvesReleasedDrop',
    breaks: 'allocSpan takes only half of the scavenged bytes it reused off heapStats.released',
    caughtBy: ['heapStatsAreConsistent', 'heapStatsMatchSpec'],
    suites: heapSuites,
  },
  {
    id: 'allocSpanPageCacheOnlyTiny',
    breaks: 'allocSpan uses the P\'s page cache only below pageCachePages/16 pages, not pageCachePages/4',
    caughtBy: ['allocSpanUsesThePageCacheFirst'],
    suites: heapSuites,
  },
  {
    id: 'sysAllocHintNotAdvanced',
    breaks: 'sysAlloc moves a successful hint on only when it grows down: an upward hint stays where it was',
    caughtBy: ['arenaHintsKeepGoOrder'],
    suites: heapSuites,
  },
  {
    id: 'growTreatsLaterArenaAsContiguous',
    breaks: 'mheap.grow takes any new arena above the current one as contiguous with it',
    caughtBy: ['curArenaLiesInTheLastArena', 'throw("grew heap, but no adequate free space found")'],
    suites: heapSuites,
  },
  {
    id: 'freeSpanLockedWrongThrow',
    breaks: 'freeSpanLocked\'s check of an in-use span throws the invalid-span-state message, not Go\'s invalid-free one',
    caughtBy: ['misuseThrowsGosMessage'],
    suites: heapSuites,
  },
  {
    id: 'initSpanForgetsNeedzero',
    breaks: 'initSpan does not set needzero when allocNeedsZero says the memory is dirty',
    caughtBy: ['needzeroIsSound', 'needzeroIsPrecise'],
    suites: heapSuites,
  },
  {
    id: 'initSpanAlwaysNeedzero',
    breaks: 'initSpan sets needzero on every span, fresh zeroed memory included',
    caughtBy: ['needzeroIsPrecise'],
    suites: heapSuites,
  },
  {
    id: 'validateAllocTakesZeroPages',
    breaks: 'mheap.alloc and allocManual take a request for 0 pages instead of refusing it',
    caughtBy: ['undefinedInputIsRefused'],
    suites: heapSuites,
  },
  {
    id: 'sysUnusedKeepsMappedReady',
    breaks: 'sysUnused leaves one page of every multi-page release counted in gcController.mappedReady',
    caughtBy: ['heapStatsAreConsistent'],
    suites: heapSuites,
  },
  {
    id: 'spanOfHeapPastLimit',
    breaks: "spanOfHeap takes the address one past a span's last object as inside it",
    caughtBy: ['spanLookupsAgreeWithSpec'],
    suites: heapSuites,
  },
  // Real Go runtime bugs, re-created.
  {
    id: 'go11267StackfreeDuringGC',
    breaks: 'stackfree gives a large stack span back to the heap while the GC is marking, not to stackLarge',
    goIssues: [11267],
    caughtBy: ['noSpanFreedDuringGC', 'spansDieWhenTheirCallersFreeThem'],
    suites: heapSuites,
  },
  {
    id: 'go40191FindUnclampedSearchAddr',
    breaks: 'pageAlloc.find returns its first-free bound unclamped: searchAddr may land in unmapped memory between discontiguous chunks',
    goIssues: [40191],
    caughtBy: ['searchAddrIsMapped'],
    suites: pageSuites,
  },
  {
    id: 'go38605AllocToCacheSearchAddrPastBlock',
    breaks: 'allocToCache sets searchAddr one page past the cached block, not to its last page',
    goIssues: [38605],
    caughtBy: ['searchAddrIsMapped', 'searchAddrIsLowerBound'],
    suites: pageSuites,
  },

  // The sweeper (runtime/mgcsweep.go, mcentral.go, mcache.go, malloc.go, mgc.go).
  {
    id: 'tryAcquireWithoutCAS',
    breaks: 'sweepLocker.tryAcquire stores sg-1 after its check without the compare-and-swap: two sweepers can take one span',
    caughtBy: ['sweepgenMovesLegally'],
    suites: sweepSuites,
  },
  {
    id: 'uncacheSpanStaleUnswept',
    breaks: 'mcentral.uncacheSpan tests for a stale span at sg-1, not sg+1: a span cached before the sweep began goes to the swept sets unswept',
    caughtBy: ['sweepgenMovesLegally'],
    suites: sweepSuites,
  },
  {
    id: 'uncacheSpanMovesStaleWithoutSweep',
    breaks: 'mcentral.uncacheSpan takes a stale (sg+1) span to sg-1 and puts it on a swept set without sweeping it',
    caughtBy: ['markTerminationBeginsTheSweep'],
    suites: sweepSuites,
  },
  {
    id: 'sweepFreesMarked',
    breaks: 'sweep gets the fresh gcmarkBits before it makes the old ones the allocBits: every object of a swept span is freed, marked or not',
    caughtBy: ['objectsAreTheSpecs'],
    suites: sweepSuites,
  },
  {
    id: 'go54596FreeIndexForScanWithFreeindex',
    breaks: 'nextFreeFast and nextFreeIndex advance freeIndexForScan with freeindex: the GC sees an object as allocated before mallocgc has published it',
    goIssues: [54596],
    caughtBy: ['unpublishedObjectsAreFreeToTheGC'],
    suites: sweepSuites,
  },
  {
    id: 'allocSkipsReclaim',
    breaks: "mheap.alloc skips `if !isSweepDone() { h.reclaim(npages) }`: the heap grows while unswept garbage waits",
    caughtBy: ['allocReclaimsFirst'],
    suites: sweepSuites,
  },
  {
    id: 'go46500SweepTermination',
    breaks: "go1.17's sweep termination: sweepone counts itself among the sweepers only once tryAcquire's check passes, so a sweeper that has popped the last span is not counted and isSweepDone can be true while it holds it",
    goIssues: [45315, 46500],
    caughtBy: ['sweepDoneMeansSwept'],
    suites: sweepSuites,
  },
  {
    id: 'idlePsNotFlushed',
    breaks: "gcMarkTermination does not flush idle Ps' mcaches at once: an idle P the scheduler would let flush later keeps its sg+1 spans",
    caughtBy: ['markTerminationBeginsTheSweep'],
    suites: sweepSuites,
  },  {
    id: 'ensureSweptDoesNotWait',
    breaks: 'ensureSwept returns when it cannot acquire the span, without waiting for its sweeper (sg-1) or its mcache (sg+1) to finish',
    caughtBy: ['ensureSweptReturnsSwept'],
    suites: sweepSuites,
  },
  {
    id: 'pageMarksNotCleared',
    breaks: "gcResetMarkState does not clear the arenas' pageMarks: the last cycle's page marks survive into the mark phase",
    caughtBy: ['marksAreTheSpecs'],
    suites: sweepSuites,
  },
  {
    id: 'sweepKeepsMarkBits',
    breaks: 'sweep makes gcmarkBits the allocBits but gets no fresh gcmarkBits: the next cycle starts with every live object already marked',
    caughtBy: ['marksAreTheSpecs'],
    suites: sweepSuites,
  },
  {
    id: 'sweepCountsFreedObjectsNotBytes',
    breaks: 'sweep adds the number of objects it freed to totalFree, not their bytes',
    caughtBy: ['totalAllocAndFreeAreConsistent'],
    suites: sweepSuites,
  },
  {
    id: 'gcStartMarksBeforeFinishSweep',
    breaks: 'gcStart enters _GCmark before finishsweep_m: the last unswept spans are swept, and empty ones freed, while the GC marks',
    caughtBy: ['noSpanFreedDuringGC', 'spanStateTransitionsAreLegal'],
    suites: sweepSuites,
  },
  {
    id: 'gcSweepBeforeGCoff',
    breaks: 'gcMarkTermination calls gcSweep before it sets gcphase to _GCoff',
    caughtBy: ['throw("gcSweep being done but phase is not GCoff")'],
    suites: sweepSuites,
  },
  {
    id: 'uncacheSpanKeepsCachedSweepgen',
    breaks: 'mcentral.uncacheSpan fixes up the sweepgen of a stale span only: a span cached after the sweep began goes to a swept set still at sg+3',
    caughtBy: ['inUseSpansHaveOnePlace'],
    suites: sweepSuites,
  },
  {
    id: 'nextSpanForSweepHalfTheClasses',
    breaks: 'nextSpanForSweep stops at numSweepClasses/2: the unswept sets of the upper span classes are never swept by sweepone, yet sweeping is marked drained',
    caughtBy: ['sweepDoneMeansSwept', 'throw("attempt to clear non-empty span set")'],
    suites: sweepSuites,
  },  {
    id: 'sweepFreesPreservedSpan',
    breaks: "sweep frees a small span left with no objects even when its caller asked to preserve it (cacheSpan's sweep): mcentral hands an mcache a span that is back in the heap",
    caughtBy: ['spansDieWhenTheirCallersFreeThem'],
    suites: sweepSuites,
  },
  {
    id: 'finishsweepSweepsOne',
    breaks: 'finishsweep_m calls sweepone once instead of until it reports nothing left: spans still unswept when the mark phase begins',
    caughtBy: ['throw("attempt to clear non-empty span set")'],
    suites: sweepSuites,
  },  {
    id: 'ensureSweptEndsTwice',
    breaks: 'ensureSwept, having swept the span itself, does not return: it calls sweep.active.end a second time',
    caughtBy: ['throw("mismatched begin/end of activeSweep")', 'sweepDoneMeansSwept'],
    suites: sweepSuites,
  },
  {
    id: 'releaseAllKeepsTinyBlock',
    breaks: "mcache.releaseAll does not clear the tiny block: after mark termination the P keeps packing tiny objects into a block the sweep may free and hand to another object",
    caughtBy: ['mallocgcReturnsAFreeSlot'],
    suites: sweepSuites,
  },
  {
    id: 'allocWhiteDuringMark',
    breaks: 'mallocgc does not allocate black during the GC (no gcmarknewobject): an object allocated while marking is left unmarked',
    caughtBy: ['marksAreTheSpecs'],
    suites: sweepSuites,
  },
  {
    id: 'reclaimChunkHintInverted',
    breaks: 'reclaimChunk looks at pageInUse & pageMarks, not pageInUse &^ pageMarks: the reclaimer sweeps the spans with marks and skips those it could free',
    caughtBy: ['allocReclaimsFirst'],
    suites: sweepSuites,
  },
];

const byId = new Map(namedMutants.map((m) => [m.id, m]));

/** The ids of every named mutant, in catalog order. */
export const namedMutantIds: readonly string[] = namedMutants.map((m) => m.id);

/** The named mutant id; throws on an unknown id. */
export function namedMutant(id: string): NamedMutant {
  const m = byId.get(id);
  if (m === undefined) throw new Error(`unknown mutant ${JSON.stringify(id)}`);
  return m;
}
