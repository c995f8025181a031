// Witnesses: steps a page allocator campaign must reach, or it proved
// nothing about the code paths they exercise.

import type { Witness } from '../catalog.js';
import { go } from '../catalog.js';
import type { PageAllocSnapshot, PageAllocStep } from './world.js';

const specFile = 'spec/pagealloc/witnesses.ts';
type Wit = Witness<PageAllocSnapshot, PageAllocStep>;

/** Pages per chunk, for witnesses that talk about chunk boundaries; set by the suite from its geometry. */
export interface ChunkGeometry {
  readonly chunkPages: number;
}

export function pageAllocWitnesses(geo: ChunkGeometry): Wit[] {
  const { chunkPages } = geo;
  const straddles = (first: number, n: number): boolean => Math.floor(first / chunkPages) !== Math.floor((first + n - 1) / chunkPages);
  const all: Wit[] = [
    {
      id: 'reachesChunkStraddlingAlloc',
      kind: 'witness',
      go: go('mpagealloc.go', '(*pageAlloc).allocRange'),
      quote: 'The range crosses at least one chunk boundary.',
      statement: 'An allocation whose pages lie in more than one chunk.',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'alloc' && s.handedOut !== undefined && straddles(s.handedOut.firstPage, s.handedOut.npages),
    },
    {
      id: 'reachesAllocNeedingInnerSummary',
      kind: 'witness',
      go: go('mpagealloc.go', '(*pageAlloc).find'),
      quote: 'That a given subtree contains a large enough contiguous region, at which point it continues iterating on the next level',
      statement: 'An allocation larger than a chunk: only a summary above the leaf level can say where it fits.',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'alloc' && s.addr !== 0 && s.npages > chunkPages,
    },
    {
      id: 'reachesCacheFromPartlyUsedBlock',
      kind: 'witness',
      go: go('mpagecache.go', '(*pageAlloc).allocToCache'),
      quote: 'allocToCache acquires a pageCachePages-aligned chunk of free pages which may not be contiguous',
      statement: 'A page cache taken from a block in which some pages were already allocated.',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'allocToCache' && s.got.cache !== 0n && s.got.cache !== (1n << 64n) - 1n,
    },
    {
      id: 'reachesScavengeThatReleases',
      kind: 'witness',
      go: go('mgcscavenge.go', '(*pageAlloc).scavengeOne'),
      quote: 'Once it scavenges some memory it returns how much it scavenged in bytes.',
      statement: 'A scavenge that releases pages.',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'scavenge' && s.released > 0,
    },
    {
      id: 'reachesHeapExhaustion',
      kind: 'witness',
      go: go('mpagealloc.go', '(*pageAlloc).alloc'),
      quote: 'We failed to find a single free page, the smallest unit of allocation. This means we know the heap is completely exhausted.',
      statement: 'alloc(1) fails: searchAddr becomes maxSearchAddr.',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'alloc' && s.npages === 1 && s.addr === 0,
    },
    {
      id: 'reachesPagesOrphanedByBackgroundScavenge',
      kind: 'witness',
      go: go('mgcscavenge.go', '(*scavengeIndex).setEmpty'),
      quote: 'setEmpty marks that the scavenger has finished looking at ci for now to prevent the scavenger from getting stuck looking at the same chunk.',
      statement:
        'A background scavenge marks a chunk empty although it has free, unscavenged pages above the 64-page word it searched from: no scavenge, forced or not, looks at those pages again until a free in that chunk (a Go 1.21 behaviour, unchanged in newer Go).',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'scavenge' && !s.force && s.newlyUnreachable > 0,
    },
    {
      id: 'reachesDenseChunkPassedOver',
      kind: 'witness',
      go: go('mgcscavenge.go', 'scavChunkData.shouldScavenge'),
      quote: 'In the current generation, if either the current or last generation is dense, then skip scavenging.',
      statement: 'A background scavenge passes over a chunk with pages to scavenge because it was dense (scavChunkHiOccPages) in this generation or the last.',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'scavenge' && !s.force && s.want.some((o) => o.skippedDense),
    },
    {
      id: 'reachesHugePageKeptWhole',
      kind: 'witness',
      go: go('mgcscavenge.go', '(*pallocData).findScavengeCandidate'),
      quote: "We're in danger of breaking apart a huge page since start+size crosses a huge page boundary and rounding down start to the nearest huge page boundary is included in the full run we found.",
      statement: 'A scavenge widens its run down to a huge page boundary rather than break a free, unscavenged huge page.',
      against: 'what the step did',
      specFile,
      reached: (_b, _a, s) => s.op === 'scavenge' && s.want.some((o) => o.widened && o.npages > 0),
    },
    {
      id: 'reachesDiscontiguousHeap',
      kind: 'witness',
      go: go('mpagealloc.go', '(*pageAlloc).findMappedAddr'),
      quote: 'findMappedAddr returns the smallest mapped offAddr that is >= addr.',
      statement: 'A grow that leaves a gap: grown memory in more than one inUse range.',
      against: 'what the step did',
      specFile,
      reached: (_b, a, s) => s.op === 'grow' && a.inUseRanges > 1,
    },
  ];
  // Orphaning needs pages above the background cursor's 64-page word in the same chunk:
  // a chunk of a single word has none, so the witness is unreachable there.
  return chunkPages > 64 ? all : all.filter((w) => w.id !== 'reachesPagesOrphanedByBackgroundScavenge' && w.id !== 'reachesHugePageKeptWhole');
}
