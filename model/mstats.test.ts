import { describe, expect, test } from 'vitest';
import { GCControllerStats, HeapStats, SysMemStat } from './mstats.js';
import { GoThrow } from './throw.js';

// runtime/mstats.go @ go1.21 · (*sysMemStat).add: the sum after adding n < 0
// may reach zero but not go below it; "sysMemStat overflow" otherwise.
describe('sysMemStat', () => {
  test('add down to exactly zero is fine; one below throws "sysMemStat overflow" and changes nothing', () => {
    const s = new SysMemStat();
    s.add(8192);
    s.add(3 * 8192);
    expect(s.load()).toBe(4 * 8192);
    expect(s.wouldOverflow(-4 * 8192)).toBe(false);
    s.add(-4 * 8192);
    expect(s.load()).toBe(0);
    s.add(0);
    expect(s.wouldOverflow(0)).toBe(false);
    expect(s.wouldOverflow(-1)).toBe(true);
    expect(() => s.add(-1)).toThrow(GoThrow);
    expect(() => s.add(-1)).toThrow('fatal error: sysMemStat overflow');
    expect(s.load()).toBe(0);
    s.add(5);
    expect(s.wouldOverflow(-5)).toBe(false);
    expect(s.wouldOverflow(-6)).toBe(true);
  });

  test("gcController's heap stats start at zero", () => {
    const c = new GCControllerStats();
    expect([c.heapInUse.load(), c.heapFree.load(), c.heapReleased.load(), c.mappedReady, c.totalAlloc, c.totalFree, c.heapLive, c.heapMarked]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('heapStats: one small alloc and free count per size class, _NumSizeClasses = 68 (sizeclasses.go), all zero', () => {
    const h = new HeapStats();
    expect(h.smallAllocCount).toEqual(new Array(68).fill(0));
    expect(h.smallFreeCount).toEqual(new Array(68).fill(0));
    expect([h.committed, h.released, h.inHeap, h.inStacks, h.inWorkBufs, h.inPtrScalarBits, h.tinyAllocCount, h.largeAlloc, h.largeAllocCount, h.largeFree, h.largeFreeCount]).toEqual(new Array(11).fill(0));
  });
});

test("sysMemStat overflow names Go's site and prints val and n, as Go does", () => {
  const s = new SysMemStat();
  s.add(7);
  let e: unknown;
  try {
    s.add(-8);
  } catch (x) {
    e = x;
  }
  expect(e).toBeInstanceOf(GoThrow);
  expect([(e as GoThrow).site, (e as GoThrow).detail]).toEqual(['runtime/mstats.go · (*sysMemStat).add', 'val=7 n=-8']);
});
