// runtime/mranges.go @ go1.21: offset addresses and ordered address ranges.
//
// Go compares addresses in the "offset address space" (a - arenaBaseOffset,
// wrapping at 2^64), a linear view of a segmented address space. The model
// holds uintptrs in their signed (canonical) form (see geometry.ts), and in
// that form the offset order is exactly the numeric order: for every heap
// address, a - arenaBaseOffset is a + 2^47 on amd64, a monotone shift. So
// lessThan is `<` here, with no loss of exactness.

import type { Geometry } from './geometry.js';
import { hex } from './geometry.js';
import { throwGo } from './throw.js';

const site = 'runtime/mranges.go';

/** offAddr: an address in the contiguous (offset) view of the address space. Immutable, like Go's value type. */
export class OffAddr {
  constructor(
    /** The virtual address; Go: never use directly, call addr(). */
    readonly a: number,
  ) {}

  add(bytes: number): OffAddr {
    return new OffAddr(this.a + bytes);
  }

  sub(bytes: number): OffAddr {
    return new OffAddr(this.a - bytes);
  }

  diff(l2: OffAddr): number {
    return this.a - l2.a;
  }

  lessThan(l2: OffAddr): boolean {
    return this.a < l2.a;
  }

  lessEqual(l2: OffAddr): boolean {
    return this.a <= l2.a;
  }

  equal(l2: OffAddr): boolean {
    return this.a === l2.a;
  }

  addr(): number {
    return this.a;
  }
}

/** minOffAddr: the lowest address of the offset space, the virtual address arenaBaseOffset. */
export function minOffAddr(g: Geometry): OffAddr {
  return new OffAddr(g.minOffAddr);
}

/** maxOffAddr: the highest address representable by the chunk and arena maps. */
export function maxOffAddr(g: Geometry): OffAddr {
  return new OffAddr(g.maxOffAddr);
}

/**
 * atomicOffAddr: an offset address that can be "marked" (stored negated) so
 * that a decreasing store does not overwrite an increase nobody has seen yet.
 * The model is single-threaded; the CAS loops become plain compare-and-store.
 */
export class AtomicOffAddr {
  /** The offset address (a - arenaBaseOffset), negated when marked. */
  private v = 0;

  constructor(private readonly g: Geometry) {}

  /** Clear stores minOffAddr unless the value is marked. */
  Clear(): void {
    // Stryker disable next-line EqualityOperator: `<=` differs only at v = 0 or -0, where returning leaves a value that reads as the 0 Clear stores: Load gives -0 + arenaBaseOffset = arenaBaseOffset (in the right numeric sense), not marked (-0 < 0 is false), raw() normalises -0 to 0, and StoreMin and StoreUnmark compare -0 as 0 (`>=`, caught, is disabled with it)
    if (this.v < 0) return;
    this.v = 0;
  }

  /** StoreMin stores addr if it is below the current, unmarked value. */
  StoreMin(addr: number): void {
    const nv = addr - this.g.arenaBaseOffset;
    // Stryker disable next-line EqualityOperator: `<=` differs only at v == nv, where storing nv leaves the same value (or 0 over -0, indistinguishable, as in Clear) (`>=`, caught, is disabled with it)
    if (this.v < nv) return;
    this.v = nv;
  }

  /** StoreUnmark replaces markedAddr (as returned by Load) with newAddr, only if it is still there. */
  StoreUnmark(markedAddr: number, newAddr: number): void {
    if (this.v === -(markedAddr - this.g.arenaBaseOffset)) this.v = newAddr - this.g.arenaBaseOffset;
  }

  /** StoreMarked stores addr, marked. */
  StoreMarked(addr: number): void {
    this.v = -(addr - this.g.arenaBaseOffset);
  }

  /** Load returns the virtual address and whether it was marked. */
  Load(): [addr: number, marked: boolean] {
    const v = this.v;
    // -0 is not marked: Go's int64 has no negative zero.
    return v < 0 ? [-v + this.g.arenaBaseOffset, true] : [v + this.g.arenaBaseOffset, false];
  }

  /** The raw stored value, for state dumps and invariants. */
  raw(): number {
    return this.v === 0 ? 0 : this.v;
  }
}

/** addrRange: the region [base, limit) of address space; it never spans a gap in the address space. */
export class AddrRange {
  constructor(
    public base: OffAddr,
    public limit: OffAddr,
  ) {}

  /** size returns the size of the range in bytes (0 if limit <= base). */
  size(): number {
    if (!this.base.lessThan(this.limit)) return 0;
    return this.limit.diff(this.base);
  }

  /** contains reports whether addr is in the range. */
  contains(addr: number): boolean {
    // base <= offAddr{addr} < limit, on the numbers (no wrapper).
    return this.base.a <= addr && addr < this.limit.a;
  }

  /**
   * subtract cuts b out of this range and returns the rest. The ranges must
   * not overlap, overlap on one side only, or be equal; b strictly inside
   * this range throws "bad prune".
   */
  subtract(b: AddrRange): AddrRange {
    const a = new AddrRange(this.base, this.limit);
    if (b.base.lessEqual(a.base) && a.limit.lessEqual(b.limit)) {
      return emptyAddrRange();
    } else if (a.base.lessThan(b.base) && b.limit.lessThan(a.limit)) {
      throwGo('bad prune', `${site} · addrRange.subtract`);
    } else if (b.limit.lessThan(a.limit) && a.base.lessThan(b.limit)) {
      a.base = b.limit;
    } else if (a.base.lessThan(b.base) && b.base.lessThan(a.limit)) {
      a.limit = b.base;
    }
    return a;
  }
}

