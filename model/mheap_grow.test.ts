// runtime/mheap.go @ go1.21 · (*mheap).grow: returns how many bytes the heap
// grew by (the current arena's remainder, when it is abandoned, plus the new
// space) and takes new arena space only when the current arena cannot hold
// the request.

import { describe, expect, test } from 'vitest';
import { hex } from './geometry.js';
import { MHeap } from './mheap.js';
import { grow } from './mheap_grow.js';
import { makeSpanClass } from './spanclass.js';

const heapClass = makeSpanClass(0, true);
const MiB = 1 << 20;

/** A heap with one 64 MiB arena at 0xc000000000, its first 4 MiB chunk handed to the page allocator. */
function oneChunk(): MHeap {
  const h = new MHeap({});
  h.alloc(1, heapClass, h.p(0));
  expect([hex(h.curArena.base), hex(h.curArena.end)]).toEqual(['0xc000400000', '0xc004000000']);
  return h;
}

describe('grow', () => {
  test('the first grow maps one whole chunk and returns its bytes', () => {
    const h = new MHeap({});
    expect(grow(h, 1)).toEqual([4 * MiB, true]);
    expect([hex(h.curArena.base), hex(h.curArena.end)]).toEqual(['0xc000400000', '0xc004000000']);
    expect(h.heapStats.released).toBe(4 * MiB);
  });

  test('a request that exactly fills the current arena grows in place, with no new arena', () => {
    const h = oneChunk();
    // 15 chunks: nBase == curArena.end, which still fits (Go: nBase > h.curArena.end asks for more).
    expect(grow(h, 15 * 512)).toEqual([60 * MiB, true]);
    expect([hex(h.curArena.base), hex(h.curArena.end)]).toEqual(['0xc004000000', '0xc004000000']);
    expect(h.allArenas).toHaveLength(1);
    expect(h.os.reservedBytes).toBe(64 * MiB);
  });

  test('contiguous new arena space extends the current arena; the growth is only the request', () => {
    const h = oneChunk();
    // 16 chunks do not fit in the 15 left: the next arena comes at 0xc004000000, right after.
    expect(grow(h, 16 * 512)).toEqual([64 * MiB, true]);
    expect([hex(h.curArena.base), hex(h.curArena.end)]).toEqual(['0xc004400000', '0xc008000000']);
    expect(h.allArenas).toHaveLength(2);
    expect(h.pages.inUse.ranges.map((r) => [hex(r.base.addr()), hex(r.limit.addr())])).toEqual([['0xc000000000', '0xc004400000']]);
  });

  test('discontiguous new arena space: the growth counts the abandoned remainder and the request', () => {
    const h = oneChunk();
    h.os.addForeign(0xc004000000, 64 * MiB); // the next hint is taken
    const released = h.heapStats.released;
    expect(grow(h, 16 * 512)).toEqual([60 * MiB + 64 * MiB, true]);
    expect([hex(h.curArena.base), hex(h.curArena.end)]).toEqual(['0x1c004000000', '0x1c004000000']);
    expect(h.heapStats.released - released).toBe(60 * MiB + 64 * MiB);
    expect(h.pages.inUse.ranges.map((r) => [hex(r.base.addr()), hex(r.limit.addr())])).toEqual([
      ['0xc000000000', '0xc004000000'],
      ['0x1c000000000', '0x1c004000000'],
    ]);
  });

  test('when the OS refuses, grow returns [0, false] and changes nothing', () => {
    const h = new MHeap({ osLimitBytes: 64 * MiB });
    h.alloc(1, heapClass, h.p(0));
    expect(grow(h, 16 * 512)).toEqual([0, false]);
    expect([hex(h.curArena.base), hex(h.curArena.end)]).toEqual(['0xc000400000', '0xc004000000']);
  });
});
