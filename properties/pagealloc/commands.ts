// One command per page allocator entry point: grow, alloc, free,
// allocToCache, pageCache.alloc, pageCache.flush, scavenge, and the
// scavenge index's nextGen. Arguments are positional small integers.

import fc from 'fast-check';
import { chunkBase } from '../../model/chunks.js';
import { hex } from '../../model/geometry.js';
import { hexWord } from '../../model/sys.js';
import type { PageAllocStep } from '../../spec/pagealloc/world.js';
import type { CommandDef, Executed } from '../harness/suite.js';
import type { PageAllocSystem } from './world.js';
import { pagesOf } from '../../spec/format.js';

type Cmd = CommandDef<PageAllocSystem, PageAllocStep>;
type Ex = Executed<PageAllocStep>;

/** Gaps (in chunks) between grown ranges; 512 crosses a page of the scavenge index's backing store. */
const gaps = [0, 0, 1, 6, 512];

/** Where a grow goes: the first at the base chunk plus the gap; later ones above the heap, or below it. */
function growTarget(w: PageAllocSystem, gapKind: number, nchunks: number, below: number): number | undefined {
  const gap = gaps[gapKind]!;
  let first: number;
  if (w.grown.length === 0) first = w.baseChunk + gap;
  else if (below === 1) first = w.grown[0]! - gap - nchunks;
  else first = w.grown[w.grown.length - 1]! + 1 + gap;
  // Chunk 0 is never grown (Go uses 0 as "none"); stay inside the address space.
  if (first < 1 || !w.g.inAddressSpace(chunkBase(w.g, first + nchunks) - 1)) return undefined;
  return first;
}

const grow: Cmd = {
  name: 'grow',
  doc: 'p.grow: add whole chunks to the heap, above the highest grown chunk or below the lowest',
  weight: 2,
  params: [
    { name: 'gap', min: 0, max: gaps.length - 1, doc: `the gap before the new range: ${gaps.join(', ')} chunks` },
    { name: 'nchunks', min: 1, max: 3, doc: 'chunks to grow' },
    { name: 'below', min: 0, max: 1, doc: '1: below the lowest grown chunk; 0: above the highest (the first grow starts at the base chunk plus the gap)' },
  ],
  args: fc.tuple(
    fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.constant(4) }),
    fc.integer({ min: 1, max: 3 }),
    fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
  ),
  applies: (w, [gapKind, n, below]) => w.grown.length + n! <= w.maxChunks && growTarget(w, gapKind!, n!, below!) !== undefined,
  call: (w, [gapKind, n, below]) => `p.grow(${hex(chunkBase(w.g, growTarget(w, gapKind!, n!, below!) ?? 0))}, ${n!}*pallocChunkBytes)`,
  run(w, [gapKind, n, below]): Ex {
    const nchunks = n!;
    const first = growTarget(w, gapKind!, nchunks, below!)!;
    const base = chunkBase(w.g, first);
    w.h.grow(base, nchunks * w.g.pallocChunkBytes);
    for (let c = first; c < first + nchunks; c++) w.grown.push(c);
    w.grown.sort((a, b) => a - b);
    const ranges = w.h.inUse.ranges.map((r) => `[${hex(r.base.addr())}, ${hex(r.limit.addr())})`);
    return { step: w.step(), go: `p.grow(${hex(base)}, ${nchunks}*pallocChunkBytes)`, comment: `as mheap.grow does: inUse = ${ranges.slice(0, 3).join(' ')}${ranges.length > 3 ? ' ...' : ''}` };
  },
};

/** Allocation sizes relative to the chunk: mostly small, some spanning chunks. */
function npagesArb(chunkPages: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 16 }) },
    { weight: 3, arbitrary: fc.integer({ min: 17, max: chunkPages / 2 }) },
    { weight: 2, arbitrary: fc.integer({ min: chunkPages / 2 + 1, max: chunkPages + chunkPages / 4 }) },
    { weight: 1, arbitrary: fc.integer({ min: chunkPages + chunkPages / 4 + 1, max: (5 * chunkPages) / 2 }) },
  );
}

