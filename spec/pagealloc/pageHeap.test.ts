import { expect, test } from 'vitest';
import { ALLOCATED, AbstractPageHeap, FREE } from './pageHeap.js';

const heap = (): AbstractPageHeap => new AbstractPageHeap(512, { hiOccPages: 496, minPages: 1, hugePagePages: 256 });

test('flushing a cache that owns nothing leaves the pages of its block alone', () => {
  const h = heap();
  h.grow(1, 1);
  const [first] = h.alloc(3); // pages 512..514, handed out
  const c = h.allocToCache(7); // block 512..575: the other 61 pages
  for (let i = 0; i < 61; i++) h.cacheAlloc(7, c.basePage, 1); // the cache hands them all out
  h.cacheFlush(7, c.basePage);
  h.cacheFlush(0, c.basePage); // a cache id that owns nothing
  for (let p = first; p < first + 64; p++) expect([p, h.pageState(p)]).toEqual([p, ALLOCATED]);
  expect(h.pageState(first + 64)).toBe(FREE);
});
