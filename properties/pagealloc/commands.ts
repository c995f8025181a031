// One command per page allocator entry point: grow, alloc, free,
// allocToCache, pageCache.alloc, pageCache.flush, scavenge, and the
// scavenge index's nextGen. Arguments are positional small integers.

import fc from 'fast-check';
import { chunkBase, chunkIndex } from '../../model/chunks.js';
import { hex } from '../../model/geometry.js';
import { hexWord } from '../../model/sys.js';
import type { AbstractCache } from '../../spec/pagealloc/pageHeap.js';
import { CACHED, FREE } from '../../spec/pagealloc/pageHeap.js';
import type { PageAllocStep } from '../../spec/pagealloc/world.js';
import type { CommandDef, Executed } from '../harness/suite.js';
import type { PageAllocSystem } from './world.js';

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
  weight: 2,
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
    const size = nchunks * w.g.pallocChunkBytes;
    w.h.grow(base, size);
    w.shadow.grow(first, nchunks);
    for (let c = first; c < first + nchunks; c++) w.grown.push(c);
    w.grown.sort((a, b) => a - b);
    const ranges = w.h.inUse.ranges.map((r) => `[${hex(r.base.addr())}, ${hex(r.limit.addr())})`);
    return { step: { op: 'grow', base, size }, go: `p.grow(${hex(base)}, ${nchunks}*pallocChunkBytes)`, comment: `inUse = ${ranges.slice(0, 3).join(' ')}${ranges.length > 3 ? ' ...' : ''}` };
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
    weight: 8,
    args: npagesArb(chunkPages).map((n) => [n]),
    applies: () => true,
    call: (_w, [n]) => `p.alloc(${n!})`,
    run(w, [n]): Ex {
      const npages = n!;
      const [addr, scav] = w.h.alloc(npages);
      const first = addr === 0 ? -1 : w.page(addr);
      const heldBefore = addr === 0 ? 0 : w.heldIn(first, npages);
      const [wantPage, wantScav] = w.shadow.alloc(npages);
      const want = { page: wantPage, scavBytes: wantScav * w.g.pageSize };
      if (addr === 0) return { step: { op: 'alloc', npages, addr, scav, want }, go: `_, _ = p.alloc(${npages})`, comment: `0: no ${npages} free pages` };
      const name = `a${w.nextAlloc++}`;
      w.allocs.push({ name, base: addr, npages, offset: 0 });
      return {
        step: { op: 'alloc', npages, addr, scav, want, handedOut: { firstPage: first, npages, heldBefore } },
        go: `${name}, _ := p.alloc(${npages})`,
        comment: `${name} = ${hex(addr)}, scav = ${scav}`,
      };
    },
  };
}

const free: Cmd = {
  name: 'free',
  weight: 6,
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
    w.shadow.free(w.page(base), n);
    const rest: typeof w.allocs = [];
    if (off > 0) rest.push({ ...a, npages: off });
    if (off + n < a.npages) rest.push({ ...a, base: base + n * w.g.pageSize, npages: a.npages - off - n, offset: a.offset + off + n });
    w.allocs.splice(k, 1, ...rest);
    const at = a.offset + off === 0 ? a.name : `${a.name}+${a.offset + off}*pageSize`;
    return { step: { op: 'free', base, npages: n }, go: `p.free(${at}, ${n})`, comment: `[${hex(base)}, +${n} pages)` };
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

function cacheOf(w: PageAllocSystem, c: { empty(): boolean; base: number; cache: bigint; scav: bigint }): AbstractCache {
  return c.empty() ? { basePage: -1, cache: 0n, scav: 0n } : { basePage: w.page(c.base), cache: c.cache, scav: c.scav };
}

const allocToCache: Cmd = {
  name: 'allocToCache',
  weight: 2,
  args: fc.constant([]),
  applies: (w) => w.caches.size < 4,
  call: (w) => `c${w.nextCache} := p.allocToCache()`,
  run(w): Ex {
    const c = w.h.allocToCache();
    const id = w.nextCache++;
    const got = cacheOf(w, c);
    let heldBefore = 0;
    for (let i = 0; i < 64; i++) if ((c.cache >> BigInt(i)) & 1n && w.shadow.pageState(got.basePage + i) !== FREE) heldBefore++;
    const want = w.shadow.allocToCache(id);
    const name = `c${id}`;
    if (!c.empty()) {
      w.caches.set(id, c);
      w.cacheNames.set(id, name);
    }
    const comment = c.empty() ? `${name} = pageCache{} (no free pages)` : `${name} = {base: ${hex(c.base)}, cache: ${hexWord(c.cache)}, scav: ${hexWord(c.scav)}}`;
    return { step: { op: 'allocToCache', id, got, want, heldBefore }, go: `${name} := p.allocToCache()`, comment };
  },
};

function liveCache(w: PageAllocSystem, j: number): number {
  const ids = [...w.caches.keys()].sort((a, b) => a - b);
  return ids[j % ids.length]!;
}

const cacheAlloc: Cmd = {
  name: 'cacheAlloc',
  weight: 4,
  args: fc.tuple(fc.nat({ max: 7 }), fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 16 }) })),
  applies: (w) => w.caches.size > 0,
  call: (w, [j, n]) => `${w.cacheNames.get(liveCache(w, j!))!}.alloc(${n!})`,
  run(w, [j, n]): Ex {
    const id = liveCache(w, j!);
    const c = w.caches.get(id)!;
    const name = w.cacheNames.get(id)!;
    const npages = n!;
    const basePage = w.page(c.base);
    const [addr, scav] = c.alloc(npages);
    const first = addr === 0 ? -1 : w.page(addr);
    let heldBefore = 0;
    if (addr !== 0) for (let p = first; p < first + npages; p++) if (w.shadow.pageState(p) !== CACHED || w.shadow.ownerOf(p) !== id) heldBefore++;
    const [wantPage, wantScav] = w.shadow.cacheAlloc(id, basePage, npages);
    const want = { page: wantPage, scavBytes: wantScav * w.g.pageSize };
    if (addr === 0) return { step: { op: 'cacheAlloc', id, npages, addr, scav, want }, go: `_, _ = ${name}.alloc(${npages})`, comment: `0: no ${npages} free pages in the cache` };
    const aname = `a${w.nextAlloc++}`;
    w.allocs.push({ name: aname, base: addr, npages, offset: 0 });
    return {
      step: { op: 'cacheAlloc', id, npages, addr, scav, want, handedOut: { firstPage: first, npages, heldBefore } },
      go: `${aname}, _ := ${name}.alloc(${npages})`,
      comment: `${aname} = ${hex(addr)}, scav = ${scav}`,
    };
  },
};