function alloc(chunkPages: number): Cmd {
  return {
    name: 'alloc',
    doc: 'p.alloc: allocate npages contiguous pages, first fit',
    weight: 8,
    params: [{ name: 'npages', min: 1, max: 16 * chunkPages, doc: 'pages to allocate' }],
    args: npagesArb(chunkPages).map((n) => [n]),
    applies: () => true,
    call: (_w, [n]) => `p.alloc(${n!})`,
    run(w, [n]): Ex {
      const npages = n!;
      const [addr, scav] = w.h.alloc(npages);
      const step = w.step();
      if (addr === 0) return { step, go: `_, _ = p.alloc(${npages})`, comment: `0: no ${npages} free pages` };
      const name = `a${w.nextAlloc++}`;
      w.allocs.push({ name, base: addr, npages, offset: 0 });
      return { step, go: `${name}, _ := p.alloc(${npages})`, comment: `${name} = ${hex(addr)}, scav = ${scav}` };
    },
  };
}

const free: Cmd = {
  name: 'free',
  doc: 'p.free: free a live allocation, or part of one',
  weight: 6,
  params: [
    { name: 'alloc', min: 0, max: 63, doc: 'which live allocation: this index modulo the number live, oldest first' },
    { name: 'part', min: 0, max: 3, doc: '0 all of it, 1 its first half, 2 its second half, 3 its middle page (halves and middles of allocations that have them)' },
  ],
  args: fc.tuple(fc.nat({ max: 63 }), fc.integer({ min: 0, max: 3 })),
  applies: (w) => w.allocs.length > 0,
  call(w, [i, part]) {
    const { a, off, n } = freeRange(w, i!, part!);
    return `p.free(${a.offset + off === 0 ? a.name : `${a.name}+${a.offset + off}*pageSize`}, ${n})`;
  },
  run(w, [i, part]): Ex {
    const { k, a, off, n } = freeRange(w, i!, part!);
    const base = a.base + off * w.g.pageSize;
    w.h.free(base, n);
    const step = w.step();
    const rest: typeof w.allocs = [];
    if (off > 0) rest.push({ ...a, npages: off });
    if (off + n < a.npages) rest.push({ ...a, base: base + n * w.g.pageSize, npages: a.npages - off - n, offset: a.offset + off + n });
    w.allocs.splice(k, 1, ...rest);
    const at = a.offset + off === 0 ? a.name : `${a.name}+${a.offset + off}*pageSize`;
    return { step, go: `p.free(${at}, ${n})`, comment: `[${hex(base)}, +${pagesOf(n)})` };
  },
};

/** Which pages free(i, part) frees: 0 the whole allocation, 1 its first half, 2 its second half, 3 its middle page. */
function freeRange(w: PageAllocSystem, i: number, part: number): { k: number; a: PageAllocSystem['allocs'][number]; off: number; n: number } {
  const k = i % w.allocs.length;
  const a = w.allocs[k]!;
  const half = Math.floor(a.npages / 2);
  let off = 0;
  let n = a.npages;
  if (a.npages >= 2 && part === 1) n = half;
  else if (a.npages >= 2 && part === 2) [off, n] = [half, a.npages - half];
  else if (a.npages >= 3 && part === 3) [off, n] = [half, 1];
  return { k, a, off, n };
}

const allocToCache: Cmd = {
  name: 'allocToCache',
  doc: "p.allocToCache: take a 64-page-aligned block's free pages as a page cache",
  weight: 2,
  params: [],
  args: fc.constant([]),
  applies: (w) => w.caches.size < 4,
  call: () => `c := p.allocToCache()`,
  run(w): Ex {
    const c = w.h.allocToCache();
    const step = w.step();
    const name = step.op === 'allocToCache' ? `c${step.id}` : 'c';
    const comment = c.empty() ? `${name} = pageCache{} (no free pages)` : `${name} = {base: ${hex(c.base)}, cache: ${hexWord(c.cache)}, scav: ${hexWord(c.scav)}}`;
    return { step, go: `${name} := p.allocToCache()`, comment };
  },
};

function liveCache(w: PageAllocSystem, j: number): number {
  const ids = [...w.caches.keys()].sort((a, b) => a - b);
  return ids[j % ids.length]!;
}

