// runtime/mheap.go @ go1.21 · type spanClass and type spanAllocType.
//
// A span class packs a size class and a noscan bit into Go's uint8:
// sizeclass<<1 | noscan. Every size class has two, so mcentral keeps the
// spans whose objects hold no pointers (the GC never scans them) apart from
// those it must scan. Go's methods on these types are free functions here.

import { _NumSizeClasses, tinySizeClass } from './sizeclasses.js';
import { refuse } from './throw.js';

/** Go's spanClass: sizeclass<<1 | noscan, in [0, numSpanClasses). */
export type SpanClass = number;

/** Number of span classes: a scan and a noscan one per size class. */
export const numSpanClasses = _NumSizeClasses << 1;
/** The span class of the tiny allocator's 16-byte blocks: tinySizeClass, noscan. */
export const tinySpanClass: SpanClass = (tinySizeClass << 1) | 1;

/**
 * The conversion spanClass(i) (mheap.init's loop over h.central), checked:
 * Go's uint8 would take 136..255 too, but no such span class exists.
 */
export function spanClass(i: number): SpanClass {
  if (!Number.isInteger(i) || i < 0 || i >= numSpanClasses) {
    refuse('spanClass', `span class must be an integer in [0, ${numSpanClasses}), got ${String(i)}`);
  }
  return i;
}

/** makeSpanClass: the span class of size class sizeclass with the given noscan bit. */
export function makeSpanClass(sizeclass: number, noscan: boolean): SpanClass {
  // Go's uint8 shift would silently wrap a size class >= 128.
  if (!Number.isInteger(sizeclass) || sizeclass < 0 || sizeclass >= _NumSizeClasses) {
    refuse('makeSpanClass', `size class must be an integer in [0, ${_NumSizeClasses}), got ${String(sizeclass)}`);
  }
  return (sizeclass << 1) | (noscan ? 1 : 0);
}

/** (spanClass).sizeclass: the size class, sc >> 1. */
export function sizeclass(sc: SpanClass): number {
  return sc >> 1;
}

/** (spanClass).noscan: whether the span's objects hold no pointers, sc&1 != 0. */
export function noscan(sc: SpanClass): boolean {
  return (sc & 1) !== 0;
}

/**
 * Go's spanAllocType values, in iota order: spanAllocTypes[i] is the constant
 * whose Go value is i. What a span is allocated (or freed) for decides which
 * memstats counter it moves and whether the GC manages it.
 */
export const spanAllocTypes = ['spanAllocHeap', 'spanAllocStack', 'spanAllocPtrScalarBits', 'spanAllocWorkBuf'] as const;

/** Go's spanAllocType, as its constant's name. */
export type SpanAllocType = (typeof spanAllocTypes)[number];

/** A heap span: objects the GC allocates and sweeps (iota 0). */
export const spanAllocHeap = 'spanAllocHeap' satisfies SpanAllocType;
/** A goroutine stack span (iota 1). */
export const spanAllocStack = 'spanAllocStack' satisfies SpanAllocType;
/** A span for a GC program's unrolled pointer/scalar bitmap (iota 2). */
export const spanAllocPtrScalarBits = 'spanAllocPtrScalarBits' satisfies SpanAllocType;
/** A span for GC work buffers (iota 3). */
export const spanAllocWorkBuf = 'spanAllocWorkBuf' satisfies SpanAllocType;

/** Go's numeric value of each spanAllocType (what print(typ) shows). */
export const spanAllocTypeValue: Readonly<Record<SpanAllocType, number>> = Object.freeze({
  spanAllocHeap: 0,
  spanAllocStack: 1,
  spanAllocPtrScalarBits: 2,
  spanAllocWorkBuf: 3,
});

/** (spanAllocType).manual: every kind but spanAllocHeap is managed by hand (allocManual/freeManual), not by the GC. */
export function manual(s: SpanAllocType): boolean {
  return s !== spanAllocHeap;
}
