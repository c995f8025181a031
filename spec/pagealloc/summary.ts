// What a summary means, said the obvious way.
//
// A summary of a run of pages is (start, max, end): the free pages at its
// start, the longest run of free pages anywhere in it, the free pages at its
// end. The model computes leaves with bit tricks and inner nodes with a
// running merge; the spec computes leaves page by page and inner nodes by
// looking at every way a free run can cross children. Two independent
// formulations, so each checks the other.

export type Sum = readonly [start: number, max: number, end: number];

/** The summary of n pages, page i free iff isFree(i). */
export function summarizeSlow(n: number, isFree: (i: number) => boolean): Sum {
  return summarizeBits(n, (i) => (isFree(i) ? 0 : 1));
}

/** The summary of n pages given as a bitmap (page i is allocated iff bitAt(i) is 1). */
export function summarizeBits(n: number, bitAt: (i: number) => number): Sum {
  const w = new Uint32Array(Math.ceil(n / 32));
  for (let i = 0; i < n; i++) if (bitAt(i) !== 0) w[i >>> 5]! |= 1 << (i & 31);
  return summarizeWords(n, w);
}

/**
 * The summary of a bitmap stored as uint32 words (bit i of word i>>5 is
 * page i; 1 = allocated): one walk over the pages, counting the current
 * run of free pages.
 */
export function summarizeWords(n: number, w: Uint32Array): Sum {
  let start = -1;
  let max = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    if (((w[i >>> 5]! >>> (i & 31)) & 1) === 0) {
      run++;
      if (run > max) max = run;
    } else {
      if (start < 0) start = run;
      run = 0;
    }
  }
  // No allocated page: the whole range is one free run.
  if (start < 0) start = run;
  return [start, max, run];
}

/**
 * The summary of consecutive regions of childPages pages each, from their
 * summaries: start and end extend through wholly free children; max is the
 * best of every child's max and every run that crosses children (an end,
 * then wholly free children, then a start).
 */
export function combine(children: readonly Sum[], childPages: number): Sum {
  const flat = new Int32Array(3 * children.length);
  children.forEach((c, i) => flat.set(c, 3 * i));
  return combineFlat(flat, children.length, childPages);
}

/**
 * combine over children given flat, as (start, max, end) triples in
 * kids[0 .. 3n): the same reasoning, with no allocation, for checks that
 * run after every step.
 */
export function combineFlat(kids: Int32Array, n: number, childPages: number): Sum {
  let start = 0;
  for (let i = 0; i < n; i++) {
    start += kids[3 * i]!;
    if (kids[3 * i]! !== childPages) break;
  }
  let end = 0;
  for (let i = n - 1; i >= 0; i--) {
    end += kids[3 * i + 2]!;
    if (kids[3 * i]! !== childPages) break;
  }
  let max = 0;
  for (let i = 0; i < n; i++) {
    if (kids[3 * i + 1]! > max) max = kids[3 * i + 1]!;
    // A run starting in child i's end, crossing wholly free children, ending in some child's start.
    let run = kids[3 * i + 2]!;
    for (let j = i + 1; j < n; j++) {
      if (kids[3 * j]! === childPages) {
        run += childPages;
        continue;
      }
      run += kids[3 * j]!;
      break;
    }
    if (run > max) max = run;
  }
  return [start, max, end];
}
