// The allocation bitmap's arithmetic (runtime/mbitmap.go and malloc.go's
// nextFreeFast @ go1.21) against a plain reference: a span is its nelems, one
// allocated flag per object and freeindex; allocCache is Go's documented
// window "the complement of allocBits, shifted so the lowest bit is
// freeindex", computed here from the flags, never by the model.

import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { catchThrow } from '../testing/heap.js';
import { GCBits } from './gcbits.js';
import { countAlloc, isFree, nextFreeFast, nextFreeIndex, objIndex, refillAllocCache, tz64 } from './mbitmap.js';
import { MSpan } from './mspan.js';
import { _NumSizeClasses, _PageSize, class_to_allocnpages, class_to_divmagic, class_to_size } from './sizeclasses.js';

const base = 0xc000000000;
const u64 = (1n << 64n) - 1n;

/** Objects per span of each size class (Go: class_to_allocnpages * 8192 / class_to_size); few are multiples of 64. */
const classNelems = Array.from({ length: _NumSizeClasses - 1 }, (_, i) => Math.floor((class_to_allocnpages[i + 1]! * _PageSize) / class_to_size[i + 1]!));

/** The reference span: which objects allocBits says are allocated, and the freeindex. */
interface Ref {
  readonly nelems: number;
  readonly alloc: readonly boolean[];
  readonly freeindex: number;
}

/** Go's allocCache for freeindex f: bit i is 1 iff object f+i, in f's 64-object block, is free (objects past nelems read as free: their allocBits are zero). */
function refCache(r: Ref, f: number): bigint {
  let c = 0n;
  for (let i = f; i < (f & ~63) + 64; i++) if (!(r.alloc[i] ?? false)) c |= 1n << BigInt(i - f);
  return c;
}

/** The first free object at or after f, or nelems. */
function refNextFree(r: Ref, f: number): number {
  for (let i = f; i < r.nelems; i++) if (!r.alloc[i]) return i;
  return r.nelems;
}

/** A span in the state mcentral.cacheSpan leaves it: allocBits, freeindex, allocCache for that freeindex. */
function spanOf(r: Ref, elemsize = 16): MSpan {
  const s = new MSpan(1);
  s.startAddr = base;
  s.elemsize = elemsize;
  s.nelems = r.nelems;
  s.allocBits = new GCBits(r.nelems);
  s.gcmarkBits = new GCBits(r.nelems);
  r.alloc.forEach((a, i) => a && s.allocBits!.set(i));
  s.freeindex = r.freeindex;
  s.allocCache = refCache(r, r.freeindex);
  return s;
}

/** nelems: the size classes' own counts (e.g. 170, 341, 1024) and arbitrary ones; allocBits dense or sparse; any freeindex <= nelems. */
const refs: fc.Arbitrary<Ref> = fc
  .tuple(fc.oneof(fc.constantFrom(...classNelems), fc.integer({ min: 1, max: 300 })), fc.integer({ min: 0, max: 100 }), fc.infiniteStream(fc.nat({ max: 99 })), fc.nat())
  .map(([nelems, density, coins, fi]) => {
    const it = coins[Symbol.iterator]();
    const alloc = Array.from({ length: nelems }, () => it.next().value! < density);
    return { nelems, alloc, freeindex: fi % (nelems + 1) };
  });

/** Spans whose freeindex sits on or next to a 64-object boundary, where the cache is refilled and nextFreeFast gives up. */
const boundaryRefs: fc.Arbitrary<Ref> = fc.tuple(refs, fc.integer({ min: -2, max: 1 })).map(([r, d]) => {
  const b = (r.freeindex & ~63) + 64 + d;
  return { ...r, freeindex: Math.max(0, Math.min(r.nelems, b)) };
});

describe('tz64 (sys.TrailingZeros64)', () => {
  prop.prop([fc.bigInt({ min: 0n, max: u64 })])('counts the zero bits below the lowest one, 64 for zero', (x) => {
    let n = 0;
    while (n < 64 && ((x >> BigInt(n)) & 1n) === 0n) n++;
    expect(tz64(x)).toBe(n);
  });
});

describe('refillAllocCache', () => {
  prop.prop([refs, fc.nat()])('loads the complement of the 64 allocBits from byte whichByte', (r, k) => {
    const s = spanOf(r);
    const whichByte = (k % Math.ceil(r.nelems / 64)) * 8;
    refillAllocCache(s, whichByte);
    expect(s.allocCache).toBe(refCache(r, whichByte * 8));
  });
});

describe('nextFreeIndex', () => {
  for (const gen of [refs, boundaryRefs]) {
    prop.prop([gen])('returns the first free object at or after freeindex (else nelems), moves freeindex past it and keeps allocCache in step', (r) => {
      const s = spanOf(r);
      const want = refNextFree(r, r.freeindex);
      expect(nextFreeIndex(s)).toBe(want);
      const f = Math.min(want + 1, r.nelems);
      expect(s.freeindex).toBe(f);
      if (f < r.nelems) expect(s.allocCache).toBe(refCache(r, f));
    });
  }

  test('s.freeindex > s.nelems throws, changing nothing', () => {
    const s = spanOf({ nelems: 10, alloc: new Array<boolean>(10).fill(false), freeindex: 0 });
    s.freeindex = 11;
    const cache = s.allocCache;
    const e = catchThrow(() => nextFreeIndex(s));
    expect([e.goMessage, e.site]).toEqual(['s.freeindex > s.nelems', 'runtime/mbitmap.go · (*mspan).nextFreeIndex']);
    expect([s.freeindex, s.allocCache]).toEqual([11, cache]);
  });
});

