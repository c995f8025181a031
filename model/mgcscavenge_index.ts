// runtime/mgcscavenge.go @ go1.21 · type scavengeIndex, scavChunkData; and
// runtime/mpagealloc_64bit.go @ go1.21 · (*scavengeIndex).sysGrow.
//
// The scavenge index keeps, per chunk, how many pages are in use (this
// generation and the last), the generation it was last updated in, and two
// flags: "has free" (something may be left to scavenge) and "no huge page"
// (the scavenger broke a huge page here). Two cursors, for background and
// forced scavenging, remember the highest address worth a look.

import type { Geometry } from './geometry.js';
import { alignDown, alignUp, hex } from './geometry.js';
import { AddrRange, AtomicOffAddr, OffAddr, minOffAddr } from './mranges.js';
import { ModelError, throwGo } from './throw.js';

const site = 'runtime/mgcscavenge.go';

/** scavChunkHasFree: the chunk may have free, unscavenged pages. The zero value (new memory is scavenged) has it clear. */
export const scavChunkHasFree = 1 << 0;
/** scavChunkNoHugePage: the scavenger broke a huge page in this chunk. */
export const scavChunkNoHugePage = 1 << 1;
const scavChunkMaxFlags = 6;
const scavChunkFlagsMask = (1 << scavChunkMaxFlags) - 1;

/** scavChunkData, unpacked. */
export class ScavChunkData {
  constructor(
    /** Pages allocated in the chunk now. */
    public inUse: number,
    /** Pages allocated when the chunk last moved to a new generation. */
    public lastInUse: number,
    /** The index generation of the last update. */
    public gen: number,
    /** scavChunkFlags. */
    public flags: number,
  ) {}

  isEmpty(): boolean {
    return (this.flags & scavChunkHasFree) === 0;
  }

  setEmpty(): void {
    this.flags &= ~scavChunkHasFree;
  }

  setNonEmpty(): void {
    this.flags |= scavChunkHasFree;
  }

  isHugePage(): boolean {
    return (this.flags & scavChunkNoHugePage) === 0;
  }

  setHugePage(): void {
    this.flags &= ~scavChunkNoHugePage;
  }

  setNoHugePage(): void {
    this.flags |= scavChunkNoHugePage;
  }
}

/** The index over one geometry. */
export class ScavengeIndex {
  /**
   * atomicScavChunkData per chunk, packed as (lo, hi); sparse pages of
   * physPageSize/8 entries, mapped in [min, max). Go's sysMap maps the whole
   * range and the OS backs a page at its first write; so here: a mapped page
   * never written is null and reads as zeroPage (sysGrow maps the gap between
   * distant arenas too: made eagerly, those pages cost the mheap suite a
   * twentieth of its time, most in the GC).
   */
  private readonly chunkPages = new Map<number, Uint32Array | null>();
  private readonly zeroPage: Uint32Array;
  private readonly perPage: number;
  private readonly logPerPage: number;
  /** [min, max): chunk indices whose entries are mapped. */
  min = 0;
  max = 0;
  /** The lowest chunk index ever grown; find's loop stops there. */
  minHeapIdx = 0;
  readonly searchAddrBg: AtomicOffAddr;
  readonly searchAddrForce: AtomicOffAddr;
  /** The highest address freed this generation. */
  freeHWM: OffAddr;
  /** Generation counter, bumped by nextGen once per GC cycle (uint32). */
  gen = 0;
  /** Ghost: told after every nextGen (suites keep their account of the index in step). */
  onNextGen: (() => void) | null = null;

  constructor(
    private readonly g: Geometry,
    readonly test: boolean,
  ) {
    this.perPage = g.physPageSize / 8;
    this.logPerPage = Math.log2(this.perPage);
    this.zeroPage = new Uint32Array(2 * this.perPage);
    this.searchAddrBg = new AtomicOffAddr(g);
    this.searchAddrForce = new AtomicOffAddr(g);
    this.freeHWM = minOffAddr(g);
  }

  /** init: clear both cursors; freeHWM = minOffAddr. */
  init(): number {
    this.searchAddrBg.Clear();
    this.searchAddrForce.Clear();
    this.freeHWM = minOffAddr(this.g);
    return 0;
  }

