// A set of pages (global page indices), kept as a bitmap per chunk so that
// checks can compare it with the allocator's bitmaps a word at a time.

export class PageSet {
  /** Chunks with members: bit i of word i>>5 is page chunk*chunkPages + i. */
  private readonly bits = new Map<number, Uint32Array>();
  private count = 0;

  constructor(readonly chunkPages: number) {}

  /** The number of pages in the set. */
  get size(): number {
    return this.count;
  }

  has(p: number): boolean {
    const w = this.bits.get(Math.floor(p / this.chunkPages));
    if (w === undefined) return false;
    const i = p % this.chunkPages;
    return ((w[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  /** Chunk ci's members as a bitmap (undefined when it has none). Read-only. */
  wordsOf(ci: number): Uint32Array | undefined {
    return this.bits.get(ci);
  }

  /** Make chunk ci's members exactly the pages set in words (chunkPages/32 words; copied). */
  setChunk(ci: number, words: Uint32Array): void {
    const old = this.bits.get(ci);
    if (old !== undefined) this.count -= onesIn(old);
    const n = onesIn(words);
    if (n === 0) this.bits.delete(ci);
    else this.bits.set(ci, words.slice());
    this.count += n;
  }

  /** Chunks with members, ascending. */
  chunks(): number[] {
    return [...this.bits.keys()].sort((a, b) => a - b);
  }

  /** The lowest member, or -1. */
  first(): number {
    return this.firstAbove(-1);
  }

  /** The lowest member above page p, or -1. */
  firstAbove(p: number): number {
    for (const ci of this.chunks()) {
      const base = ci * this.chunkPages;
      if (base + this.chunkPages - 1 <= p) continue;
      const w = this.bits.get(ci)!;
      for (let k = 0; k < w.length; k++) {
        let x = w[k]!;
        const b0 = p - base - 32 * k; // keep bits b > b0
        if (b0 >= 31) continue;
        if (b0 >= 0) x = (x & (0xffffffff << (b0 + 1))) >>> 0;
        if (x !== 0) return base + 32 * k + 31 - Math.clz32(x & -x);
      }
    }
    return -1;
  }

  /** The highest member, or -1. */
  last(): number {
    const cs = this.chunks();
    if (cs.length === 0) return -1;
    const ci = cs[cs.length - 1]!;
    const w = this.bits.get(ci)!;
    for (let k = w.length - 1; k >= 0; k--) if (w[k] !== 0) return ci * this.chunkPages + 32 * k + 31 - Math.clz32(w[k]!);
    return -1;
  }

  /** The members of this set that are not in o, as a new set. */
  minus(o: ReadonlyPageSet): PageSet {
    const out = new PageSet(this.chunkPages);
    for (const [ci, w] of this.bits) {
      const ow = o.wordsOf(ci);
      out.setChunk(ci, ow === undefined ? w : w.map((x, k) => x & ~ow[k]!));
    }
    return out;
  }

  /** A copy. */
  clone(): PageSet {
    return this.minus(new PageSet(this.chunkPages));
  }

  /** Members, ascending. */
  sorted(): number[] {
    const out: number[] = [];
    for (const ci of this.chunks()) pagesIn(this.bits.get(ci)!, ci * this.chunkPages, out);
    return out;
  }
}

/** Appends first + i for every bit i set in words, ascending. */
export function pagesIn(words: Uint32Array, first: number, out: number[]): number[] {
  for (let k = 0; k < words.length; k++) {
    let x = words[k]!;
    while (x !== 0) {
      out.push(first + 32 * k + 31 - Math.clz32(x & -x));
      x = (x & (x - 1)) >>> 0;
    }
  }
  return out;
}

function onesIn(words: Uint32Array): number {
  let n = 0;
  for (let k = 0; k < words.length; k++) {
    let x = words[k]!;
    x = x - ((x >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return n;
}

/** What checks may do with a PageSet. */
export type ReadonlyPageSet = Pick<PageSet, 'size' | 'has' | 'wordsOf' | 'chunks' | 'sorted' | 'first' | 'firstAbove' | 'last' | 'minus' | 'clone'>;
