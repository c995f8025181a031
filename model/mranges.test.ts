import { describe, expect, test } from 'vitest';
import { catchThrow } from '../testing/heap.js';
import { Geometry, defaultGeometry as g, small } from './geometry.js';
import { AddrRange, AddrRanges, AtomicOffAddr, OffAddr, makeAddrRange } from './mranges.js';

const r = (base: number, limit: number): AddrRange => new AddrRange(new OffAddr(base), new OffAddr(limit));
const bounds = (a: AddrRange): [number, number] => [a.base.addr(), a.limit.addr()];
const KiB = 1024;

describe('runtime/mranges.go · offAddr @ go1.21', () => {
  test('add and sub move the address by bytes', () => {
    // offAddr.add: offAddr{l1.a + bytes}; offAddr.sub: offAddr{l1.a - bytes}.
    expect(new OffAddr(0x3000).add(0x100).addr()).toBe(0x3100);
    expect(new OffAddr(0x3000).sub(0x100).addr()).toBe(0x2f00);
  });
});

describe('runtime/mranges.go · addrRange @ go1.21', () => {
  test('size: limit - base, and 0 when limit <= base', () => {
    // `if !a.base.lessThan(a.limit) { return 0 }`
    expect(r(0x1000, 0x3000).size()).toBe(0x2000);
    expect(r(0x3000, 0x1000).size()).toBe(0);
    expect(r(0x3000, 0x3000).size()).toBe(0);
  });

  test('contains: base <= addr < limit', () => {
    const a = r(0x1000, 0x3000);
    expect([0xfff, 0x1000, 0x2fff, 0x3000].map((x) => a.contains(x))).toEqual([false, true, true, false]);
  });

  test('subtract: each of Go\'s four cases', () => {
    // b covers a: addrRange{}.
    expect(bounds(r(0x2000, 0x3000).subtract(r(0x1000, 0x4000)))).toEqual([0, 0]);
    // b overlaps a's low end: a.base = b.limit.
    expect(bounds(r(0x2000, 0x5000).subtract(r(0x1000, 0x3000)))).toEqual([0x3000, 0x5000]);
    // b overlaps a's high end: a.limit = b.base.
    expect(bounds(r(0x2000, 0x5000).subtract(r(0x4000, 0x6000)))).toEqual([0x2000, 0x4000]);
    // Disjoint: a unchanged.
    expect(bounds(r(0x2000, 0x5000).subtract(r(0x6000, 0x7000)))).toEqual([0x2000, 0x5000]);
  });

  test('subtract: b strictly inside a would split it: throw("bad prune")', () => {
    const e = catchThrow(() => r(0x2000, 0x5000).subtract(r(0x3000, 0x4000)));
    expect(e.goMessage).toBe('bad prune');
    expect(e.site).toBe('runtime/mranges.go · addrRange.subtract');
  });
});

describe('runtime/mranges.go · makeAddrRange @ go1.21', () => {
  test('amd64 (arenaBaseOffset 0xffff800000000000): base and limit in different segments throw', () => {
    // (base-arenaBaseOffset >= base) != (limit-arenaBaseOffset >= limit): for
    // base in the kernel half (bit 63 set, here negative) base - arenaBaseOffset
    // wraps below base; for limit in the user half it does not.
    const e = catchThrow(() => makeAddrRange(g, -0x2000, 0x1000));
    expect(e.goMessage).toBe('addr range base and limit are not in the same memory segment');
    expect(e.site).toBe('runtime/mranges.go · makeAddrRange');
    // Go's uintptr: -0x2000 is 0xffffffffffffe000.
    expect(e.detail).toBe('base = 0xffffffffffffe000, limit = 0x1000');
  });

  test('amd64: both in the user half, from address 0, or both in the kernel half: no throw', () => {
    // 0 - 0xffff800000000000 = 0x800000000000 >= 0: address 0 is in the user half.
    expect(bounds(makeAddrRange(g, 0, 0x1000))).toEqual([0, 0x1000]);
    expect(bounds(makeAddrRange(g, 0x1000, 0x5000))).toEqual([0x1000, 0x5000]);
    expect(bounds(makeAddrRange(g, -0x5000, -0x1000))).toEqual([-0x5000, -0x1000]);
  });

  test('arenaBaseOffset 0: a - 0 >= a always, one segment, never a throw', () => {
    const sg = new Geometry(small);
    expect(bounds(makeAddrRange(sg, -0x2000, 0x1000))).toEqual([-0x2000, 0x1000]);
  });
});

