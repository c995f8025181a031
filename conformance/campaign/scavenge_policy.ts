// When scavenge results may be compared between the real go1.19 runtime and
// the go1.21 model (go-runtime-notes §2.3 and §5.1; conformance/README.md):
//
// - go1.19's PageAlloc.Free hook frees with scavenged=true and so never marks
//   the go1.19 scavenge index, and pageCache.flush does not mark it either;
//   go1.21 marks its index on every free. After a free, freeRef or cacheFlush
//   the two indexes disagree about which chunks hold free, unscavenged pages.
// - go1.19's Scavenge hook scavenges background-style from one cursor; the
//   go1.21 hook forces. From a state NewPageAlloc built, followed only by
//   allocs, page caches and scavenges, both visit the same chunks, highest
//   first, and release the same pages.
//
// So: a scavenge before the trace's first free/freeRef/cacheFlush is compared
// exactly. From the first scavenge after one, every field that depends on
// the scavenged bits is masked on both sides: scavenge's `released`, the
// `scav` of alloc, cacheAlloc and allocToCache, and the `scav` words of every
// chunk in a `state`. Everything else (pages, bitmaps, summaries, bounds,
// cache words) is still compared: scavenging never changes which pages are
// allocated. And a layout where go1.19 itself answers at random (at least 3
// chunks spread over two pages of its index bitmap) makes the replayer refuse
// every scavenge (exit 3): the rest of that trace is not compared.

/** Ops that free pages: after one of them, go1.19 and go1.21 scavenge differently. */
export const FREEING_OPS: ReadonlySet<string> = new Set(['free', 'freeRef', 'cacheFlush']);

export interface ScavengePolicy {
  /** Op index from which scavenged-bit fields are masked (ops.length when nothing is masked). */
  readonly maskFrom: number;
  /** Indices of the scavenge ops compared exactly. */
  readonly compared: readonly number[];
  /** Indices of the scavenge ops not compared, because a free/freeRef/cacheFlush came before. */
  readonly afterFree: readonly number[];
}

export function scavengePolicy(ops: readonly { readonly op: string | number }[]): ScavengePolicy {
  const compared: number[] = [];
  const afterFree: number[] = [];
  let freed = false;
  for (const [i, o] of ops.entries()) {
    if (FREEING_OPS.has(String(o.op))) freed = true;
    if (o.op === 'scavenge') (freed ? afterFree : compared).push(i);
  }
  return { maskFrom: afterFree[0] ?? ops.length, compared, afterFree };
}

/** The placeholder masked fields get on both sides. */
export const MASKED = '(masked: scavenge state differs between go1.19 and go1.21 after a free)';

/** Masks the scavenged-bit fields of a parsed op line, in place. */
export function maskScavenged(line: Record<string, unknown>): void {
  if (line['op'] === 'scavenge' && 'released' in line) line['released'] = MASKED;
  if ('scav' in line) line['scav'] = MASKED;
  const state = line['state'] as { chunks?: { scav?: unknown }[] } | undefined;
  for (const c of state?.chunks ?? []) if ('scav' in c) c.scav = MASKED;
}
