import { describe, expect, test } from 'vitest';
import { pageAllocFingerprint } from '../spec/pagealloc/modelView.js';
import { catchRefusal, catchThrow } from '../testing/heap.js';
import { chunkBase } from './chunks.js';
import { baseChunkIdx, newPageAlloc, pageBase } from './export.js';
import { defaultGeometry as g, hex } from './geometry.js';
import type { PageAlloc } from './mpagealloc.js';
import { PageCache } from './mpagecache.js';
import { OffAddr } from './mranges.js';
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

describe('runtime/mpagecache.go · (*pageCache).alloc @ go1.21', () => {
  test('npages 0 is refused by pageCache.alloc', () => {
    const e = catchRefusal(() => new PageCache(g, pageBase(g, C, 0), 1n, 0n).alloc(0));
    expect(e.op).toBe('pageCache.alloc');
    expect(e.reason).toBe('npages must be a positive integer, got 0');
  });
});

describe('runtime/mpagecache.go · (*pageCache).flush: the model refuses a cache that is not one allocToCache could have made', () => {
  // Chunk C: the first block (pages 0..63) allocated, as a cache holding any of it would find it.
  const fresh = (): PageAlloc => newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 64 }] }]);
  const cases: [string, (p: PageAlloc) => PageCache, (p: PageAlloc) => string][] = [
    ['a base that is not 64-page aligned', () => new PageCache(g, pageBase(g, C, 1), 1n, 0n), () => `base ${hex(pageBase(g, C, 1))} is not aligned to 64 pages`],
    ['scavenged bits outside its free pages', () => new PageCache(g, pageBase(g, C, 0), 1n, 2n), () => "scavenged bits 0x0000000000000002 are outside the cache's free pages"],
    ['a block the allocator never grew', () => new PageCache(g, pageBase(g, C + 3, 0), 1n, 0n), () => `the block at ${hex(pageBase(g, C + 3, 0))} is not inside memory the page allocator has grown`],
    ['pages another live cache owns', (p) => {
      p.free(pageBase(g, C, 0), 64);
      return p.allocToCache().clone();
    }, () => `the cache at ${hex(pageBase(g, C, 0))} shares pages with another live page cache`],
  ];
  for (const [name, make, reason] of cases) {
    test(name, () => {
      const p = fresh();
      const c = make(p);
      const before = pageAllocFingerprint(p);
      const e = catchRefusal(() => c.flush(p));
      expect(e.op).toBe('pageCache.flush');
      expect(e.reason).toBe(reason(p));
      expect(pageAllocFingerprint(p)).toBe(before);
    });
  }
});

describe('runtime/mpagecache.go · (*pageAlloc).allocToCache @ go1.21', () => {
  test('searchAddr in chunk p.end (the heap is full): an empty cache, searchAddr untouched', () => {
    // if chunkIndex(p.searchAddr.addr()) >= p.end { return pageCache{} }
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    p.searchAddr = new OffAddr(chunkBase(g, C + 1));
    const c = p.allocToCache();
    expect([c.base, c.cache, c.scav]).toEqual([0, 0n, 0n]);
    expect(p.searchAddr.addr()).toBe(chunkBase(g, C + 1));
  });

  test('a leaf summary with free pages the bitmap lacks: fatal error "bad summary data"', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    // Corrupt chunk C's leaf summary to (start 0, max 1, end 0): the fast path's chunk.find(1, 0) finds nothing.
    const leaf = p.summary[g.summaryLevels - 1]!;
    leaf.page(C)[leaf.slot(C)] = p.sums.packLo(0, 1, 0);
    leaf.page(C)[leaf.slot(C) + 1] = p.sums.packHi(0, 1, 0);
    const e = catchThrow(() => p.allocToCache());
    expect(e.goMessage).toBe('bad summary data');
    expect(e.site).toBe('runtime/mpagecache.go · (*pageAlloc).allocToCache');
  });

  test('the fast path is taken when either half of the leaf summary is nonzero (p.summary[...][ci] != 0)', () => {
    const p = newPageAlloc(g, [{ chunk: C, alloc: [{ I: 0, N: 512 }] }]);
    // (start 0, max 0, end 300): end lies in the high word only; the low word is 0.
    const leaf = p.summary[g.summaryLevels - 1]!;
    leaf.page(C)[leaf.slot(C)] = p.sums.packLo(0, 0, 300);
    leaf.page(C)[leaf.slot(C) + 1] = p.sums.packHi(0, 0, 300);
    expect(leaf.page(C)[leaf.slot(C)]).toBe(0);
    expect(catchThrow(() => p.allocToCache()).goMessage).toBe('bad summary data');
  });

  test('ghost: a cache that ran empty is forgotten at the next allocToCache', () => {
    const p = newPageAlloc(g, [{ chunk: C }]);
    const c1 = p.allocToCache();
    expect(c1.alloc(64)[0]).toBe(pageBase(g, C, 0));
    const c2 = p.allocToCache();
    expect(c2.base).toBe(pageBase(g, C, 64));
    expect([...p.ghostCaches]).toEqual([c2]);
  });
});
