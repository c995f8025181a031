// The output lines of the trace format, byte for byte as the Go replayer
// prints them (conformance/realgo/README.md, "Output, exactly"): compact
// JSON, keys in a fixed order, 64-bit words as "0x" + 16 hex digits.

import type { Geometry } from '../../model/geometry.js';
import type { PageAlloc } from '../../model/mpagealloc.js';
import type { PageBits } from '../../model/mpallocbits.js';
import { hexWord } from '../../model/sys.js';
import { BASE_CHUNK_IDX } from './setup.js';
import type { TraceChunk } from './setup.js';

/** What the model prints as goVersion; comparers ignore this one header field. */
export const MODEL_GO_VERSION = 'go1.21 (mheap-spec model)';

/** The header line of trace k, for the model's geometry (printed before NewPageAlloc, as Go prints it). */
export function headerLine(k: number, g: Geometry): string {
  const baseAddr = BASE_CHUNK_IDX * g.pallocChunkBytes + g.arenaBaseOffset;
  return (
    `{"trace":${k},"header":{"goVersion":${JSON.stringify(MODEL_GO_VERSION)},"pageSize":${g.pageSize},"chunkPages":${g.pallocChunkPages},` +
    `"cachePages":64,"physPageSize":${g.physPageSize},"physHugePageSize":${g.physHugePageSize},` +
    `"baseChunkIdx":${BASE_CHUNK_IDX},"baseAddr":"0x${baseAddr.toString(16).padStart(16, '0')}","pageAlloc64Bit":1}}`
  );
}

/** The start of an op line: `{"trace":k,"i":i,"op":"name"`; the caller appends fields and the closing brace. */
export function opLineStart(k: number, i: number, op: string): string {
  return `{"trace":${k},"i":${i},"op":"${op}"`;
}

const hex8 = (x: number): string => (x >>> 0).toString(16).padStart(8, '0');

/** A bitmap as the JSON array of its 64-bit words. */
export function wordsJson(b: PageBits): string {
  const w = b.w;
  const out: string[] = [];
  for (let k = 0; k < w.length; k += 2) out.push(`"0x${hex8(w[k + 1]!)}${hex8(w[k]!)}"`);
  return `[${out.join(',')}]`;
}

/** The `state` value: bounds, then every grown chunk's bitmaps and recomputed summary. */
export function stateJson(p: PageAlloc, chunks: readonly TraceChunk[]): string {
  const parts = chunks.map((c) => {
    const pd = p.chunkOf(BASE_CHUNK_IDX + c.off);
    const [start, max, end] = pd.summarize();
    return `{"chunk":${c.off},"alloc":${wordsJson(pd)},"scav":${wordsJson(pd.scavenged)},"sum":[${start},${max},${end}]}`;
  });
  return `{"bounds":[${p.start - BASE_CHUNK_IDX},${p.end - BASE_CHUNK_IDX}],"chunks":[${parts.join(',')}]}`;
}

/** Page numbers of the allocator's inUse ranges: [[startPage, limitPage], ...]. */
export function inUseJson(p: PageAlloc, page: (addr: number) => number): string {
  return `[${p.inUse.ranges.map((r) => `[${page(r.base.addr())},${page(r.limit.addr())}]`).join(',')}]`;
}

/** An address as the trace format's word (its uintptr value). */
function addrWord(a: number): string {
  return `"${hexWord(BigInt(a))}"`;
}

/**
 * The `index` value (go1.21+): the scavenge index's generation, both search
 * cursors as [address, marked], freeHWM, and every grown chunk's entry.
 */
export function indexJson(p: PageAlloc, chunks: readonly TraceChunk[]): string {
  const x = p.scav.index;
  const [bg, bgMarked] = x.searchAddrBg.Load();
  const [force, forceMarked] = x.searchAddrForce.Load();
  const parts = chunks.map((c) => {
    const sc = x.load(BASE_CHUNK_IDX + c.off);
    return `{"chunk":${c.off},"inUse":${sc.inUse},"lastInUse":${sc.lastInUse},"gen":${sc.gen},"flags":${sc.flags}}`;
  });
  return `{"gen":${x.gen},"bg":[${addrWord(bg)},${bgMarked}],"force":[${addrWord(force)},${forceMarked}],"freeHWM":${addrWord(x.freeHWM.addr())},"chunks":[${parts.join(',')}]}`;
}
