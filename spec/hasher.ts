// A state image: everything a structure holds, copied number by number and
// array by array, so two images tell whether anything changed in between
// (a refused call must leave the heap as it was). Arrays are copied with
// typed-array slices and compared natively; images run on every misuse
// step and must be cheap.

function bytesOf(a: Uint8Array | Uint32Array): Uint8Array {
  return a instanceof Uint8Array ? a : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export class StateImage {
  /** The numbers of the current image: nums[0..nNums) (the array is kept for reuse). */
  private readonly nums: number[] = [];
  private nNums = 0;
  private readonly arrays: (Uint8Array | Uint32Array)[] = [];
  private readonly refs: unknown[][] = [];
  /** How many of arrays and refs the current image uses (the rest are buffers kept for reuse). */
  private nArrays = 0;
  private nRefs = 0;

  /**
   * Start a new image in this object, reusing its buffers: an image taken
   * after every misuse step would otherwise allocate (and collect) the
   * whole heap's worth of copies each time.
   */
  reset(): this {
    // The copies go back to the pools, by kind and length, for the next image to reuse.
    for (let k = 0; k < this.nArrays; k++) poolPut(this.arrayPool, arrayKey(this.arrays[k]!), this.arrays[k]!);
    for (let k = 0; k < this.nRefs; k++) poolPut(this.refPool, this.refs[k]!.length, this.refs[k]!);
    this.nNums = 0;
    this.nArrays = 0;
    this.nRefs = 0;
    return this;
  }

  private readonly arrayPool = new Map<number, (Uint8Array | Uint32Array)[]>();
  private readonly refPool = new Map<number, unknown[][]>();

  private slot<T extends Uint8Array | Uint32Array>(xs: T): void {
    const old = this.arrayPool.get(arrayKey(xs))?.pop();
    if (old !== undefined) old.set(xs);
    this.arrays[this.nArrays++] = old ?? xs.slice();
  }

  /** One 32-bit integer. */
  int(x: number): void {
    this.nums[this.nNums++] = x | 0;
  }

  /** Any number (addresses, byte counts, Infinity). */
  num(x: number): void {
    this.nums[this.nNums++] = x;
  }

  words(xs: Uint32Array): void {
    this.slot(xs);
  }

  /** An array of references (compared by identity). */
  objects(xs: readonly unknown[]): void {
    const old = this.refPool.get(xs.length)?.pop();
    if (old !== undefined) for (let i = 0; i < xs.length; i++) old[i] = xs[i];
    this.refs[this.nRefs++] = old ?? xs.slice();
  }

  bytes(xs: Uint8Array): void {
    this.slot(xs);
  }

  str(s: string): void {
    this.nums[this.nNums++] = s.length;
    for (let i = 0; i < s.length; i++) this.nums[this.nNums++] = s.charCodeAt(i);
  }

  bigint(x: bigint): void {
    this.nums[this.nNums++] = Number(x & 0xffffffffn);
    this.nums[this.nNums++] = Number((x >> 32n) & 0xffffffffn);
  }

  /** Whether two images hold the same content. */
  equals(o: StateImage): boolean {
    if (this.nNums !== o.nNums || this.nArrays !== o.nArrays || this.nRefs !== o.nRefs) return false;
    for (let i = 0; i < this.nNums; i++) if (!Object.is(this.nums[i], o.nums[i])) return false;
    for (let i = 0; i < this.nArrays; i++) if (Buffer.compare(bytesOf(this.arrays[i]!), bytesOf(o.arrays[i]!)) !== 0) return false;
    for (let i = 0; i < this.nRefs; i++) {
      const a = this.refs[i]!;
      const b = o.refs[i]!;
      if (a.length !== b.length) return false;
      for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
    }
    return true;
  }

  /**
   * A digest of the content (two independent 32-bit FNV-style hashes):
   * equal content, equal digests; different content collides with
   * probability about 2^-64. For tests that compare images as strings.
   */
  digest(): string {
    let a = 0x811c9dc5;
    let b = 0x1b873593;
    let n = 0;
    const feed = (x: number): void => {
      a = Math.imul(a ^ x, 0x01000193);
      b = Math.imul(b ^ (x + n++), 0x5bd1e995);
    };
    for (const x of this.nums.slice(0, this.nNums)) {
      feed(Number.isFinite(x) ? x % 0x1_0000_0000 | 0 : 0x7ff00000);
      feed(Number.isFinite(x) ? Math.floor(x / 0x1_0000_0000) | 0 : x > 0 ? 2 : 3);
    }
    for (const arr of this.arrays.slice(0, this.nArrays)) {
      feed(arr.length);
      for (let i = 0; i < arr.length; i++) feed(arr[i]!);
    }
    // References by their position among the distinct ones (tests compare images of one heap).
    const seen = new Map<unknown, number>();
    for (const r of this.refs.slice(0, this.nRefs)) {
      feed(r.length);
      for (const x of r) {
        if (!seen.has(x)) seen.set(x, seen.size);
        feed(x === null || x === undefined ? -1 : seen.get(x)!);
      }
    }
    return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
  }
}

/** A typed array's pool key: its length, and its kind in the sign (Uint8Array and Uint32Array never share a buffer). */
function arrayKey(xs: Uint8Array | Uint32Array): number {
  return xs instanceof Uint8Array ? -xs.length - 1 : xs.length;
}

function poolPut<T>(pool: Map<number, T[]>, key: number, x: T): void {
  let l = pool.get(key);
  if (l === undefined) pool.set(key, (l = []));
  l.push(x);
}
