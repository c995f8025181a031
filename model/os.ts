// The operating system's address space, as far as Go's heap asks it:
// runtime/mem_linux.go · sysReserve, sysReserveAligned (malloc.go), sysMap,
// sysUsed, sysUnused, sysFreeOS.
//
// The model's kernel grants a reservation at the asked address if that range
// is free, and refuses it when it would exceed the configured limit (the
// model's "out of memory"). Regions taken by something other than Go's heap
// ("foreign" mappings) make hints fail, the way another library's mmap
// would; commands add them to drive the heap to discontiguous arenas.

import { alignUp } from './geometry.js';

interface Region {
  base: number;
  limit: number;
}

function overlaps(a: Region, base: number, limit: number): boolean {
  return a.base < limit && base < a.limit;
}

export class OSMemory {
  /** Reserved by Go's heap. */
  readonly reserved: Region[] = [];
  /** Taken by someone else. */
  readonly foreign: Region[] = [];
  /** Bytes Go has reserved (released back with sysFreeOS). */
  reservedBytes = 0;
  /** Where the kernel places mappings without a hint: top-down from here. */
  mmapTop: number;

  constructor(
    /** The most the kernel lets Go reserve, in bytes (Infinity: no limit). */
    public limitBytes: number,
    mmapTop: number,
  ) {
    this.mmapTop = mmapTop;
  }

  private free(base: number, limit: number): boolean {
    return !this.reserved.some((r) => overlaps(r, base, limit)) && !this.foreign.some((r) => overlaps(r, base, limit));
  }

  /**
   * sysReserve(v, n): reserve [v, v+n). With a hint the real kernel returns
   * some other address when v is taken, and Go frees it and drops the hint;
   * the model returns 0 then, which Go treats the same way.
   */
  sysReserve(v: number, n: number): number {
    if (this.reservedBytes + n > this.limitBytes) return 0;
    if (!this.free(v, v + n)) return 0;
    this.reserved.push({ base: v, limit: v + n });
    this.reservedBytes += n;
    return v;
  }

  /**
   * sysReserveAligned(nil, n, align): any align-aligned region the kernel
   * will give: the highest free one below mmapTop. Returns its base and the
   * size reserved (Go keeps n+align when the address happens to be aligned,
   * as the model's always is), or [0, 0].
   */
  sysReserveAligned(n: number, align: number): [number, number] {
    const size = n + align;
    if (this.reservedBytes + size > this.limitBytes) return [0, 0];
    for (let top = this.mmapTop; top - size >= 0; ) {
      const base = Math.floor((top - size) / align) * align;
      const clash = [...this.reserved, ...this.foreign].filter((r) => overlaps(r, base, base + size));
      if (clash.length === 0) {
        this.reserved.push({ base, limit: base + size });
        this.reservedBytes += size;
        return [base, size];
      }
      top = Math.min(...clash.map((r) => r.base));
    }
    return [0, 0];
  }

  /** sysFreeOS: give a reservation back. */
  sysFreeOS(v: number, n: number): void {
    const i = this.reserved.findIndex((r) => r.base === v && r.limit === v + n);
    if (i >= 0) {
      this.reserved.splice(i, 1);
      this.reservedBytes -= n;
    }
  }

  /** Something other than Go maps [base, base+n) (page-aligned). */
  addForeign(base: number, n: number): void {
    this.foreign.push({ base, limit: alignUp(base + n, 4096) });
  }

  /** Whether [base, limit) is reserved by Go. */
  isReserved(base: number, limit: number): boolean {
    return this.reserved.some((r) => r.base <= base && limit <= r.limit);
  }
}
