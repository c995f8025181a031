// Witnesses of the span layer: paths a campaign must reach.

import type { Witness } from '../catalog.js';
import { go } from '../catalog.js';
import type { HeapSnapshot, HeapStep } from './world.js';

const specFile = 'spec/mheap/witnesses.ts';
type Wit = Witness<HeapSnapshot, HeapStep>;

const alloc = go('mheap.go', '(*mheap).allocSpan');

export const heapWitnesses: readonly Wit[] = [
  {
    id: 'reachesNeedzeroZero',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).allocNeedsZero'),
    quote: 'We may observe arenaBase > zeroedBase if we\'re racing with one or more allocations which are acquiring memory directly before us in the address space.',
    statement: 'An allocation of fresh memory: needzero = 0.',
    specFile,
    reached: (_b, _a, s) => s.allocated?.needzero === 0,
  },
  {
    id: 'reachesNeedzeroOne',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).allocNeedsZero'),
    quote: 'We extended into the non-zeroed part of the arena, so this region needs to be zeroed before use.',
    statement: 'An allocation reaching below zeroedBase: needzero = 1.',
    specFile,
    reached: (_b, _a, s) => s.allocated?.needzero === 1,
  },
  {
    id: 'reachesPageCachePath',
    kind: 'witness',
    go: alloc,
    quote: 'If the allocation is small enough, try the page cache!',
    statement: "A span allocated from the P's page cache, without the heap lock's page allocator call.",
    specFile,
    reached: (_b, _a, s) => s.allocated !== undefined && s.pageSteps.some((p) => p.op === 'cacheAlloc' && p.addr === s.allocated!.base),
  },
  {
    id: 'reachesLockedPath',
    kind: 'witness',
    go: alloc,
    quote: "For one reason or another, we couldn't get the whole job done without the heap lock.",
    statement: "A span allocated by the page allocator under the heap lock.",
    specFile,
    reached: (_b, _a, s) => s.allocated !== undefined && s.pageSteps.some((p) => p.op === 'alloc' && p.addr === s.allocated!.base),
  },
  {
    id: 'reachesGrowthIntoNewArena',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).grow'),
    quote: 'Not enough room in the current arena. Allocate more arena space.',
    statement: 'The heap grows into a new arena contiguous with the current one.',
    specFile,
    reached: (_b, _a, s) => s.newArena === 'contiguous',
  },
  {
    id: 'reachesDiscontiguousArena',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).grow'),
    quote: 'The new space is discontiguous. Track what remains of the current space and switch to the new space. This should be rare.',
    statement: 'The heap grows into a new arena that is not contiguous with the current one.',
    specFile,
    reached: (_b, _a, s) => s.newArena === 'discontiguous',
  },
  {
    id: 'reachesOutOfMemory',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).grow'),
    quote: 'runtime: out of memory: cannot allocate',
    statement: 'The OS refuses more address space: grow returns false and the allocation returns nil.',
    specFile,
    reached: (_b, _a, s) => s.outOfMemory === true,
  },
  {
    id: 'reachesRecycledSpanStructure',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).init'),
    quote: "Don't zero mspan allocations.",
    statement: 'A span made from a span structure freed before.',
    specFile,
    reached: (_b, _a, s) => s.allocated !== undefined && s.allocated.recycledSweepgen !== null,
  },
  {
    id: 'reachesFreeAfterSweep',
    kind: 'witness',
    go: go('mheap.go', 'type mSpanState'),
    quote: 'During sweeping (gcphase == _GCoff), a span may transition from in-use to free (as a result of sweeping)',
    statement: 'A heap span freed after a GC cycle swept it.',
    specFile,
    reached: (b, _a, s) => s.op === 'free' && b.sweepgen > 0 && s.transitions.some((t) => t.from === 'mSpanInUse' && t.to === 'mSpanDead'),
  },
  {
    id: 'reachesGoThrowOnMisuse',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).freeSpanLocked'),
    quote: 'throw("mheap.freeSpanLocked - invalid free")',
    statement: "A misuse Go guards, refused with Go's throw.",
    specFile,
    reached: (_b, _a, s) => s.refused?.got.startsWith('throw(') === true,
  },
  {
    id: 'reachesModelErrorOnMisuse',
    kind: 'witness',
    go: go('mheap.go', '(*mheap).freeManual'),
    quote: 'This must only be called when gcphase == _GCoff.',
    statement: 'A misuse Go does not guard, refused by the model.',
    specFile,
    reached: (_b, _a, s) => s.refused?.got === 'ModelError',
  },
];
