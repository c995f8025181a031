// runtime/export_test.go @ go1.21 · NewPageAlloc, as the real runtime's hook
// builds its state (go1.21.12 and go1.26.8 have the same text): the scavenge
// index sees every alloc range's N pages, overlapping ranges included.

import { describe, expect, test } from 'vitest';
import { baseChunkIdx, newPageAlloc } from './export.js';
import { defaultGeometry as g } from './geometry.js';
import { GoThrow } from './throw.js';

const C = baseChunkIdx(g);

describe('NewPageAlloc and the scavenge index', () => {
  test('OverlappingRangesCountTwice: index.alloc(ci, s.N) per range, whatever the bitmap already holds', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 10 }, { I: 5, N: 10 }] }]);
    expect(p.chunkOf(C).popcntRange(0, g.pallocChunkPages)).toBe(15);
    // Go: 10 + 10, as the go1.26.8 runtime's index op prints it for the same chunks.
    expect(p.scav.index.load(C).inUse).toBe(20);
  });

  test('TooManyPages: ranges adding up to more than a chunk throw as Go does', () => {
    const build = () => newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }, { I: 0, N: 1 }] }]);
    expect(build).toThrow(GoThrow);
    expect(build).toThrow(/too many pages allocated in chunk\?/);
  });
});
