// runtime/mpagealloc.go @ go1.21 · (*pageAlloc).find: the radix-tree search.
//
// From the root down, each level scans one block of entries (the whole root
// level, then the 2^levelBits children of the entry chosen above) for either
// a run of npages free pages straddling entry boundaries (done: compute the
// address) or an entry whose max >= npages (descend into it). At the leaf,
// the chunk's bitmap is searched. Along the way firstFree narrows the window
// certain to contain the first free page, which becomes the candidate
// searchAddr.

import { chunkBase, levelIndexToAddr, offAddrToLevelIndex } from './chunks.js';
import { hex } from './geometry.js';
import type { PageAlloc } from './mpagealloc.js';
import { OffAddr, maxOffAddr } from './mranges.js';
import { throwGo } from './throw.js';

const site = 'runtime/mpagealloc.go · (*pageAlloc).find';

/**
 * find returns the base address of the first run of npages free pages (0 if
 * there is none) and a candidate searchAddr, valid only on success. It
 * assumes no chunk below chunkIndex(p.searchAddr) has free memory.
 */
export function find(p: PageAlloc, npages: number): [number, OffAddr] {
  const g = p.g;
  const c = p.sums;
  // The beginning of the block of entries searched at the current level.
  let i = 0;
  // The window certain to hold the first free page: [base, bound], inclusive.
  // Offset addresses are compared as plain numbers: in the model's signed
  // uintptr form, offset order is numeric order (see mranges.ts).
  // firstFree.update(addr, size) is inlined at both call sites (no closure):
  // inside the window narrows it; a partial overlap throws (rangePartiallyOverlaps).
  let ffBase = g.minOffAddr;
  let ffBound = g.maxOffAddr;
  // The summary that sent us down a level, for the "bad summary data" report.
  let lastStart = 0;
  let lastMax = 0;
  let lastEnd = 0;
  let lastSumIdx = -1;
  // pallocSum layout: start at bit 0, max at L, end at 2L (see SumCodec);
  // maxPackedValue as 1 << L, an int32 V8 can prove.
  const { mask, L } = c;
  const maxp = 1 << L;
  const endInHi = 2 * L >= 32;
  // searchAddr's entry at every level, from its leaf index by shifts
  // (offAddrToLevelIndex's floor division by a power of two, nested).
  const leafLevel = g.summaryLevels - 1;
  const saOff = p.searchAddr.addr() - g.arenaBaseOffset;
  const saLeaf = saOff >= 0 ? Math.floor(saOff / g.levelBytes[leafLevel]!) : -1;

  nextLevel: for (let l = 0; l < g.summaryLevels; l++) {
    const level = p.summary[l]!;
    // At the root, the block is the whole level.
    const entriesPerBlock = g.levelEntries[l]!;
    // 1 << levelLogPages[l]: the pages one entry covers.
    const full = g.levelPages[l]!;
    i *= entriesPerBlock;
    const entries = level.page(i);
    const k0 = level.slot(i);

    // Start at searchAddr's entry if searchAddr lies in this block.
    let j0 = 0;
    const searchIdx = saLeaf >= 0 ? saLeaf >>> (g.levelShift[l]! - g.levelShift[leafLevel]!) : offAddrToLevelIndex(g, l, p.searchAddr);
    // entriesPerBlock is a power of two: the mask is searchIdx % entriesPerBlock for an entry index.
    const searchJ = (searchIdx & 0x3fffffff) === searchIdx ? searchIdx & (entriesPerBlock - 1) : searchIdx % entriesPerBlock;
    if (searchIdx - searchJ === i) j0 = searchJ;

    // base: the first page (relative to the block) of the run being considered; size: its length.
    let base = 0;
    let size = 0;
    const entryBytes = g.levelBytes[l]!;
    // Whether the rest of this level's foundFree calls are no-ops: once an
    // entry narrowed the window or lies above it, every later entry (higher
    // addresses) lies above it.
    let ffDone = false;
    for (let j = j0; j < entriesPerBlock; j++) {
      const lo = entries[k0 + 2 * j]!;
      const hi = entries[k0 + 2 * j + 1]!;
      if (lo === 0 && hi === 0) {
        // A full entry breaks any run.
        size = 0;
        continue;
      }
      // Free memory: narrow firstFree (foundFree, inline).
      if (!ffDone) {
        const addr = (i + j) * entryBytes + g.arenaBaseOffset;
        const last = addr + (entryBytes - 1);
        if (ffBase <= addr && last <= ffBound) {
          ffBase = addr;
          ffBound = last;
          ffDone = true;
        } else if (ffBound < addr) {
          ffDone = true;
        } else if (!(last < ffBase)) {
          rangePartiallyOverlaps(addr, entryBytes, ffBase, ffBound);
        }
      }
      // sum.start(), sum.max(), sum.end(), unpacked inline when needed.
      const flagged = (hi & 0x80000000) !== 0;
      const s = flagged ? maxp : lo & mask;
      if (size + s >= npages) {
        // The run reaches npages across the boundary; base is this entry's first page if no run was started.
        if (size === 0) base = j * full;
        size += s;
        break;
      }
      // (hi << (32 - L)) has no bits below 2L: none in the mask when max lies in lo.
      const max = flagged ? maxp : ((lo >>> L) | (hi << (32 - L))) & mask;
      const end = flagged ? maxp : (endInHi ? hi >>> (2 * L - 32) : (lo >>> (2 * L)) | (hi << (32 - 2 * L))) & mask;
      if (max >= npages) {
        // The entry itself holds the run: descend.
        i += j;
        lastSumIdx = i;
        lastStart = s;
        lastMax = max;
        lastEnd = end;
        continue nextLevel;
      }
      if (size === 0 || s < full) {
        // No run yet, or this entry is not wholly free: start a new run from its end.
        size = end;
        base = (j + 1) * full - size;
        continue;
      }
      // Wholly free: the run continues.
      size += full;
    }
    if (size >= npages) {
      // A run straddling entries.
      const addr = levelIndexToAddr(g, l, i) + base * g.pageSize;
      return [addr, p.findMappedAddr(new OffAddr(ffBase))];
    }
    if (l === 0) {
      // The whole heap was searched.
      return [0, maxOffAddr(g)];
    }
    // The level above promised a run this level does not have.
    const dump: string[] = [];
    for (let j = 0; j < entriesPerBlock; j++) {
      const lo = entries[k0 + 2 * j]!;
      const hi = entries[k0 + 2 * j + 1]!;
      dump.push(`summary[${l}][${i + j}] = (${c.start(lo, hi)}, ${c.max(lo, hi)}, ${c.end(lo, hi)})`);
    }
    throwGo(
      'bad summary data',
      site,
      `summary[${l - 1}][${lastSumIdx}] = ${lastStart}, ${lastMax}, ${lastEnd}; level = ${l}, npages = ${npages}, j0 = ${j0}; p.searchAddr = ${hex(p.searchAddr.addr())}, i = ${i}; ${dump.join('; ')}`,
    );
  }

  // The last summary inspected has a large enough max: search its chunk.
  const ci = i;
  const [j, searchIdx] = p.chunkOf(ci).find(npages, 0);
  if (j === -1) {
    const leaf = p.summary[g.summaryLevels - 1]!;
    const pg = leaf.page(i);
    const k = leaf.slot(i);
    throwGo('bad summary data', site, `summary[${g.summaryLevels - 1}][${i}] = (${c.unpack(pg[k]!, pg[k + 1]!).join(', ')}), npages = ${npages}`);
  }
  const addr = chunkBase(g, ci) + j * g.pageSize;
  // The chunk search may have narrowed the free window further.
  const searchAddr = chunkBase(g, ci) + searchIdx * g.pageSize;
  const last = chunkBase(g, ci + 1) - 1;
  if (ffBase <= searchAddr && last <= ffBound) {
    ffBase = searchAddr;
    ffBound = last;
  } else if (!(last < ffBase || ffBound < searchAddr)) {
    rangePartiallyOverlaps(searchAddr, last + 1 - searchAddr, ffBase, ffBound);
  }
  return [addr, p.findMappedAddr(new OffAddr(ffBase))];
}

/** firstFree.update's throw: [addr, addr+size) straddles the window [base, bound]. */
function rangePartiallyOverlaps(addr: number, size: number, base: number, bound: number): never {
  throwGo('range partially overlaps', site, `addr = ${hex(addr)}, size = ${size}, base = ${hex(base)}, bound = ${hex(bound)}`);
}
