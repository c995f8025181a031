// Which of Go's page-allocator and scavenger tests conformance/gotables
// ports, and how their case tables differ between go1.19, go1.21 and go1.26.
// go1.26.8's tables hold the same cases as go1.21.12's (only restructured, so
// that small chunk sizes on wasm skip some); the ported cases are go1.21's,
// which hold for the model's go1.21 semantics. go_versions.gotables.test.ts
// checks this list against the Go sources on the machine.

import type { Geometry } from '../../model/geometry.js';
import { findScavengeCandidateCases, pageAllocScavengeCases } from './mgcscavenge_cases.js';
import { scavengeIndexCases } from './mgcscavenge_index_cases.js';
import { pageAllocAllocCases, pageAllocFreeCases, pageAllocGrowCases } from './mpagealloc_cases.js';
import { pageAllocAllocToCacheCases, pageCacheAllocCases } from './mpagecache_cases.js';
import { mallocBitsPopcntRangeCases, pallocBitsAllocCases, pallocBitsAllocRangeCases, pallocBitsSummarizeCases } from './mpallocbits_cases.js';

export interface PortedGoTest {
  /** Go's test function, e.g. TestPageAllocAlloc; the ported subtests are named TEST/CASE as Go names them. */
  readonly test: string;
  /** Its file in src/runtime. */
  readonly file: string;
  /** The case names of the port. */
  readonly cases: (g: Geometry) => string[];
  /** Go cases that do not arise on linux/amd64 (the case's own condition is false), with the reason. */
  readonly notOnAmd64?: Readonly<Record<string, string>>;
  /** How the table differs between versions; absent: the same cases in go1.19, go1.21 and go1.26. */
  readonly versions?: string;
}

const names = <T extends { name: string }>(f: (g: Geometry) => T[]) => (g: Geometry): string[] => f(g).map((c) => c.name);

export const portedGoTests: readonly PortedGoTest[] = [
  { test: 'TestPageAllocGrow', file: 'mpagealloc_test.go', cases: names(pageAllocGrowCases) },
  { test: 'TestPageAllocAlloc', file: 'mpagealloc_test.go', cases: names(pageAllocAllocCases) },
  { test: 'TestPageAllocFree', file: 'mpagealloc_test.go', cases: names(pageAllocFreeCases) },
  { test: 'TestPageCacheAlloc', file: 'mpagecache_test.go', cases: names(pageCacheAllocCases) },
  { test: 'TestPageAllocAllocToCache', file: 'mpagecache_test.go', cases: names(pageAllocAllocToCacheCases) },
  { test: 'TestPallocBitsAllocRange', file: 'mpallocbits_test.go', cases: names(pallocBitsAllocRangeCases) },
  { test: 'TestMallocBitsPopcntRange', file: 'mpallocbits_test.go', cases: names(mallocBitsPopcntRangeCases) },
  { test: 'TestPallocBitsSummarize', file: 'mpallocbits_test.go', cases: names(pallocBitsSummarizeCases) },
  { test: 'TestPallocBitsAlloc', file: 'mpallocbits_test.go', cases: names(pallocBitsAllocCases) },
  {
    test: 'TestPallocDataFindScavengeCandidate',
    file: 'mgcscavenge_test.go',
    cases: names(findScavengeCandidateCases),
    notOnAmd64: {
      PreserveHugePageMiddle: 'needs 3 huge pages in a chunk (3*256 > 512 pages here)',
      PreserveHugePageAll: 'needs a huge page as large as a chunk (2 MiB < 4 MiB here)',
      PreserveHugePageNone: 'needs a huge page as large as a chunk (2 MiB < 4 MiB here)',
    },
  },
  { test: 'TestPageAllocScavenge', file: 'mgcscavenge_test.go', cases: names(pageAllocScavengeCases) },
  {
    test: 'TestScavengeIndex',
    file: 'mgcscavenge_test.go',
    // MarkInterleaved runs as its own two subtests (mgcscavenge_index.gotables.test.ts).
    cases: (g) => [...names(scavengeIndexCases)(g), 'Bg/MarkInterleaved', 'Force/MarkInterleaved'],
    versions:
      'version-dependent: go1.21 rewrote it with the scavenge index (each case runs as Bg/NAME and Force/NAME, plus MarkInterleaved); go1.19\'s version tests the one-bit-per-chunk index and never compared offsets. The go1.21 cases are ported; go1.26 has the same.',
  },
];
