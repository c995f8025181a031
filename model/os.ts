// The operating system's address space, as far as Go's heap asks it:
// runtime/mem_linux.go · sysReserve, sysFreeOS (sysMap, sysUsed and
// sysUnused do not change what is reserved).
//
// The model's kernel grants a reservation at the asked address if that range
// is free; asked for no address, it places the mapping top-down below
// mmapTop, at physical-page granularity, the way Linux's mmap does, so the
// result need not be aligned to anything larger. It refuses a reservation
// that would exceed the configured limit (the model's "out of memory").
// Regions taken by something other than Go's heap ("foreign" mappings:
// another library's mmap) make hints fail and move where the kernel places
// the next mapping; commands add them to drive the heap to discontiguous
// arenas, to the fallback that takes any aligned address, and to its trim.

import { alignDown, alignUp } from './geometry.js';

interface Region {
  base: number;
  limit: number;
}

function overlaps(a: Region, base: number, limit: number): boolean {
  return a.base < limit && base < a.limit;
}

export class OSMemory {
  /** Reserved by Go's heap, in the order granted. */
  readonly reserved: Region[] = [];
  /** Taken by someone else. */
  readonly foreign: Region[] = [];
  /** Bytes Go has reserved (released back with sysFreeOS). */
  reservedBytes = 0;
  /** Ghost: Go's calls, in order, with what they got (suites drain it to see which sysAlloc path ran). */
  readonly calls: { readonly op: 'sysReserve' | 'sysFreeOS'; readonly v: number; readonly n: number; readonly got: number }[] = [];

  constructor(
    /** The most the kernel lets Go reserve, in bytes (Infinity: no limit). */
    public limitBytes: number,
    /** Where the kernel places mappings asked for no address: top-down from here. */
    readonly mmapTop: number,
    /** The physical page size: the kernel's granularity. */
    readonly physPageSize: number,
  ) {}

  private isFree(base: number, limit: number): boolean {
    return !this.reserved.some((r) => overlaps(r, base, limit)) && !this.foreign.some((r) => overlaps(r, base, limit));
  }

  /**
   * The highest free range of n bytes below mmapTop, physical-page aligned,
   * or 0 if there is none.
   */
  private placeTopDown(n: number): number {
    // Stryker disable next-line EqualityOperator: `top - n > 0` is equivalent: at top = n the only candidate is base 0, which the caller takes as failure, as it takes the 0 returned after the loop (`<`, caught, is disabled with it)
    for (let top = alignDown(this.mmapTop, this.physPageSize); top - n >= 0; ) {
      const base = top - n;
      const clash = [...this.reserved, ...this.foreign].filter((r) => overlaps(r, base, top));
      if (clash.length === 0) return base;
      // Every top above a clashing region's base overlaps that region, so any of
      // their bases is a correct next try; the lowest skips the most.
      // Stryker disable next-line MethodExpression: `Math.max` is equivalent: it also skips only tops whose range overlaps a region, so the search ends at the same highest free range, in more steps
      top = alignDown(Math.min(...clash.map((r) => r.base)), this.physPageSize);
    }
    return 0;
  }

  /**
   * sysReserve(v, n): reserve n bytes at v, or anywhere when v is 0. With a
   * hint the real kernel returns some other address when v is taken, which
   * Go frees and treats as failure; the model returns 0 then.
   */
  sysReserve(v: number, n: number): number {
    const got = this.reserve(v, n);
    this.calls.push({ op: 'sysReserve', v, n, got });
    return got;
  }

  private reserve(v: number, n: number): number {
    if (this.reservedBytes + n > this.limitBytes) return 0;
    const base = v === 0 ? this.placeTopDown(n) : v;
    if (base === 0 || !this.isFree(base, base + n)) return 0;
    this.reserved.push({ base, limit: base + n });
    this.reservedBytes += n;
    return base;
  }

  /**
   * sysFreeOS(v, n): give back [v, v+n), which must lie in one reservation
   * (trimming its start or end, or splitting it).
   */
  sysFreeOS(v: number, n: number): void {
    this.calls.push({ op: 'sysFreeOS', v, n, got: 0 });
    const i = this.reserved.findIndex((r) => r.base <= v && v + n <= r.limit);
    if (i < 0) return;
    const r = this.reserved[i]!;
    const parts = [
      { base: r.base, limit: v },
      { base: v + n, limit: r.limit },
    ].filter((p) => p.base < p.limit);
    this.reserved.splice(i, 1, ...parts);
    this.reservedBytes -= n;
  }

  /** Something other than Go maps [base, base+n) (rounded up to physical pages). */
  addForeign(base: number, n: number): void {
    this.foreign.push({ base, limit: alignUp(base + n, this.physPageSize) });
  }

  /** Something other than Go maps n bytes wherever the kernel puts them (top-down); returns the base, 0 if none fits. */
  mmapAnywhere(n: number): number {
    const size = alignUp(n, this.physPageSize);
    const base = this.placeTopDown(size);
    if (base !== 0) this.foreign.push({ base, limit: base + size });
    return base;
  }

  /** Whether [base, limit) lies in one reservation of Go's. */
  isReserved(base: number, limit: number): boolean {
    return this.reserved.some((r) => r.base <= base && limit <= r.limit);
  }
}
