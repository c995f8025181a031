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
  // Stryker disable next-line UnaryOperator: only the l >= 1 'bad summary data' detail prints lastSumIdx, and find reaches a level l >= 1 only through the descent (`continue nextLevel`), which assigns lastSumIdx = i first; the initial -1 is never read
  let lastSumIdx = -1;
  // pallocSum layout: start at bit 0, max at L, end at 2L (see SumCodec);
  // maxPackedValue as 1 << L, an int32 V8 can prove.
  const { mask, L } = c;
  const maxp = 1 << L;
  const endInHi = 2 * L >= 32;
  // searchAddr's entry at every level, from its leaf index by shifts
  // (offAddrToLevelIndex's floor division by a power of two, nested).
  // Stryker disable next-line ArithmeticOperator: leafLevel only feeds the saLeaf shortcut: with `+ 1`, levelBytes[leafLevel] is undefined, saLeaf is NaN, `NaN >= 0` is false, and searchIdx falls back to offAddrToLevelIndex, which computes the same index
  const leafLevel = g.summaryLevels - 1;
  const saOff = p.searchAddr.addr() - g.arenaBaseOffset;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator: saOff = searchAddr - arenaBaseOffset >= 0 always (searchAddr is an offset-space address, at least minOffAddr = arenaBaseOffset), so `true` changes nothing and `false`, `> 0`, `< 0` and the -1 arm (never taken; `+1` there) only send searchIdx to offAddrToLevelIndex, which computes the same index, floor((a - arenaBaseOffset) / levelBytes[l]) (the ArithmeticOperator `saOff * ...`, caught, stays enabled)
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
    // Stryker disable next-line ConditionalExpression,EqualityOperator: saLeaf >= 0 always (see saLeaf); `true` changes nothing, and `false`, `> 0`, `< 0` only take offAddrToLevelIndex, the same floor division by a power of two that the nested shift computes (the ArithmeticOperator on the shift, caught, stays enabled)
    const searchIdx = saLeaf >= 0 ? saLeaf >>> (g.levelShift[l]! - g.levelShift[leafLevel]!) : offAddrToLevelIndex(g, l, p.searchAddr);
    // entriesPerBlock is a power of two: the mask is searchIdx % entriesPerBlock for an entry index.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: searchIdx is an entry index, 0 <= searchIdx < 2^(heapAddrBits - levelShift[l]) <= 2^30 (heapAddrBits <= 48, levelShift >= pageShift + logPallocChunkPages >= 18), where the mask and `%` agree for a power-of-two entriesPerBlock; `true`, `false` and `!==` only choose between the two equal arms (the ArithmeticOperators, one caught, stay enabled)
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
      // Stryker disable next-line ConditionalExpression: `true` (foundFree on every free entry) is equivalent: ffDone is set only once an entry narrowed the window or lay above it, and every later entry of the level lies above the window, where foundFree does nothing; the `false` mutant, caught, is disabled with it
      if (!ffDone) {
        const addr = (i + j) * entryBytes + g.arenaBaseOffset;
        const last = addr + (entryBytes - 1);
        if (ffBase <= addr && last <= ffBound) {
          ffBase = addr;
          ffBound = last;
          // Stryker disable next-line BooleanLiteral: ffDone is an optimisation (see `if (!ffDone)`): leaving it false only sends the later, higher entries through foundFree, which leaves the window alone for entries above it
          ffDone = true;
        } else
        // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an entry reaching this test is not inside the window, and is then above it (the window is an aligned entry range of this or a higher level, or the whole space, and a level only scans the children of the entry it descended into, which lie inside or above the window), so `true` is the same test; `<=` differs only at ffBound == addr, impossible as ffBound + 1 and addr are both entry-aligned; `{}` skips an optimisation (see `if (!ffDone)`) (the `false` and `>=` mutants, caught, are disabled with them)
        if (ffBound < addr) {
          // Stryker disable next-line BooleanLiteral: as for the first `ffDone = true`, ffDone is an optimisation; later entries lie above the window
          ffDone = true;
        } else
        // Stryker disable next-line BooleanLiteral,ConditionalExpression,EqualityOperator,BlockStatement: unreachable: an entry here is neither inside nor above the window (the two tests before it), and none is ever below it or partly overlapping it (aligned entry ranges nest or are disjoint, and find only descends into entries at or above the window), so this partial-overlap throw never runs
        if (!(last < ffBase)) {
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
  } else
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: the chunk's suffix [searchAddr, chunkBase(ci+1)) is inside the window or wholly above it (the window is the chunk's entry or an aligned range of at least a chunk that the descent never goes below), so the partial-overlap throw never runs and every mutant that does not throw when the suffix lies above the window (`false`, `|| -> true`, `last < ffBase -> false`, `<=`, `>=`, `ffBound <= searchAddr`, `{}`) is equivalent (`true`, `&&`, `ffBound < searchAddr -> false` and `>=` there, caught, are disabled with them)
  if (!(last < ffBase || ffBound < searchAddr)) {
    // Stryker disable next-line ArithmeticOperator: unreachable (see the else-if above): the throw's size is never computed
    rangePartiallyOverlaps(searchAddr, last + 1 - searchAddr, ffBase, ffBound);
  }
  return [addr, p.findMappedAddr(new OffAddr(ffBase))];
}

/** firstFree.update's throw: [addr, addr+size) straddles the window [base, bound]. */
function rangePartiallyOverlaps(addr: number, size: number, base: number, bound: number): never {
  // Stryker disable next-line StringLiteral: unreachable: both partial-overlap branches (`!(last < ffBase)` in the entry loop, `!(last < ffBase || ffBound < searchAddr)` after the chunk search) never run, as for Go's foundFree on a well-formed radix tree (entries nest or are disjoint)
  throwGo('range partially overlaps', site, `addr = ${hex(addr)}, size = ${size}, base = ${hex(base)}, bound = ${hex(bound)}`);
}
