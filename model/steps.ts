// Atomic steps. A model function that other goroutines can interleave with
// is a generator (its name ends in Steps): it yields where Go's code leaves
// shared state between two atomic operations, such as between popping a
// span from a span set and the CAS that takes it for sweeping. The plain
// Go call is run(): the goroutine runs alone to its end. The suites step
// the generator instead, one atomic step per command, so that other
// goroutines run in between exactly where Go lets them.

import type { MSpan } from './mspan.js';

/** Where a goroutine stopped, and the span it has in hand there. */
export interface Yield {
  /** The Go function and the point in it: "cacheSpan: popped", "sweepone: cas". */
  readonly at: string;
  /** The span it took from an unswept set, or holds for sweeping; null when none. */
  readonly span: MSpan | null;
  /** Whether it holds that span for sweeping (sg-1, its CAS won). */
  readonly holds: boolean;
}

export type Steps<T> = Generator<Yield, T, void>;

/** Run a goroutine's steps to their end, with nothing in between: the plain call. */
export function run<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}
