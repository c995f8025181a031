// Everything the heap holds, as one string: equal fingerprints before and
// after a refused call mean it left the heap unchanged.

import type { MHeap } from '../../model/mheap.js';
import { hashWords, pageAllocFingerprint } from '../pagealloc/modelView.js';

export function heapFingerprint(h: MHeap): string {
  const parts = [pageAllocFingerprint(h.pages)];
  parts.push(`sg=${h.sweepgen} phase=${h.gcphase} inuse=${h.pagesInUse} cur=${h.curArena.base}-${h.curArena.end} arenas=${h.allArenas.join(',')}`);
  const gc = h.gcController;
  parts.push(`gc=${gc.heapInUse.load()},${gc.heapFree.load()},${gc.heapReleased.load()} stats=${JSON.stringify(h.heapStats)}`);
  for (const s of h.allspans) {
    parts.push(
      `s${s.id}=${s.state.get()},${s.startAddr},${s.npages},${s.sweepgen},${s.spanclass},${s.elemsize},${s.nelems},${s.limit},${s.needzero},${s.allocCount},${s.freeindex},${s.next?.id ?? '-'},${s.prev?.id ?? '-'}`,
    );
  }
  for (const [ai, ha] of h.arenas) {
    // The arena's 8192-entry maps, hashed (two independent 32-bit hashes): equal content, equal hashes.
    parts.push(`a${ai}=${ha.zeroedBase},${hashWords(bytesAsWords(ha.pageInUse))},${hashWords(spanIds(ha.spans))}`);
  }
  for (const pp of h.allp) {
    parts.push(`P${pp.id}=${pp.pcache.base},${pp.pcache.cache},${pp.pcache.scav},${pp.mspancache.len},${pp.mspancache.buf.map((s) => s?.id ?? 0).join('.')}`);
  }
  parts.push(`free=${h.spanalloc.freeList().map((s) => s.id).join('.')} inuse=${h.spanalloc.inuse} hints=${hints(h)}`);
  parts.push(`os=${h.os.reservedBytes},${h.os.reserved.map((r) => `${r.base}-${r.limit}`).join(',')}`);
  return parts.join('\n');
}

function hints(h: MHeap): string {
  const out: string[] = [];
  for (let x = h.arenaHints; x !== null; x = x.next) out.push(`${x.addr}${x.down ? 'd' : ''}`);
  return out.join(',');
}


/** The ids of a spans map's entries (0 for none), in a reused buffer. */
function spanIds(spans: readonly ({ readonly id: number } | null | undefined)[]): Uint32Array {
  if (idBuf.length < spans.length) idBuf = new Uint32Array(spans.length);
  const out = idBuf.subarray(0, spans.length);
  for (let i = 0; i < spans.length; i++) out[i] = spans[i]?.id ?? 0;
  return out;
}

let idBuf = new Uint32Array(0);

/** A byte array as whole uint32 words (a view when it can be, else a zero-padded copy). */
function bytesAsWords(b: Uint8Array): Uint32Array {
  if (b.byteOffset % 4 === 0 && b.byteLength % 4 === 0) return new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  const w = new Uint32Array(Math.ceil(b.byteLength / 4));
  new Uint8Array(w.buffer).set(b);
  return w;
}
