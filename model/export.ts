// runtime/export_test.go @ go1.21 · the page allocator's test hooks the
// model offers too: NewPageAlloc, BaseChunkIdx, PageBase, BitRange.
// Go's own test tables and the trace format build their states with these.

import { chunkBase, chunkIndex } from './chunks.js';
import type { Geometry } from './geometry.js';
import { defaultGeometry } from './geometry.js';
import { PageAlloc } from './mpagealloc.js';
import { refuse } from './throw.js';

/** BitRange{I, N}: bits [I, I+N) of one chunk's bitmap. */
export interface BitRange {
  readonly I: number;
  readonly N: number;
}

/** One chunk to grow, with its allocated and scavenged ranges (Go's two maps, keyed by the same chunk). */
export interface ChunkInit {
  readonly chunk: number;
  readonly alloc?: readonly BitRange[];
  readonly scav?: readonly BitRange[];
}

/**
 * BaseChunkIdx: chunkIndex(0xc000 * pallocChunkBytes) on 64-bit Go, so that
 * PageBase(BaseChunkIdx, 0) = 0xc000 << 22 = 0x3000000000 on linux/amd64. On
 * a geometry whose address space is too small for that, chunk 1 (never 0:
 * Go treats chunk 0 as "none" in pageAlloc.start and the scavenge index).
 */
export function baseChunkIdx(g: Geometry = defaultGeometry): number {
  const baseAddr = 0xc000 * g.pallocChunkBytes;
  if (g.inAddressSpace(baseAddr) && g.inAddressSpace(baseAddr + 0x200000 * g.pallocChunkBytes)) return chunkIndex(g, baseAddr);
  return 1;
}

/** PageBase(c, pageIdx): the address of page pageIdx of chunk c. */
export function pageBase(g: Geometry, c: number, pageIdx: number): number {
  return chunkBase(g, c) + pageIdx * g.pageSize;
}

/**
 * NewPageAlloc: a test page allocator with exactly the listed chunks grown
 * (in ascending order; Go's map order does not change the result), each
 * with all scavenged bits cleared, then its scav ranges set, then its alloc
 * ranges allocated (clearing scavenged bits under them), then its summaries
 * updated. The index sees the chunk allocated and freed whole, then each
 * alloc range's N pages, as Go's hook records them: overlapping ranges are
 * counted twice (the index's inUse then exceeds the allocated pages, and
 * ranges adding up to more than a chunk throw "too many pages allocated in
 * chunk?"), exactly as on the real runtime the trace format compares with.
 */
export function newPageAlloc(g: Geometry, chunks: readonly ChunkInit[]): PageAlloc {
  validateChunkInits(g, chunks);
  const p = new PageAlloc(g, true);
  for (const init of [...chunks].sort((a, b) => a.chunk - b.chunk)) {
    const ci = init.chunk;
    const addr = chunkBase(g, ci);
    p.grow(addr, g.pallocChunkBytes);
    const chunk = p.chunkOf(ci);
    chunk.scavenged.clearRange(0, g.pallocChunkPages);
    // The index sees every page of the chunk allocated and freed: all free.
    p.scav.index.alloc(ci, g.pallocChunkPages);
    p.scav.index.free(ci, 0, g.pallocChunkPages);
    for (const s of init.scav ?? []) if (s.N !== 0) chunk.scavenged.setRange(s.I, s.N);
    for (const s of init.alloc ?? []) {
      if (s.N === 0) continue;
      chunk.allocRange(s.I, s.N);
      p.scav.index.alloc(ci, s.N);
    }
    // Stryker disable next-line BooleanLiteral: contig and alloc are equivalent here: [addr, addr + pallocChunkBytes) is one chunk, and update's one-chunk fast path reads neither flag
    p.update(addr, g.pallocChunkPages, false, false);
  }
  return p;
}

function validateChunkInits(g: Geometry, chunks: readonly ChunkInit[]): void {
  const op = 'NewPageAlloc';
  const seen = new Set<number>();
  for (const c of chunks) {
    if (!Number.isSafeInteger(c.chunk) || c.chunk <= 0) refuse(op, `chunk ${String(c.chunk)} is not a positive chunk index`);
    // Stryker disable next-line LogicalOperator: `&&` is equivalent: c.chunk is a positive safe integer here and the space is whole chunks (chunk-aligned arenaBaseOffset, 2^heapAddrBits a multiple of pallocChunkBytes), so a chunk's first and last byte are both inside or both outside
    if (!g.inAddressSpace(chunkBase(g, c.chunk)) || !g.inAddressSpace(chunkBase(g, c.chunk + 1) - 1)) refuse(op, `chunk ${c.chunk} is outside the address space`);
    if (seen.has(c.chunk)) refuse(op, `chunk ${c.chunk} is listed twice`);
    seen.add(c.chunk);
    for (const r of [...(c.alloc ?? []), ...(c.scav ?? [])]) {
      if (!Number.isSafeInteger(r.I) || !Number.isSafeInteger(r.N) || r.I < 0 || r.N < 0 || r.I + r.N > g.pallocChunkPages) {
        refuse(op, `range {${String(r.I)}, ${String(r.N)}} is outside chunk ${c.chunk} (${g.pallocChunkPages} pages)`);
      }
    }
  }
}