/** The zero addrRange{}. */
export function emptyAddrRange(): AddrRange {
  return new AddrRange(new OffAddr(0), new OffAddr(0));
}

/** makeAddrRange creates a range from two virtual addresses; they must lie in the same memory segment. */
export function makeAddrRange(g: Geometry, base: number, limit: number): AddrRange {
  if (segment(g, base) !== segment(g, limit)) {
    throwGo('addr range base and limit are not in the same memory segment', `${site} · makeAddrRange`, `base = ${hex(base)}, limit = ${hex(limit)}`);
  }
  return new AddrRange(new OffAddr(base), new OffAddr(limit));
}

/** Go's `base-arenaBaseOffset >= base` on uintptrs: false exactly for the kernel half when arenaBaseOffset != 0. */
function segment(g: Geometry, a: number): boolean {
  return a >= 0 || g.arenaBaseOffset === 0;
}

/** addrRanges: address ranges sorted by base, coalesced eagerly. */
export class AddrRanges {
  ranges: AddrRange[] = [];
  totalBytes = 0;

  constructor(private readonly g: Geometry) {}

  /** findSucc returns the first index whose range's base is above addr. */
  findSucc(addr: number): number {
    // offAddr{addr}.lessThan(r.base) is addr < r.base.a (see the header).
    // Binary search down to at most iterMax candidates, as Go does.
    const iterMax = 8;
    let bot = 0;
    let top = this.ranges.length;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the binary search is Go's optimisation: the linear scan of [bot, top) that follows returns the same index, the first range whose base is above addr in sorted disjoint ranges, whether the narrowing runs (`>=`) or not (`false`) (`true` and `<`, caught, are disabled with them)
    while (top - bot > iterMax) {
      const i = Math.floor((top - bot) / 2) + bot;
      const r = this.ranges[i]!;
      // Stryker disable next-line ConditionalExpression: `false` is equivalent: for addr inside ranges[i], the search goes on with bot = i + 1 (addr >= base), and ranges[i + 1].base >= ranges[i].limit > addr, so it returns i + 1 all the same (`true`, caught, is disabled with it)
      if (r.contains(addr)) return i + 1;
      // Stryker disable next-line EqualityOperator: `<=` differs only at addr == r.base.a, which the contains test above returns on first (every range in the set is non-empty: add refuses zero size) (`>=`, caught, is disabled with it)
      if (addr < r.base.a) {
        top = i;
      } else {
        // Stryker disable next-line ArithmeticOperator: bot = i - 1 is still at or below the successor (ranges[i - 1] and ranges[i] both start at or below addr) and still shrinks the window (i - 1 >= bot + 3 while top - bot > 8), so the linear scan returns the same index
        bot = i + 1;
      }
    }
    for (let i = bot; i < top; i++) {
      if (addr < this.ranges[i]!.base.a) return i;
    }
    return top;
  }

  /** findAddrGreaterEqual returns the smallest address in the ranges that is >= addr, and whether there is one. */
  findAddrGreaterEqual(addr: number): [number, boolean] {
    const i = this.findSucc(addr);
    if (i === 0) return [this.ranges[0]!.base.addr(), true];
    if (this.ranges[i - 1]!.contains(addr)) return [addr, true];
    if (i < this.ranges.length) return [this.ranges[i]!.base.addr(), true];
    return [0, false];
  }

  /** contains reports whether the ranges cover addr. */
  contains(addr: number): boolean {
    const i = this.findSucc(addr);
    if (i === 0) return false;
    return this.ranges[i - 1]!.contains(addr);
  }

  /** add inserts r, which must not overlap any range and must be non-empty. */
  add(r: AddrRange): void {
    if (r.size() === 0) {
      throwGo('attempted to add zero-sized address range', `${site} · (*addrRanges).add`, `range = {${hex(r.base.addr())}, ${hex(r.limit.addr())}}`);
    }
    const i = this.findSucc(r.base.addr());
    const coalescesDown = i > 0 && this.ranges[i - 1]!.limit.equal(r.base);
    const coalescesUp = i < this.ranges.length && r.limit.equal(this.ranges[i]!.base);
    if (coalescesUp && coalescesDown) {
      this.ranges[i - 1]!.limit = this.ranges[i]!.limit;
      this.ranges.splice(i, 1);
    } else if (coalescesDown) {
      this.ranges[i - 1]!.limit = r.limit;
    } else if (coalescesUp) {
      this.ranges[i]!.base = r.base;
    } else {
      this.ranges.splice(i, 0, new AddrRange(r.base, r.limit));
    }
    this.totalBytes += r.size();
  }

  /** cloneInto copies these ranges into b. */
  cloneInto(b: AddrRanges): void {
    b.ranges = this.ranges.map((r) => new AddrRange(r.base, r.limit));
    b.totalBytes = this.totalBytes;
  }

  /** The geometry these addresses belong to. */
  geometry(): Geometry {
    return this.g;
  }
}
