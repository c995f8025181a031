// The version catalog: every behaviour of the page allocator and the
// scavenger (and of the span layer, where the real programs' page traces
// meet it) in which go1.19, go1.21 (the model) and go1.26 differ, each with
// the Go change that explains it. Data only: the comparers name an entry for
// every difference they let through (campaign/version_policy.ts,
// pagetrace/), and a difference no entry covers fails the run.
//
// Sources read: /usr/share/go-1.19/src/runtime (go1.19.8), go1.21.12
// (luode0320/go-1.21.0 @ b540f48), $(go env GOROOT)/src/runtime (go1.26.8).

/** The Go releases the catalog compares. go1.21 is the model's. */
export type GoRelease = 'go1.19' | 'go1.21' | 'go1.26';

/** The real runtimes the project runs (go1.21 has none on this machine). */
export type RealRelease = 'go1.19' | 'go1.26';

export type VersionArea = 'page allocator' | 'scavenger' | 'scavenge index' | 'test hooks' | 'span layer' | 'heap growth' | 'tracing';

export interface VersionEntry {
  /** The entry's name, used by the comparers and the report. */
  readonly id: string;
  readonly area: VersionArea;
  /** What each release does, in a sentence; "same as go1.21" where it agrees. */
  readonly go: Readonly<Record<GoRelease, string>>;
  /** The Go changes that explain the difference: commits, CLs, issues. */
  readonly change: readonly string[];
  /** Which form model/ follows, and where. */
  readonly model: string;
  /** How the differential runs deal with it, per real runtime: what is compared, in the model's go1.21 form. */
  readonly compared: Readonly<Record<RealRelease, string>>;
}

