// runtime/mem.go @ go1.21 · sysUsed, sysUnused: the memory states heap
// memory moves between, as far as the statistics see them.
//
// Heap memory is Reserved (sysReserve), then Prepared (sysMap, counted as
// released: grow), then Ready (sysUsed, when an allocation commits the
// scavenged pages it got), and back to Prepared (sysUnused, when the
// scavenger releases free pages). gcController.mappedReady counts Ready
// bytes. The OS calls themselves have no effect on the model's heap.

import type { MHeap } from './mheap.js';

/** sysUsed(v, n, prepared): n bytes at v are about to be used; prepared of them were Prepared. */
export function sysUsed(h: MHeap, _v: number, _n: number, prepared: number): void {
  h.gcController.mappedReady += prepared;
}

/** sysUnused(v, n): the OS may take back the n bytes at v (Ready -> Prepared). */
export function sysUnused(h: MHeap, _v: number, n: number): void {
  h.gcController.mappedReady -= n;
}
