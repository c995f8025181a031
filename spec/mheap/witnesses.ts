// Witnesses of the span layer: paths a campaign must reach, so no rule
// passes because its case never came up.

import type { Witness } from '../catalog.js';
import { go } from '../catalog.js';
import type { HeapSnapshot, HeapStep } from './world.js';

const specFile = 'spec/mheap/witnesses.ts';
type Wit = Witness<HeapSnapshot, HeapStep>;

const alloc = go('mheap.go', '(*mheap).allocSpan');

function witness(id: string, cite: ReturnType<typeof go>, quote: string, statement: string, reached: Wit['reached']): Wit {
  return { id, kind: 'witness', go: cite, quote, statement, against: 'what the step did', specFile, reached };
}

/** Witnesses every geometry reaches. */
export const heapWitnesses: readonly Wit[] = [
  witness('reachesNeedzeroZero', go('mheap.go', '(*mheap).allocNeedsZero'), 'allocNeedsZero checks if the region of address space [base, base+npage*pageSize), assumed to be allocated, needs to be zeroed', 'An allocation of fresh memory: needzero = 0.', (_b, _a, s) => s.allocated?.needzero === 0),
  witness('reachesNeedzeroOne', go('mheap.go', '(*mheap).allocNeedsZero'), 'We extended into the non-zeroed part of the arena, so this region needs to be zeroed before use.', 'An allocation reaching below zeroedBase: needzero = 1.', (_b, _a, s) => s.allocated?.needzero === 1),
  witness('reachesPageCachePath', alloc, 'If the allocation is small enough, try the page cache!', "A span allocated from the P's page cache, without the heap lock's page allocator call.", (_b, _a, s) => (s.allocated?.ownersBefore.ownCache ?? 0) > 0),
  witness('reachesLockedPath', alloc, "For one reason or another, we couldn't get the whole job done without the heap lock.", 'A span allocated by the page allocator under the heap lock.', (_b, _a, s) => s.allocated !== undefined && s.allocated.ownersBefore.ownCache === 0 && s.pageSteps.some((p) => p.op === 'alloc' && p.addr === s.allocated!.got.base)),
  witness('reachesSmallSpanPastTheCache', alloc, "We have a base but no mspan, so we need to lock the heap.", "A span small enough for the page cache that still comes from the page allocator: the P's cache had no run long enough.", (_b, _a, s) => s.allocated !== undefined && s.allocated.want.npages < 16 && s.allocated.want.p !== null && !s.allocated.cacheHadRun),
  witness('reachesGrowthIntoNewArena', go('mheap.go', '(*mheap).grow'), 'Not enough room in the current arena. Allocate more arena space.', 'The heap grows into a new arena contiguous with the current one.', (_b, _a, s) => s.newArena === 'contiguous'),
  witness('reachesDiscontiguousArena', go('mheap.go', '(*mheap).grow'), 'The new space is discontiguous. Track what remains of the current space and switch to the new space. This should be rare.', 'The heap grows into a new arena that is not contiguous with the current one.', (_b, _a, s) => s.newArena === 'discontiguous'),
  witness('reachesOutOfMemory', go('mheap.go', '(*mheap).grow'), 'runtime: out of memory: cannot allocate', 'The OS refuses more address space: grow returns false and the allocation returns nil.', (_b, _a, s) => s.outOfMemory === true),
  witness('reachesRecycledSpanStructure', go('mheap.go', '(*mheap).init'), "Don't zero mspan allocations.", 'A span made from a span structure freed before.', (_b, _a, s) => s.allocated !== undefined && s.allocated.recycledSweepgen !== null),
  witness('reachesStaleSpansEntry', go('mheap.go', 'spanOf'), 'If p does not point to allocated memory, this may return a non-nil span that does *not* contain p.', 'A recycled span structure is live again while spans[] entries of the pages it held before still name it.', (_b, _a, s) => s.staleSpansEntry === true),
  witness('reachesFreeAfterSweep', go('mheap.go', 'type mSpanState'), 'During sweeping (gcphase == _GCoff), a span may transition from in-use to free (as a result of sweeping)', 'A heap span freed after a GC cycle swept it.', (b, _a, s) => s.op === 'free' && b.sweepgen > 0 && s.transitions.some((t) => t.from === 'mSpanInUse' && t.to === 'mSpanDead')),
  witness('reachesStackSpanKeptThroughGC', go('stack.go', 'stackfree'), "If the GC is running, we can't return a stack span to the heap because it could be reused as a heap span, and this state change would race with GC. Add it to the large stack cache instead.", 'A large stack freed while the GC runs: its span waits in stackLarge.', (b, _a, s) => s.op === 'stackfree' && b.gcphase !== '_GCoff' && (s.died?.want.length ?? 0) === 0),
  witness('reachesWaitingStackSpanReused', go('stack.go', 'stackalloc'), 'Try to get a stack from the large stack cache.', 'A large stack comes from a span that waited in stackLarge.', (_b, _a, s) => s.placed !== undefined && s.placed.call.startsWith('stackalloc') && s.placed.wantSpan !== 'new' && s.stackBytes !== undefined && s.stackBytes.want >= 32768),
  witness('reachesStackPoolSpanFreed', go('stack.go', 'stackpoolfree'), "Span is completely free. Return it to the heap immediately if we're sweeping.", "A stack pool span's last stack freed in _GCoff: the span goes back to the heap.", (_b, _a, s) => s.op === 'stackfree' && (s.died?.want.length ?? 0) > 0 && s.transitions.some((t) => t.npages === 4)),
  witness('reachesFreeStackSpans', go('stack.go', 'freeStackSpans'), 'freeStackSpans frees unused stack spans at the end of GC.', 'Mark termination frees stack spans the GC kept alive.', (_b, _a, s) => s.op === 'gcMarkTermination' && (s.died?.want.length ?? 0) > 0),
  witness('reachesWorkbufSpanFreed', go('mgcwork.go', 'freeSomeWbufs'), 'freeSomeWbufs frees some workbufs back to the heap and returns true if it should be called again to free more.', 'A work buffer span, made free at mark termination, goes back to the heap in _GCoff.', (_b, _a, s) => s.op === 'freeSomeWbufs' && (s.died?.want.length ?? 0) > 0),
  witness('reachesWorkbufSpanReused', go('mgcwork.go', 'getempty'), 'Allocate more workbufs.', 'getempty takes a free work buffer span instead of a new one.', (_b, _a, s) => s.placed !== undefined && s.placed.call === 'getempty()' && s.placed.wantSpan !== 'new' && s.buffer === undefined),
  witness('reachesGCProgBitmapFreedDuringMark', go('mgcmark.go', 'scanstack'), 'This path is pretty unlikely, an object large enough to have a GC program allocated on the stack. We need some space to unpack the program into a straight bitmask, which we allocate/free here.', "Go 1.21's exception to the mSpanState rule: a GC program's bitmap span freed while marking.", (b, _a, s) => s.op === 'dematerializeGCProg' && b.gcphase !== '_GCoff'),
  witness('reachesIdlePCacheFlushed', go('mgc.go', 'gcMarkTermination'), 'While we\'re here, flush the page cache for idle Ps to avoid having pages get stuck on them.', "Mark termination flushes an idle P's page cache.", (_b, _a, s) => (s.flushedIdle ?? 0) > 0),
  witness('reachesGoThrowOnMisuse', go('mheap.go', '(*mheap).freeSpanLocked'), 'throw("mheap.freeSpanLocked - invalid free")', "A misuse Go guards, refused with Go's throw.", (_b, _a, s) => s.refused?.got.startsWith('throw(') === true),
  witness('reachesModelErrorOnMisuse', go('mheap.go', '(*mheap).freeManual'), 'typ must be the same as the spanAllocType passed to the allocManual that allocated s.', 'Input Go leaves undefined, refused by the model.', (_b, _a, s) => s.refused?.got === 'ModelError'),
];

/** Witnesses of sysAlloc's fallback: reachable where hints run out quickly (one hint, a small address space). */
export const arenaFallbackWitnesses: readonly Wit[] = [
  witness('reachesHintsExhausted', go('malloc.go', '(*mheap).sysAlloc'), "All of the hints failed, so we'll take any (sufficiently aligned) address the kernel will give us.", 'Every arena hint failed: sysAlloc takes any aligned space (sysReserveAligned) and adds hints around it.', (_b, _a, s) => s.hintsExhausted === true),
  witness('reachesUnalignedReservationTrimmed', go('malloc.go', 'sysReserveAligned'), 'Trim off the unaligned parts.', 'The kernel placed the fallback reservation unaligned, and sysReserveAligned trimmed it.', (_b, _a, s) => s.trimmed === true),
  witness('reachesGrowthDown', go('malloc.go', '(*mheap).sysAlloc'), 'Create new hints for extending this region.', 'An arena comes from a hint that grows down.', (_b, _a, s) => s.grewDown === true),
];