const cacheAlloc: Cmd = {
  name: 'cacheAlloc',
  doc: 'pageCache.alloc: allocate npages from a live page cache',
  weight: 4,
  params: [
    { name: 'cache', min: 0, max: 7, doc: 'which live page cache: this index modulo the number live, oldest first' },
    { name: 'npages', min: 1, max: 64, doc: 'pages to allocate' },
  ],
  args: fc.tuple(fc.nat({ max: 7 }), fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 16 }) })),
  applies: (w) => w.caches.size > 0,
  call: (w, [j, n]) => `c${liveCache(w, j!)}.alloc(${n!})`,
  run(w, [j, n]): Ex {
    const id = liveCache(w, j!);
    const c = w.caches.get(id)!;
    const name = `c${id}`;
    const npages = n!;
    const [addr, scav] = c.alloc(npages);
    const step = w.step();
    if (addr === 0) return { step, go: `_, _ = ${name}.alloc(${npages})`, comment: `0: no ${npages} free pages in the cache` };
    const aname = `a${w.nextAlloc++}`;
    w.allocs.push({ name: aname, base: addr, npages, offset: 0 });
    return { step, go: `${aname}, _ := ${name}.alloc(${npages})`, comment: `${aname} = ${hex(addr)}, scav = ${scav}` };
  },
};

const cacheFlush: Cmd = {
  name: 'cacheFlush',
  doc: "pageCache.flush: give a live page cache's pages back",
  weight: 2,
  params: [{ name: 'cache', min: 0, max: 7, doc: 'which live page cache: this index modulo the number live, oldest first' }],
  args: fc.tuple(fc.nat({ max: 7 })),
  applies: (w) => w.caches.size > 0,
  call: (w, [j]) => `c${liveCache(w, j!)}.flush(p)`,
  run(w, [j]): Ex {
    const id = liveCache(w, j!);
    w.caches.get(id)!.flush(w.h);
    return { step: w.step(), go: `c${id}.flush(p)`, comment: `searchAddr = ${hex(w.h.searchAddr.addr())}` };
  },
};

const scavengeAmounts = [1, 4, 64, 600, Infinity];

const scavenge: Cmd = {
  name: 'scavenge',
  doc: 'p.scavenge: release free pages to the OS',
  weight: 2,
  params: [
    { name: 'amount', min: 0, max: scavengeAmounts.length - 1, doc: `pages to release: ${scavengeAmounts.map((n) => (n === Infinity ? 'all' : String(n))).join(', ')}` },
    { name: 'force', min: 0, max: 1, doc: '1: forced (debug.FreeOSMemory, the memory limit); 0: as the background scavenger' },
  ],
  args: fc.tuple(fc.integer({ min: 0, max: scavengeAmounts.length - 1 }), fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) })),
  applies: () => true,
  call: (_w, [kind, f]) => `p.scavenge(${scavengeAmounts[kind!] === Infinity ? '^uintptr(0)' : String(scavengeAmounts[kind!]!) + '*pageSize'}, nil, ${f === 1})`,
  run(w, [kind, f]): Ex {
    const pages = scavengeAmounts[kind!]!;
    const nbytes = pages * w.g.pageSize;
    const force = f === 1;
    const released = w.h.scavenge(nbytes, force);
    const arg = pages === Infinity ? '^uintptr(0)' : `${nbytes}`;
    return { step: w.step(), go: `p.scavenge(${arg}, nil, ${force})`, comment: `as ${force ? 'debug.FreeOSMemory does' : 'the background scavenger does'}: released ${released} (${pagesOf(released / w.g.pageSize)})` };
  },
};

const nextGen: Cmd = {
  name: 'nextGen',
  doc: "scavengeIndex.nextGen: the scavenger's next generation (a GC cycle ended)",
  weight: 1,
  params: [],
  args: fc.constant([]),
  applies: () => true,
  call: () => 'p.scav.index.nextGen()',
  run(w): Ex {
    w.h.scav.index.nextGen();
    return { step: w.step(), go: 'p.scav.index.nextGen()', comment: `as gcMarkTermination does: gen = ${w.h.scav.index.gen}` };
  },
};

/** The pagealloc suite's commands for a geometry with chunkPages pages per chunk. */
export function pageAllocCommands(chunkPages: number): Cmd[] {
  return [grow, alloc(chunkPages), free, allocToCache, cacheAlloc, cacheFlush, scavenge, nextGen];
}

