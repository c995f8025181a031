// runtime/mheap.go @ go1.21 · spanOf, spanOfUnchecked, spanOfHeap, inheap,
// inHeapOrStack: from an address to its span.

import { arenaIndex, arenaPage } from './heaparena.js';
import type { MHeap } from './mheap.js';
import type { MSpan } from './mspan.js';
import { refuse } from './throw.js';

/**
 * spanOf returns the span of p, or null if p is not in a heap arena or no
 * span ever contained it. For a free page it may return a stale span that
 * does not contain p: callers check (spanOfHeap does).
 */
export function spanOf(h: MHeap, p: number): MSpan | null {
  const g = h.g;
  const ri = arenaIndex(g, p);
  // Outside the arena map (Go: ri.l2() >= len(arenas[0]), with uint wrap-around below the offset).
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: dropping either bound (`false`, `&&`, `>`) is equivalent: h.arenas is written only by sysAlloc, which throws for a reservation outside [arenaBaseOffset, maxOffAddr], so it never holds an index outside [0, arenaMapEntries) and h.arenas.get(ri) below is undefined for every ri this check rejects (this line's other mutants, `true`, `ri <= 0`, `ri >= 0`, `ri < arenaMapEntries`, caught, are disabled with them)
  if (ri < 0 || ri >= g.arenaMapEntries) return null;
  const ha = h.arenas.get(ri);
  if (ha === undefined) return null;
  return ha.spans[arenaPage(g, p)] ?? null;
}

/** spanOfUnchecked is spanOf for a p known to be in an allocated heap arena. */
export function spanOfUnchecked(h: MHeap, p: number): MSpan | null {
  const ha = h.arenas.get(arenaIndex(h.g, p));
  if (ha === undefined) refuse('spanOfUnchecked', 'p is not in an allocated heap arena (Go would fault)');
  return ha.spans[arenaPage(h.g, p)] ?? null;
}

/** spanOfHeap is spanOf, but null unless p points into an mSpanInUse span's objects. */
export function spanOfHeap(h: MHeap, p: number): MSpan | null {
  const s = spanOf(h, p);
  // State first (it is the publication barrier), then the bounds: the pointer may be stale.
  if (s === null || s.state.get() !== 'mSpanInUse' || p < s.base() || p >= s.limit) return null;
  return s;
}

/** inheap reports whether b points into a (possibly dead) heap object; false for manual spans. */
export function inheap(h: MHeap, b: number): boolean {
  return spanOfHeap(h, b) !== null;
}

/** inHeapOrStack is inheap that also accepts any allocated manual span. */
export function inHeapOrStack(h: MHeap, b: number): boolean {
  const s = spanOf(h, b);
  if (s === null || b < s.base()) return false;
  const st = s.state.get();
  if (st === 'mSpanInUse' || st === 'mSpanManual') return b < s.limit;
  return false;
}
