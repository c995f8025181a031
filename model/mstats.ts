// runtime/mstats.go and mgcpacer.go @ go1.21: the heap statistics the page
// heap keeps, as Go keeps them.
//
// gcController's heapInUse, heapFree and heapReleased are sysMemStats: a
// change that would take one below zero throws "sysMemStat overflow". The
// consistent heap stats are int64 deltas. With the world stopped Go checks
// (readmemstats_m): heapInUse == inHeap; heapReleased == released;
// heapInUse + heapFree == committed - inStacks - inWorkBufs - inPtrScalarBits.

import { throwGo } from './throw.js';

/** A sysMemStat: a uint64 statistic that must never go negative. */
export class SysMemStat {
  private v = 0;

  load(): number {
    return this.v;
  }

  /** add(n): throws "sysMemStat overflow" rather than go below zero. */
  add(n: number): void {
    if (this.v + n < 0) throwGo('sysMemStat overflow', 'runtime/mstats.go · (*sysMemStat).add', `val=${this.v} n=${n}`);
    this.v += n;
  }

  /** Whether add(n) would throw (to validate before changing anything). */
  wouldOverflow(n: number): boolean {
    return this.v + n < 0;
  }
}

/** The parts of gcController that the page heap updates. */
export class GCControllerStats {
  /** Bytes in mSpanInUse spans. */
  readonly heapInUse = new SysMemStat();
  /** Free, committed (not released) heap bytes. */
  readonly heapFree = new SysMemStat();
  /** Free heap bytes released to the OS. */
  readonly heapReleased = new SysMemStat();
  /**
   * Total virtual memory in the Ready state (mgcpacer.go; an atomic.Uint64,
   * not a sysMemStat). Moved by sysUsed and sysUnused (mem.go). The model
   * counts heap memory only: Go also counts the metadata it sysAllocs, which
   * readmemstats_m matches through gcMiscSys and the other *_sys stats.
   */
  mappedReady = 0;
}

/** memstats.heapStats: the consistent heap statistics (heapStatsDelta's memory fields). */
export class HeapStats {
  committed = 0;
  released = 0;
  inHeap = 0;
  inStacks = 0;
  inWorkBufs = 0;
  inPtrScalarBits = 0;
}