  /** grow: lower minHeapIdx if needed, then map the entries [base, limit) needs. */
  grow(base: number, limit: number): number {
    const baseIdx = this.chunkIndex(base);
    // Stryker disable next-line EqualityOperator: `baseIdx <= this.minHeapIdx` differs only when they are equal, and then stores the value already there; the other EqualityOperator mutants here (`!== 0`, `>=`), caught, are disabled with it
    if (this.minHeapIdx === 0 || baseIdx < this.minHeapIdx) this.minHeapIdx = baseIdx;
    return this.sysGrow(base, limit);
  }

  /**
   * sysGrow maps the part of the index that [base, limit) needs, extended to
   * the range already mapped so the mapping stays one range. Go issue 63385:
   * the go1.21 seed updates min only when haveMin == 0; the fixed form is
   * modelled, the seed form is the named mutant go63385SysGrowSeedMin
   * (mutants/patches/).
   */
  sysGrow(base: number, limit: number): number {
    const g = this.g;
    if (base % g.pallocChunkBytes !== 0 || limit % g.pallocChunkBytes !== 0) {
      throwGo('sysGrow bounds not aligned to pallocChunkBytes', 'runtime/mpagealloc_64bit.go · (*scavengeIndex).sysGrow', `base = ${hex(base)}, limit = ${hex(limit)}`);
    }
    const scSize = 8;
    const haveMin = this.min;
    const haveMax = this.max;
    let needMin = alignDown(this.chunkIndex(base), this.perPage);
    let needMax = alignUp(this.chunkIndex(limit), this.perPage);
    // Extend the range down to what we have, if there's no overlap.
    if (needMax < haveMin) needMax = haveMin;
    // Stryker disable next-line EqualityOperator: `needMin >= haveMax` differs only when needMin == haveMax, and then assigns the value needMin already has; the other EqualityOperator mutants here (`=== 0`, `<=`, `<`), caught, are disabled with it
    if (haveMax !== 0 && needMin > haveMax) needMin = haveMax;
    const have = new AddrRange(new OffAddr(haveMin * scSize), new OffAddr(haveMax * scSize));
    const need = new AddrRange(new OffAddr(needMin * scSize), new OffAddr(needMax * scSize)).subtract(have);
    // Stryker disable next-line ConditionalExpression: `true` runs the block for an empty need, which subtract returns only when [needMin, needMax) lies inside [haveMin, haveMax) with haveMax != 0: it is emptyAddrRange() = [0, 0), so mapEntries(0, 0) maps no page (only resets the read cache, which is rebuilt from the same map), needMin >= haveMin and needMax <= haveMax change neither bound, and the same need.size() = 0 is returned; the `false`, caught, is disabled with it
    if (need.size() !== 0) {
      this.mapEntries(need.base.addr() / scSize, need.limit.addr() / scSize);
      // Stryker disable next-line EqualityOperator: `needMin <= haveMin` differs only when they are equal, and then stores the value min already has; the other EqualityOperator mutants here, caught, are disabled with it
      if (haveMax === 0 || needMin < haveMin) this.min = needMin;
      // Stryker disable next-line EqualityOperator: `needMax >= haveMax` differs only when they are equal, and then stores the value max already has; the `<=`, caught, is disabled with it
      if (needMax > haveMax) this.max = needMax;
    }
    return need.size();
  }

  /** sysMap of entries [lo, hi): pages come up zeroed, even if they were mapped before. */
  private mapEntries(lo: number, hi: number): void {
    for (let p = Math.floor(lo / this.perPage); p < Math.ceil(hi / this.perPage); p++) {
      this.chunkPages.set(p, null);
    }
    this.lastUnit = -1;
    this.lastPage = undefined;
  }

  /** The last page entryPage returned, to skip the map lookup on repeated access. */
  private lastUnit = -1;
  private lastPage: Uint32Array | undefined;

  /** The page holding chunk ci's entry, to read (zeroPage if never written); a fault when it is not mapped. */
  private entryPage(ci: number): Uint32Array {
    const u = this.entryUnit(ci);
    // Stryker disable next-line ConditionalExpression: `false` only skips the one-entry cache: lastUnit/lastPage always equal the map's entry for lastUnit (mapEntries resets them, writablePage sets the map and lastPage together), so the lookup below returns the same page; the `true`, caught, is disabled with it
    if (u === this.lastUnit) return this.lastPage!;
    const pg = this.chunkPages.get(u);
    if (pg === undefined) throw new ModelError('scavengeIndex.chunks', `unexpected fault address: chunks[${ci}] is not mapped`);
    this.lastUnit = u;
    this.lastPage = pg ?? this.zeroPage;
    return this.lastPage;
  }