describe('nextFreeFast', () => {
  for (const gen of [refs, boundaryRefs]) {
    prop.prop([gen, fc.constantFrom(8, 48, 1024)])(
      "takes the next free object only from allocCache's 64-object block, and gives up (0, nothing changed) where freeindex would reach a 64-object boundary short of nelems",
      (r, elemsize) => {
        const s = spanOf(r, elemsize);
        s.allocCount = 7;
        const blockEnd = Math.min((r.freeindex & ~63) + 64, r.nelems);
        const next = refNextFree(r, r.freeindex);
        const inBlock = next < blockEnd;
        const givesUp = !inBlock || ((next + 1) % 64 === 0 && next + 1 !== r.nelems);
        const cache = s.allocCache;
        const v = nextFreeFast(s);
        if (givesUp) {
          expect(v).toBe(0);
          expect([s.freeindex, s.allocCount, s.allocCache]).toEqual([r.freeindex, 7, cache]);
        } else {
          expect(v).toBe(base + next * elemsize);
          expect([s.freeindex, s.allocCount]).toEqual([next + 1, 8]);
          if (next + 1 < r.nelems) expect(s.allocCache).toBe(refCache(r, next + 1));
        }
      },
    );
  }

  test('NextFreeFast64: the 64th object of a block is left to nextFree, which refills the cache', () => {
    const s = spanOf({ nelems: 170, alloc: new Array<boolean>(170).fill(false), freeindex: 63 });
    expect(nextFreeFast(s)).toBe(0);
    expect(nextFreeIndex(s)).toBe(63);
    expect(s.freeindex).toBe(64);
    expect(s.allocCache).toBe(u64); // objects 64..127, all free
    expect(nextFreeFast(s)).toBe(base + 64 * 16);
  });

  test('NextFreeFastLast: the last object of a span takes the fast path even on a 64 boundary', () => {
    const s = spanOf({ nelems: 128, alloc: new Array<boolean>(128).fill(false), freeindex: 127 });
    expect(nextFreeFast(s)).toBe(base + 127 * 16);
    expect(s.freeindex).toBe(128);
  });

  prop.prop([refs])("mallocgc's loop (nextFreeFast, else nextFreeIndex) hands out exactly the free objects from freeindex on, lowest first", (r) => {
    const s = spanOf(r);
    const got: number[] = [];
    for (;;) {
      const v = nextFreeFast(s);
      if (v !== 0) {
        got.push((v - base) / 16);
        continue;
      }
      const i = nextFreeIndex(s);
      if (i === r.nelems) break;
      got.push(i);
    }
    const want: number[] = [];
    for (let i = r.freeindex; i < r.nelems; i++) if (!r.alloc[i]) want.push(i);
    expect(got).toEqual(want);
    expect(s.freeindex).toBe(r.nelems);
  });
});

describe('isFree and countAlloc', () => {
  prop.prop([refs, fc.nat()])('isFree: allocated below freeIndexForScan, else as allocBits says', (r, k) => {
    const s = spanOf(r);
    const scan = k % (r.freeindex + 1);
    s.freeIndexForScan = scan;
    const got = r.alloc.map((_, i) => isFree(s, i));
    expect(got).toEqual(r.alloc.map((a, i) => i >= scan && !a));
  });

  prop.prop([refs, fc.infiniteStream(fc.boolean())])('countAlloc counts the marked objects (not the allocated ones)', (r, coins) => {
    const s = spanOf(r);
    const it = coins[Symbol.iterator]();
    const marked = r.alloc.map(() => it.next().value!);
    marked.forEach((m, i) => m && s.gcmarkBits!.set(i));
    expect(countAlloc(s)).toBe(marked.filter(Boolean).length);
  });
});

describe('objIndex', () => {
  prop.prop([fc.integer({ min: 1, max: _NumSizeClasses - 1 }), fc.nat()])("maps every byte of an object to its index, as Go's divMul division does", (c, k) => {
    const size = class_to_size[c]!;
    const s = new MSpan(1);
    s.startAddr = base;
    s.elemsize = size;
    const off = k % (class_to_allocnpages[c]! * _PageSize);
    const goIndex = Number((BigInt(off) * BigInt(class_to_divmagic[c]!)) >> 32n);
    expect(objIndex(s, base + off)).toBe(goIndex);
    expect(goIndex).toBe(Math.floor(off / size));
  });
});


// runtime/mbitmap.go @ go1.21 · nextFreeIndex returns nelems before any refill
// once freeindex reaches it: allocCache is left as the last shift made it.
describe('nextFreeIndex at the end of the span leaves allocCache alone', () => {
  test('a full 64-object span: nelems, and the empty cache stays empty', () => {
    const s = spanOf({ nelems: 64, alloc: Array.from({ length: 64 }, () => true), freeindex: 0 });
    expect(s.allocCache).toBe(0n);
    expect(nextFreeIndex(s)).toBe(64);
    expect([s.freeindex, s.allocCache]).toEqual([64, 0n]);
  });

  test('the last of 64 objects: its index, freeindex = nelems, and no refill after it', () => {
    const s = spanOf({ nelems: 64, alloc: Array.from({ length: 64 }, (_, i) => i !== 63), freeindex: 0 });
    expect(s.allocCache).toBe(1n << 63n);
    expect(nextFreeIndex(s)).toBe(63);
    // Go: allocCache >>= 64 is 0; sfreeindex == snelems, so no refill.
    expect([s.freeindex, s.allocCache]).toEqual([64, 0n]);
  });
});
