import { describe, expect, test } from 'vitest';
import { pageAllocFingerprint } from '../spec/pagealloc/modelView.js';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import { defaultGeometry as g } from './geometry.js';
import { PageCache } from './mpagecache.js';
import { ModelError } from './throw.js';

const C = baseChunkIdx(g);
const P = g.pageSize;

describe('page cache blocks', () => {
  test('PartlyUsedBlock: the cache gets the block\'s free pages, with their scavenged bits', () => {
    // Pages 0..9 used; 12..20 scavenged: the cache owns 10..63, scav 12..20.
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 10 }], scav: [{ I: 12, N: 9 }] }]);
    const c = p.allocToCache();
    expect(c.base).toBe(pageBase(g, C, 0));
    expect(c.cache).toBe(((1n << 64n) - 1n) & ~((1n << 10n) - 1n));
    expect(c.scav).toBe(((1n << 9n) - 1n) << 12n);
    // The block is all allocated in the bitmap now; the scavenged bits moved into the cache.
    expect(p.chunkOf(C).popcntRange(0, 64)).toBe(64);
    expect(p.chunkOf(C).scavenged.popcntRange(0, 64)).toBe(0);
    // searchAddr: the last page of the block, not one past it.
    expect(p.searchAddr.addr()).toBe(pageBase(g, C, 63));
  });

  test('SecondBlock: a full first block sends the cache to the next one', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 64 }, { I: 70, N: 2 }] }]);
    const c = p.allocToCache();
    expect(c.base).toBe(pageBase(g, C, 64));
    expect(c.cache).toBe(((1n << 64n) - 1n) & ~(3n << 6n));
  });

  test('AllocN: the lowest run of n cached pages; the scavenged bytes in it', () => {
    const c = new PageCache(g, pageBase(g, C, 0), 0b1101_1110n, 0b0100_0010n);
    expect(c.alloc(3)).toEqual([pageBase(g, C, 1), P]); // pages 1..3, page 1 scavenged
    expect(c.alloc(2)).toEqual([pageBase(g, C, 6), P]); // pages 6..7, page 6 scavenged
    expect(c.alloc(1)).toEqual([pageBase(g, C, 4), 0]);
    expect(c.alloc(1)).toEqual([0, 0]);
    expect(c.empty()).toBe(true);
  });

  test('FlushRestoresScavengedBits', () => {
    const p = newPageAlloc(g, [{ chunk: C, scav: [{ I: 0, N: 4 }] }]);
    const c = p.allocToCache();
    expect(c.alloc(1)).toEqual([pageBase(g, C, 0), P]);
    c.flush(p);
    expect(c.empty()).toBe(true);
    expect(p.chunkOf(C).popcntRange(0, 64)).toBe(1);
    expect(p.chunkOf(C).scavenged.popcntRange(0, 64)).toBe(3);
    expect(p.searchAddr.addr()).toBe(pageBase(g, C, 0));
  });

  test('a cache whose pages are free in the allocator cannot be flushed into it', () => {
    const p = newPageAlloc(g, [{ chunk: C }]);
    const before = pageAllocFingerprint(p);
    const c = new PageCache(g, pageBase(g, C, 0), 1n, 0n);
    expect(() => c.flush(p)).toThrow(ModelError);
    expect(() => c.flush(p)).toThrow(/holds pages that are free/);
    expect(pageAllocFingerprint(p)).toBe(before);
  });

  test('cache.alloc(0) is refused', () => {
    const c = new PageCache(g, pageBase(g, C, 0), 1n, 0n);
    expect(() => c.alloc(0)).toThrow(/npages must be a positive integer/);
    expect(c.cache).toBe(1n);
  });
});
