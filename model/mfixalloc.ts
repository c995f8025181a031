// runtime/mfixalloc.go @ go1.21 · type fixalloc: a free-list allocator for
// fixed-size off-heap objects (mspans among them).
//
// alloc takes the most recently freed object if there is one (the free list
// is LIFO), zeroing it only if zero is set; otherwise it makes a new one and
// calls first on it (recordspan, for spans). mheap.init sets
// spanalloc.zero = false: a recycled mspan keeps its old fields, sweepgen
// above all, so a background sweeper holding a stale pointer cannot CAS it
// "from 0".

export class FixAlloc<T> {
  private readonly list: T[] = [];
  /** Objects handed out and not freed. */
  inuse = 0;
  /** Zero objects taken from the free list (Go's default: true). */
  zero = true;

  constructor(
    private readonly make: () => T,
    private readonly first: ((p: T) => void) | null,
    private readonly clear: (p: T) => void,
  ) {}

  alloc(): T {
    this.inuse++;
    const v = this.list.pop();
    if (v !== undefined) {
      if (this.zero) this.clear(v);
      return v;
    }
    const p = this.make();
    this.first?.(p);
    return p;
  }

  free(p: T): void {
    this.inuse--;
    this.list.push(p);
  }

  /** Objects on the free list, most recently freed last (for invariants). */
  freeList(): readonly T[] {
    return this.list;
  }
}
