// runtime/mheap.go @ go1.21 · type gcBits, newMarkBits, newAllocBits.
//
// A span's allocation and mark bitmaps, one bit per object. Go carves them
// out of gcBits arenas recycled once per GC cycle (nextMarkBitArenaEpoch);
// the model gives each span fresh zeroed bits, which is what Go guarantees
// to its callers ("newMarkBits returns zeroed memory"). The arenas
// themselves are modelled with sweeping.

export class GCBits {
  readonly bytes: Uint8Array;

  constructor(readonly nelems: number) {
    // Whole uint64s, as newMarkBits allocates them: refillAllocCache reads 8 bytes at a time.
    this.bytes = new Uint8Array(Math.ceil(nelems / 64) * 8);
  }

  /** Whether bit n is set. */
  isSet(n: number): boolean {
    return ((this.bytes[n >>> 3]! >>> (n & 7)) & 1) === 1;
  }

  /** Set bit n. */
  set(n: number): void {
    this.bytes[n >>> 3]! |= 1 << (n & 7);
  }

  /** Number of set bits among the first n. */
  count(n = this.nelems): number {
    let c = 0;
    for (let i = 0; i < n; i++) if (this.isSet(i)) c++;
    return c;
  }
}

/** newMarkBits: zeroed mark bits for nelems objects. */
export function newMarkBits(nelems: number): GCBits {
  return new GCBits(nelems);
}

/** newAllocBits: zeroed allocation bits for nelems objects (Go takes them from the same arenas). */
export function newAllocBits(nelems: number): GCBits {
  return new GCBits(nelems);
}