  /** The page holding chunk ci's entry, to write: backed now if it never was. */
  private writablePage(ci: number): Uint32Array {
    const pg = this.entryPage(ci);
    if (pg !== this.zeroPage) return pg;
    this.lastPage = new Uint32Array(2 * this.perPage);
    this.chunkPages.set(this.lastUnit, this.lastPage);
    return this.lastPage;
  }

  /** The index of the page holding chunk ci's entry. */
  private entryUnit(ci: number): number {
    // A shift for a valid chunk index (perPage is a power of two); floor-division otherwise.
    return (ci & 0x3fffffff) === ci ? ci >>> this.logPerPage : Math.floor(ci / this.perPage);
  }

  /** Chunk ci's entry's position in its page, in uint32 halves. */
  private entrySlot(ci: number): number {
    if ((ci & 0x3fffffff) === ci) return (ci & (this.perPage - 1)) << 1;
    return 2 * (ci % this.perPage);
  }

  /** Mapped backing-store units and their raw words, ascending (for state fingerprints; read-only: the pages never written share one zero page). */
  mappedUnits(): [number, Uint32Array][] {
    return [...this.chunkPages.entries()].map(([u, pg]): [number, Uint32Array] => [u, pg ?? this.zeroPage]).sort((a, b) => a[0] - b[0]);
  }

  /** Whether chunk ci's entry is mapped (so load cannot fault). */
  mapped(ci: number): boolean {
    return this.chunkPages.has(this.entryUnit(ci));
  }

  /** chunks[ci].load(): unpack. */
  load(ci: number): ScavChunkData {
    const pg = this.entryPage(ci);
    const k = this.entrySlot(ci);
    const lo = pg[k]!;
    const hi = pg[k + 1]!;
    const L = this.g.logScavChunkInUseMax;
    return new ScavChunkData(lo & 0xffff, (lo >>> 16) & this.g.scavChunkInUseMask, hi >>> 0, (lo >>> (16 + L)) & scavChunkFlagsMask);
  }

  /** chunks[ci].store(sc): pack. */
  store(ci: number, sc: ScavChunkData): void {
    const pg = this.writablePage(ci);
    const k = this.entrySlot(ci);
    pg[k] = (sc.inUse & 0xffff) | ((sc.lastInUse & 0xffff) << 16) | ((sc.flags & 0xff) << (16 + this.g.logScavChunkInUseMax));
    pg[k + 1] = sc.gen;
  }

  /** The packed uint64 of chunk ci (atomicScavChunkData.value). */
  packed(ci: number): bigint {
    const pg = this.entryPage(ci);
    const k = this.entrySlot(ci);
    return (BigInt(pg[k + 1]!) << 32n) | BigInt(pg[k]!);
  }

  /** find returns the highest chunk that may have pages to scavenge, and the page to start from in it; (0, 0) when none. */
  find(force: boolean): [number, number] {
    const g = this.g;
    const cursor = force ? this.searchAddrForce : this.searchAddrBg;
    const [searchAddr, marked] = cursor.Load();
    if (searchAddr === g.minOffAddr) return [0, 0];
    const gen = this.gen;
    const min = this.minHeapIdx;
    const start = this.chunkIndex(searchAddr);
    for (let i = start; i >= min; i--) {
      if (!shouldScavenge(this.load(i), gen, force, g.scavChunkHiOccPages)) continue;
      if (i === start) return [i, this.chunkPageIndex(searchAddr)];
      const newSearchAddr = this.chunkBase(i) + g.pallocChunkBytes - g.pageSize;
      if (marked) cursor.StoreUnmark(searchAddr, newSearchAddr);
      else cursor.StoreMin(newSearchAddr);
      return [i, g.pallocChunkPages - 1];
    }
    cursor.Clear();
    return [0, 0];
  }

  /** Validate an alloc before any state changes: "too many pages allocated in chunk?". */
  checkAlloc(ci: number, npages: number): void {
    const sc = this.load(ci);
    if (sc.inUse + npages > this.g.pallocChunkPages) {
      throwGo('too many pages allocated in chunk?', `${site} · (*scavChunkData).alloc`, `inUse=${sc.inUse} npages=${npages}`);
    }
  }

