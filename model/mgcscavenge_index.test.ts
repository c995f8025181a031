import { describe, expect, test } from 'vitest';
import { defaultGeometry as g } from './geometry.js';
import { ScavChunkData, ScavengeIndex } from './mgcscavenge_index.js';
import { ModelError } from './throw.js';

// sysGrow maps the index between distant arenas too; a page of it reads as
// zero until its first store, as memory Go's sysMap maps does.
describe('scavengeIndex pages', () => {
  const perPage = g.physPageSize / 8;
  const chunk = (ci: number): number => g.arenaBaseOffset + ci * g.pallocChunkBytes;
  const grown = (): ScavengeIndex => {
    const x = new ScavengeIndex(g, false);
    x.grow(chunk(100 * perPage), chunk(100 * perPage + 1));
    x.grow(chunk(110 * perPage), chunk(110 * perPage + 1));
    return x;
  };

  test('the gap between two grown ranges is mapped, reads as zero, and is listed as zero pages', () => {
    const x = grown();
    for (const ci of [100 * perPage, 105 * perPage + 7, 110 * perPage]) {
      expect(x.mapped(ci)).toBe(true);
      expect(x.packed(ci)).toBe(0n);
    }
    const units = x.mappedUnits();
    expect(units.map(([u]) => u)).toEqual(Array.from({ length: 11 }, (_, k) => 100 + k));
    for (const [, w] of units) expect(w.every((v) => v === 0)).toBe(true);
    expect(x.mapped(99 * perPage)).toBe(false);
    expect(() => x.load(99 * perPage)).toThrow(ModelError);
  });

  test('a store backs its page alone: the others still read zero, and so does the next read of them', () => {
    const x = grown();
    const a = 105 * perPage + 7;
    x.packed(a); // a read first, so the store must not write through a cached read page
    x.store(a, new ScavChunkData(3, 2, 9, 1));
    expect(x.load(a)).toEqual(new ScavChunkData(3, 2, 9, 1));
    for (const ci of [105 * perPage + 6, 104 * perPage + 7, 106 * perPage]) expect(x.packed(ci)).toBe(0n);
    expect(x.load(a)).toEqual(new ScavChunkData(3, 2, 9, 1));
    const nonzero = x.mappedUnits().filter(([, w]) => w.some((v) => v !== 0));
    expect(nonzero.map(([u]) => u)).toEqual([105]);
  });
});