describe('runtime/mranges.go · atomicOffAddr @ go1.21', () => {
  // Values stored are addr - arenaBaseOffset, negated when marked.
  test('StoreMin keeps the lower address; a marked value is never replaced', () => {
    const a = new AtomicOffAddr(g);
    // The zero value is minOffAddr, which no StoreMin lowers.
    a.StoreMin(0x3000);
    expect(a.Load()).toEqual([g.arenaBaseOffset, false]);
    a.StoreMarked(0x5000);
    a.StoreUnmark(0x5000, 0x5000);
    a.StoreMin(0x6000);
    expect(a.Load()).toEqual([0x5000, false]);
    a.StoreMin(0x2000);
    expect(a.Load()).toEqual([0x2000, false]);
    a.StoreMarked(0x4000);
    // old = -(0x4000 + 2^47) < new: return.
    a.StoreMin(0x1000);
    expect(a.Load()).toEqual([0x4000, true]);
  });

  test('StoreUnmark swaps only the marked address it was given', () => {
    const a = new AtomicOffAddr(g);
    a.StoreMarked(0x4000);
    a.StoreUnmark(0x5000, 0x1000); // CompareAndSwap(-(0x5000-abo), ...) fails
    expect(a.Load()).toEqual([0x4000, true]);
    a.StoreUnmark(0x4000, 0x1000);
    expect(a.Load()).toEqual([0x1000, false]);
  });

  test('Clear stores minOffAddr unless the value is marked', () => {
    const a = new AtomicOffAddr(g);
    a.StoreMarked(0x4000);
    a.Clear();
    expect(a.Load()).toEqual([0x4000, true]);
    a.StoreUnmark(0x4000, 0x4000);
    a.Clear();
    expect(a.Load()).toEqual([g.arenaBaseOffset, false]);
  });

  test('raw: the stored int64, with no negative zero', () => {
    const a = new AtomicOffAddr(g);
    a.StoreMarked(0x3000);
    a.StoreUnmark(0x3000, 0x3000);
    expect(a.raw()).toBe(0x3000 + 2 ** 47);
    // Marking minOffAddr stores -(0) = 0 in Go's int64.
    a.StoreMarked(g.arenaBaseOffset);
    expect(a.raw()).toBe(0);
  });
});

describe('runtime/mranges.go · addrRanges @ go1.21', () => {
  /** n disjoint, non-adjacent ranges [k*16K, k*16K + 8K), k = 1..n. */
  const many = (n: number): AddrRanges => {
    const rs = new AddrRanges(g);
    for (let k = 1; k <= n; k++) rs.add(r(k * 16 * KiB, k * 16 * KiB + 8 * KiB));
    return rs;
  };

  test('findSucc over more than iterMax = 8 ranges (the binary search), as Go\'s TestAddrRangesFindSucc', () => {
    const rs = many(20);
    // Ranges k = 1..20 at index k-1. Inside range k (the middle one is probed
    // first: index 10, k = 11): the successor is index k.
    expect(rs.findSucc(11 * 16 * KiB + 100)).toBe(11);
    // Below every range: 0; in the gap above range k: k.
    expect(rs.findSucc(0x100)).toBe(0);
    expect(rs.findSucc(2 * 16 * KiB + 100)).toBe(2);
    expect(rs.findSucc(3 * 16 * KiB + 8 * KiB)).toBe(3);
    expect(rs.findSucc(21 * 16 * KiB)).toBe(20);
  });

  test('findAddrGreaterEqual: below, inside, in a gap, above all', () => {
    const rs = many(3);
    expect(rs.findAddrGreaterEqual(0x100)).toEqual([16 * KiB, true]);
    expect(rs.findAddrGreaterEqual(2 * 16 * KiB + 100)).toEqual([2 * 16 * KiB + 100, true]);
    expect(rs.findAddrGreaterEqual(2 * 16 * KiB + 8 * KiB)).toEqual([3 * 16 * KiB, true]);
    expect(rs.findAddrGreaterEqual(4 * 16 * KiB)).toEqual([0, false]);
  });

  test('contains: below the first range, inside, in a gap', () => {
    const rs = many(3);
    expect([0x100, 16 * KiB, 16 * KiB + 8 * KiB, 3 * 16 * KiB + 8 * KiB - 1].map((x) => rs.contains(x))).toEqual([false, true, false, true]);
  });

  test('add coalesces with both neighbours into one range', () => {
    const rs = new AddrRanges(g);
    rs.add(r(0x1000, 0x2000));
    rs.add(r(0x3000, 0x4000));
    rs.add(r(0x2000, 0x3000));
    expect(rs.ranges.map(bounds)).toEqual([[0x1000, 0x4000]]);
    expect(rs.totalBytes).toBe(0x3000);
  });

  test('add of a zero-sized range throws', () => {
    const rs = new AddrRanges(g);
    const e = catchThrow(() => rs.add(r(0x2000, 0x2000)));
    expect(e.goMessage).toBe('attempted to add zero-sized address range');
    expect(e.site).toBe('runtime/mranges.go · (*addrRanges).add');
    expect(e.detail).toBe('range = {0x2000, 0x2000}');
  });

  test('cloneInto copies the ranges (not sharing them) and totalBytes', () => {
    const a = many(2);
    const b = new AddrRanges(g);
    a.cloneInto(b);
    expect(b.ranges.map(bounds)).toEqual(a.ranges.map(bounds));
    expect(b.totalBytes).toBe(16 * KiB);
    b.ranges[0]!.limit = new OffAddr(0);
    expect(a.ranges[0]!.limit.addr()).toBe(16 * KiB + 8 * KiB);
  });
});