  /** Validate a free before any state changes: "allocated pages below zero?". */
  checkFree(ci: number, npages: number): void {
    const sc = this.load(ci);
    if (sc.inUse < npages) {
      throwGo('allocated pages below zero?', `${site} · (*scavChunkData).free`, `inUse=${sc.inUse} npages=${npages}`);
    }
  }

  /** alloc records that npages were allocated in chunk ci (checking first: nothing changes if it throws). */
  alloc(ci: number, npages: number): void {
    const sc = this.load(ci);
    if (sc.inUse + npages > this.g.pallocChunkPages) {
      throwGo('too many pages allocated in chunk?', `${site} · (*scavChunkData).alloc`, `inUse=${sc.inUse} npages=${npages}`);
    }
    if (sc.gen !== this.gen) {
      sc.lastInUse = sc.inUse;
      sc.gen = this.gen;
    }
    sc.inUse += npages;
    if (sc.inUse === this.g.pallocChunkPages) sc.setEmpty();
    if (!sc.isHugePage() && sc.inUse > this.g.scavChunkHiOccPages) sc.setHugePage();
    this.store(ci, sc);
  }

  /** free records that npages starting at page were freed in chunk ci, and raises the search cursors (checking first). */
  free(ci: number, page: number, npages: number): void {
    const sc = this.load(ci);
    if (sc.inUse < npages) {
      throwGo('allocated pages below zero?', `${site} · (*scavChunkData).free`, `inUse=${sc.inUse} npages=${npages}`);
    }
    if (sc.gen !== this.gen) {
      sc.lastInUse = sc.inUse;
      sc.gen = this.gen;
    }
    sc.inUse -= npages;
    // Newly freed memory: the scavenger is no longer done with this chunk.
    sc.setNonEmpty();
    this.store(ci, sc);

    const addr = this.chunkBase(ci) + (page + npages - 1) * this.g.pageSize;
    // Offset addresses compare as numbers in the model's signed form (see mranges.ts).
    if (this.freeHWM.addr() < addr) this.freeHWM = new OffAddr(addr);
    const [searchAddr] = this.searchAddrForce.Load();
    if (searchAddr < addr) this.searchAddrForce.StoreMarked(addr);
  }

  /** nextGen moves to the next generation (once per GC cycle) and exposes this generation's frees to the background scavenger. */
  nextGen(): void {
    this.gen = (this.gen + 1) >>> 0;
    const [searchAddr] = this.searchAddrBg.Load();
    if (new OffAddr(searchAddr).lessThan(this.freeHWM)) this.searchAddrBg.StoreMarked(this.freeHWM.addr());
    this.freeHWM = minOffAddr(this.g);
    this.onNextGen?.();
  }

  /** setEmpty marks that the scavenger is done with ci for now. */
  setEmpty(ci: number): void {
    const v = this.load(ci);
    v.setEmpty();
    this.store(ci, v);
  }

  /** setNoHugePage records that a huge page in ci was broken up. */
  setNoHugePage(ci: number): void {
    const v = this.load(ci);
    // Stryker disable next-line ConditionalExpression: `false` stores an entry that already has scavChunkNoHugePage: setNoHugePage changes nothing, and the page is already backed (the flag got there by a store), so the same words are written to the same page; Go returns early only to skip the store; the `true`, caught, is disabled with it
    if (!v.isHugePage()) return;
    v.setNoHugePage();
    this.store(ci, v);
  }

  private chunkIndex(p: number): number {
    return Math.floor((p - this.g.arenaBaseOffset) / this.g.pallocChunkBytes);
  }

  private chunkBase(ci: number): number {
    return ci * this.g.pallocChunkBytes + this.g.arenaBaseOffset;
  }

  private chunkPageIndex(p: number): number {
    return Math.floor((p - this.g.arenaBaseOffset) / this.g.pageSize) % this.g.pallocChunkPages;
  }
}

/** scavChunkData.shouldScavenge: is the chunk worth the scavenger's look? */
export function shouldScavenge(sc: ScavChunkData, currGen: number, force: boolean, hiOccPages: number): boolean {
  if (sc.isEmpty()) return false;
  if (force) return true;
  if (sc.gen === currGen) {
    // Scavenge only if neither this generation nor the last was dense.
    return sc.inUse < hiOccPages && sc.lastInUse < hiOccPages;
  }
  // One or more generations ahead: inUse is the chunk's current state.
  return sc.inUse < hiOccPages;
}