const cacheFlush: Cmd = {
  name: 'cacheFlush',
  weight: 2,
  args: fc.tuple(fc.nat({ max: 7 })),
  applies: (w) => w.caches.size > 0,
  call: (w, [j]) => `${w.cacheNames.get(liveCache(w, j!))!}.flush(p)`,
  run(w, [j]): Ex {
    const id = liveCache(w, j!);
    const c = w.caches.get(id)!;
    const basePage = w.page(c.base);
    c.flush(w.h);
    w.shadow.cacheFlush(id, basePage);
    w.caches.delete(id);
    return { step: { op: 'cacheFlush', id }, go: `${w.cacheNames.get(id)!}.flush(p)`, comment: `searchAddr = ${hex(w.h.searchAddr.addr())}` };
  },
};

const scavengeAmounts = [1, 4, 64, 600, Infinity];

/** Copies of the grown chunks' alloc and scavenged words. */
function snapshotBits(w: PageAllocSystem): Map<number, [Uint32Array, Uint32Array]> {
  const m = new Map<number, [Uint32Array, Uint32Array]>();
  for (const ci of w.grown) {
    const c = w.h.peekChunk(ci);
    if (c !== undefined) m.set(ci, [c.w.slice(), c.scavenged.w.slice()]);
  }
  return m;
}

const scavenge: Cmd = {
  name: 'scavenge',
  weight: 2,
  args: fc.tuple(fc.integer({ min: 0, max: scavengeAmounts.length - 1 }), fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) })),
  applies: () => true,
  call: (_w, [kind, f]) => `p.scavenge(${scavengeAmounts[kind!] === Infinity ? '^uintptr(0)' : String(scavengeAmounts[kind!]!) + '*pageSize'}, nil, ${f === 1})`,
  run(w, [kind, f]): Ex {
    const pages = scavengeAmounts[kind!]!;
    const nbytes = pages * w.g.pageSize;
    const force = f === 1;
    const before = snapshotBits(w);
    const scavengeableBefore = w.shadow.scavengeable();
    const released = w.h.scavenge(nbytes, force);
    const newlyScavenged: number[] = [];
    const otherChanges: number[] = [];
    for (const [ci, [alloc0, scav0]] of before) {
      const c = w.h.peekChunk(ci)!;
      for (let k = 0; k < alloc0.length; k++) {
        const da = (alloc0[k]! ^ c.w[k]!) >>> 0;
        const ds = (scav0[k]! ^ c.scavenged.w[k]!) >>> 0;
        if ((da | ds) === 0) continue;
        for (let b = 0; b < 32; b++) {
          const pa = (da >>> b) & 1;
          const ps = (ds >>> b) & 1;
          if (pa === 0 && ps === 0) continue;
          const p = ci * w.g.pallocChunkPages + 32 * k + b;
          if (pa === 0 && ((c.scavenged.w[k]! >>> b) & 1) === 1) newlyScavenged.push(p);
          else otherChanges.push(p);
        }
      }
    }
    const legal = new Set(scavengeableBefore);
    w.shadow.markScavenged(newlyScavenged.filter((p) => legal.has(p)));
    const scavengeableAfter = w.shadow.scavengeable();
    // Ghost: a background scavenge may orphan pages (Go's setEmpty "for now").
    const newlyOrphaned = w.settleGhosts(!force);
    const orphanedAfter = [...w.orphaned].sort((a, b) => a - b);
    const arg = pages === Infinity ? '^uintptr(0)' : `${nbytes}`;
    return {
      step: {
        op: 'scavenge',
        nbytes,
        force,
        released,
        pageSize: w.g.pageSize,
        newlyScavenged,
        otherChanges,
        scavengeableBefore,
        scavengeableAfter,
        orphanedAfter,
        newlyOrphaned,
      },
      go: `p.scavenge(${arg}, nil, ${force})`,
      comment: `released ${released} (${released / w.g.pageSize} pages)`,
    };
  },
};

const nextGen: Cmd = {
  name: 'nextGen',
  weight: 1,
  args: fc.constant([]),
  applies: () => true,
  call: () => 'p.scav.index.nextGen()',
  run(w): Ex {
    w.h.scav.index.nextGen();
    return { step: { op: 'nextGen' }, go: 'p.scav.index.nextGen()', comment: `gen = ${w.h.scav.index.gen}` };
  },
};

/** The pagealloc suite's commands for a geometry with chunkPages pages per chunk. */
export function pageAllocCommands(chunkPages: number): Cmd[] {
  return [grow, alloc(chunkPages), free, allocToCache, cacheAlloc, cacheFlush, scavenge, nextGen];
}

/** Chunk index of an address, for the suite's figures. */
export function chunkOf(w: PageAllocSystem, addr: number): number {
  return chunkIndex(w.g, addr);
}