export const versionCatalog: readonly VersionEntry[] = [
  {
    id: 'freeMarksScavengeIndex',
    area: 'page allocator',
    go: {
      'go1.19': 'pageAlloc.free(base, npages, scavenged) marks the scavenge index only when scavenged is false; the PageAlloc.Free test hook passes true, and pageCache.flush does not mark it.',
      'go1.21': 'pageAlloc.free(base, npages) always records the free in the index (scav.index.free per chunk); so do pageCache.flush and allocRange/allocToCache (scav.index.alloc).',
      'go1.26': 'same as go1.21.',
    },
    change: ['commit 8fa9e3beee8b "runtime: manage huge pages explicitly" (CL 436395, Go 1.21, issue #59960): the per-chunk density index'],
    model: 'go1.21: model/mpagealloc.ts free, model/mpagecache.ts flush.',
    compared: {
      'go1.19':
        'a scavenge before the trace\'s first free, freeRef or cacheFlush is compared exactly; from the first scavenge after one, the fields that depend on scavenged bits (scavenge\'s released, the scav of alloc/cacheAlloc/allocToCache, the scav words of a state) are masked on both sides; pages, bitmaps, summaries, bounds and cache words are still compared.',
      'go1.26': 'no difference: compared exactly.',
    },
  },
  {
    id: 'scavengeHookForces',
    area: 'test hooks',
    go: {
      'go1.19': 'PageAlloc.Scavenge(n) calls scavenge(n, nil): the background-style search from one cursor.',
      'go1.21': 'PageAlloc.Scavenge(n) calls scavenge(n, nil, true): the forced search (searchAddrForce), as debug.FreeOSMemory does.',
      'go1.26': 'same as go1.21.',
    },
    change: ['commit 8fa9e3beee8b (CL 436395, Go 1.21, issue #59960): scavenge gains its force argument with the two cursors'],
    model: 'go1.21: the trace\'s scavenge op is scavenge(n, true) (conformance/trace/model_replay.ts).',
    compared: {
      'go1.19': 'as freeMarksScavengeIndex: from NewPageAlloc followed only by allocs, caches and scavenges both release the same pages, highest first; later scavenged-bit fields are masked.',
      'go1.26': 'no difference: compared exactly.',
    },
  },
  {
    id: 'scavengeIndexDensity',
    area: 'scavenge index',
    go: {
      'go1.19': 'the index is one bit per chunk plus one searchAddr (mark, find, clear); there is no background/forced distinction and no generation.',
      'go1.21':
        'per chunk a scavChunkData (inUse, lastInUse, gen, flags); two cursors searchAddrBg and searchAddrForce; freeHWM; nextGen once per GC cycle; the background scavenger skips chunks dense (inUse >= scavChunkHiOccPages) this or last generation; find(false) marks a chunk empty "for now" when it finds nothing.',
      'go1.26': 'same as go1.21 (only the noHugePage flag went, see scavChunkNoHugePageRemoved).',
    },
    change: ['commit 8fa9e3beee8b "runtime: manage huge pages explicitly" (CL 436395, Go 1.21, issue #59960)'],
    model: 'go1.21: model/mgcscavenge_index.ts.',
    compared: {
      'go1.19': 'not comparable: the trace ops that read or drive the go1.21 index (scavengeBg, nextGen, index) are not sent to go1.19 (its replayer refuses them, exit 3).',
      'go1.26':
        'compared exactly: the index op prints gen, both cursors (address, mark), freeHWM and every grown chunk\'s inUse, lastInUse, gen and flags; scavengeBg drives scavenge(n, nil, false) through the runtime\'s internals (realgo/index_export_test.go).',
    },
  },
  {
    id: 'scavChunkNoHugePageRemoved',
    area: 'scavenge index',
    go: {
      'go1.19': 'no such flag (no per-chunk data).',
      'go1.21':
        'scavChunkFlags has scavChunkNoHugePage (bit 1): scavengeOne sets it (setNoHugePage) before breaking up a chunk; scavChunkData.alloc clears it once inUse > scavChunkHiOccPages (setHugePage).',
      'go1.26': 'the flag, setNoHugePage, isHugePage and setHugePage are gone; flags has only scavChunkHasFree (bit 0).',
    },
    change: [
      'CL 531816 (fixes #63334): stop eagerly collapsing huge pages (sysHugePageCollapse caused production regressions); related #61718, #59960',
      'CL 532117 (for #63334): "After the previous CL, this is now all dead code": the huge-page tracking is deleted',
    ],
    model: 'go1.21: the model keeps the flag (model/mgcscavenge_index.ts, setNoHugePage / setHugePage).',
    compared: {
      'go1.19': 'not comparable (see scavengeIndexDensity).',
      'go1.26':
        'index.chunks[].flags is compared on scavChunkHasFree (bit 0) only, on both sides, and only on lines that differ otherwise; every other index field stays exact. The model\'s bit 1 is checked against go1.21\'s text by model/mgcscavenge.test.ts.',
    },
  },
  {
    id: 'scavengeIndexSysGrowMin',
    area: 'scavenge index',
    go: {
      'go1.19':
        'the bitmap index maps its backing store a physical page at a time and treats min == 0 as unset; a grow below the new min re-maps (zeroes) live index pages. NewPageAlloc grows its chunks in random map order, so with three or more chunks spread over two index pages scavenge results change from run to run.',
      'go1.21': 'go1.21.12\'s scavengeIndex.sysGrow updates min only when haveMin == 0: two downward growths re-map, and zero, a live entry (Go issue 63385).',
      'go1.26': 'fixed: min is lowered when haveMax == 0 || needMin < haveMin, max raised when needMax > haveMax.',
    },
    change: ['Go issue #63385 (the README\'s second finding; go1.21.12 still carries the bug)'],
    model: 'the fixed (go1.26) form; go1.21.12\'s form is the named mutant go63385SysGrowSeedMin (mutants/patches/).',
    compared: {
      'go1.19': 'the replayer refuses scavenges in such layouts (exit 3, "unsupported by go1.19.8") and the comparer stops there; the generator keeps chunk offsets below 16384 (or uses two chunks), so none arise.',
      'go1.26':
        'no difference with the model: compared exactly. go1.26\'s NewPageAlloc grows a trace\'s chunks in random map order (downward growths included) and agrees with the model\'s ascending order: with the fixed sysGrow the order does not matter. The seed form needs downward growths, which the model\'s NewPageAlloc never makes; the mheap suite reaches it.',
    },
  },
  {
    id: 'scavengeIndexGrowOnce',
    area: 'scavenge index',
    go: {
      'go1.19': 'the bitmap index is grown from pageAlloc.sysGrow only.',
      'go1.21': 'pageAlloc.grow maps the index twice: pageAlloc.sysGrow calls scav.index.sysGrow, then grow calls scav.index.grow (which calls sysGrow again; a no-op with the fixed min/max).',
      'go1.26': 'only scav.index.grow maps it (pageAlloc.sysGrow no longer calls scav.index.sysGrow).',
    },
    change: ['go1.26\'s runtime/mpagealloc_64bit.go (*pageAlloc).sysGrow; the commit was not identified here'],
    model: 'go1.21: both calls (model/mpagealloc.ts grow).',
    compared: {
      'go1.19': 'not observable in the trace format.',
      'go1.26': 'not observable: with the fixed sysGrow the second call maps nothing, and every index field is compared exactly after every grow.',
    },
  },
  {
    id: 'newPageAllocIndexSetup',
    area: 'test hooks',
    go: {
      'go1.19': 'NewPageAlloc marks a chunk\'s index bit when findScavengeCandidate(511, minPages, minPages) finds anything.',
      'go1.21': 'NewPageAlloc records index.alloc(ci, 512) and index.free(ci, 0, 512), then index.alloc(ci, N) for every alloc range (overlapping ranges count twice).',
      'go1.26': 'same as go1.21.',
    },
    change: ['commit 8fa9e3beee8b (CL 436395, Go 1.21)'],
    model: 'go1.21: model/export.ts newPageAlloc.',
    compared: {
      'go1.19': 'covered by freeMarksScavengeIndex: the first scavenges see the same chunks on both sides. The generator never sends overlapping alloc ranges, where the go1.21+ hook would count pages twice (and may throw "too many pages allocated in chunk?") and go1.19\'s counts nothing.',
      'go1.26': 'no difference: compared exactly (the index op after NewPageAlloc shows it); the model\'s NewPageAlloc counts each range\'s N as Go does (model/export.test.ts).',
    },
  },
  {
    id: 'scavengeOneChunkLevel',
    area: 'scavenger',
    go: {
      'go1.19': 'scavengeOne searches from page 511 (findScavengeCandidate(511, ...)), holds the range with p.allocRange (throws "double scavenge" if any page was scavenged), sysUnused, then p.free(addr, n, true).',
      'go1.21':
        'scavengeOne searches down from the cursor\'s page (findScavengeCandidate(searchIdx, ...)), holds the range with the chunk\'s allocRange + update (no index accounting, no "double scavenge"), sets noHugePage, then the chunk\'s free + update, lowering searchAddr by hand.',
      'go1.26': 'same as go1.21 without the noHugePage step.',
    },
    change: ['commit 8fa9e3beee8b (CL 436395, Go 1.21)', 'CL 532117 (Go 1.22) for the noHugePage step'],
    model: 'go1.21: model/mgcscavenge.ts scavengeOne.',
    compared: {
      'go1.19': 'from NewPageAlloc states (no free since) both release the same pages in the same order: compared exactly there (see freeMarksScavengeIndex).',
      'go1.26': 'compared exactly: released pages, scavenged bits, bitmaps, summaries, searchAddr effects through later allocs.',
    },
  },
  {
    id: 'memoryLimitGoal',
    area: 'scavenger',
    go: {
      'go1.19': 'gcPaceScavenger: memoryLimitGoal = memoryLimit * (100.0 - reduceExtraPercent), 95 times the limit.',
      'go1.21': 'same as go1.19 (the background scavenger\'s memory-limit goal is effectively never reached).',
      'go1.26': 'memoryLimitGoal = memoryLimit * (1 - reduceExtraPercent/100.0): 95% of the limit.',
    },
    change: ['Go issue #62449 "runtime: miscalculating the memoryLimitGoal in gcPaceScavenger"'],
    model: 'not modelled: the model has no scavenger pacing (gcPaceScavenger, scavengerState).',
    compared: {
      'go1.19': 'not observable: the page allocator hooks take the amount to scavenge as an argument.',
      'go1.26': 'not observable (as for go1.19).',
    },
  },
  {
    id: 'randomizedHeapBase',
    area: 'heap growth',
    go: {
      'go1.19': 'arena hints at 0x00c0<<32 | i<<40, i = 0x7f..0 (the heap starts at 0xc000000000).',
      'go1.21': 'same as go1.19.',
      'go1.26':
        'GOEXPERIMENT=randomizedheapbase64 (default on 64-bit): the hints start at a random arena-aligned prefix, the first grow starts at a random chunk of its arena, and markRandomPaddingPages marks a random run of pages allocated and scavenged (pages no span owns).',
    },
    change: ['CL 674835 (Go 1.26 release notes, "Heap base address randomization"; opt-out GOEXPERIMENT=norandomizedheapbase64)'],
    model: 'go1.21: model/malloc.ts arenaHintAddrs.',
    compared: {
      'go1.19': 'not applicable (the page allocator hooks build their own heap at BaseChunkIdx).',
      'go1.26': 'the real programs of the page-trace replay are built with GOEXPERIMENT=norandomizedheapbase64, so their heap grows from the go1.21 hints; the hooks are unaffected.',
    },
  },
  {
    id: 'pagetraceRemoved',
    area: 'tracing',
    go: {
      'go1.19': 'no page trace.',
      'go1.21': 'GOEXPERIMENT=pagetrace with GODEBUG=pagetrace=FILE records every span allocation and free and every scavenge, per P, from program start (runtime/pagetrace_on.go).',
      'go1.26':
        'no pagetrace experiment (no runtime/pagetrace_on.go, no goexperiment.PageTrace). The execution tracer\'s alloc/free experiment (GODEBUG=traceallocfree=1) records span allocations and frees (SpanAlloc, SpanFree) and a snapshot of live spans when the trace starts; it records no scavenges and no page caches.',
    },
    change: ['commit 724bab1505 "runtime: add traceallocfree GODEBUG for alloc/free events in traces" (Go 1.23, after 11047345f5 removed allocfreetrace, CL 583376); the commit deleting pagetrace was not identified here'],
    model: 'not part of the model.',
    compared: {
      'go1.19': 'not applicable.',
      'go1.26': 'the page-trace replay reads traceallocfree\'s span events (conformance/pagetrace/); scavenges of real programs cannot be replayed.',
    },
  },
  {
    id: 'needzeroScavengedSpan',
    area: 'span layer',
    go: {
      'go1.19': 'needzero = allocNeedsZero(base, npages).',
      'go1.21': 'same as go1.19 (in initSpan).',
      'go1.26': 'initSpan skips needzero when every page of the span was scavenged (the kernel zero-fills them) and needZeroAfterSysUnused() is false.',
    },
    change: ['go1.26\'s runtime/mheap.go (*mheap).initSpan; the commit was not identified here'],
    model: 'go1.21: model/mheap_alloc.ts initSpan.',
    compared: {
      'go1.19': 'not applicable.',
      'go1.26': 'not observable: span events carry no needzero.',
    },
  },
  {
    id: 'spanInlineMarkBits',
    area: 'span layer',
    go: {
      'go1.19': 'nelems = npages*pageSize / elemsize.',
      'go1.21': 'same as go1.19 (plus heap bits in span from go1.22 on).',
      'go1.26': 'Green Tea GC (GOEXPERIMENT=greenteagc, default): small spans reserve inline mark bits, and heap bits, before nelems; pageUseSpanInlineMarkBits is set and cleared beside pageInUse.',
    },
    change: ['Go issue #73581 (the Green Tea garbage collector)'],
    model: 'go1.21: model/mheap_alloc.ts initSpan.',
    compared: {
      'go1.19': 'not applicable.',
      'go1.26': 'not observable at the page level: the replay takes each span\'s page count from the trace.',
    },
  },
];

/** The entry with this id; throws for an unknown id (a comparer naming an entry the catalog lacks is a bug). */
export function versionEntry(id: string): VersionEntry {
  const e = versionCatalog.find((x) => x.id === id);
  if (e === undefined) throw new Error(`no version catalog entry ${JSON.stringify(id)}`);
  return e;
}
