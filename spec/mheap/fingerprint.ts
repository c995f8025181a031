// Everything the heap holds, as one digest: equal fingerprints before and
// after a refused call mean it left the heap unchanged.

import type { MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import type { MSpanList } from '../../model/mspanlist.js';
import { Hasher } from '../hasher.js';
import { hashPageAlloc } from '../pagealloc/modelView.js';

const stateCode = { mSpanDead: 0, mSpanInUse: 1, mSpanManual: 2 } as const;
const phaseCode = { _GCoff: 0, _GCmark: 1, _GCmarktermination: 2 } as const;

export function heapFingerprint(h: MHeap): string {
  const x = new Hasher();
  hashPageAlloc(h.pages, x);
  x.num(h.sweepgen);
  x.int(phaseCode[h.gcphase]);
  x.num(h.pagesInUse);
  x.num(h.curArena.base);
  x.num(h.curArena.end);
  for (const ai of h.allArenas) x.num(ai);
  const gc = h.gcController;
  for (const v of [gc.heapInUse.load(), gc.heapFree.load(), gc.heapReleased.load(), gc.mappedReady]) x.num(v);
  const st = h.heapStats;
  for (const v of [st.committed, st.released, st.inHeap, st.inStacks, st.inWorkBufs, st.inPtrScalarBits]) x.num(v);
  for (const s of h.allspans) {
    for (const v of [s.id, stateCode[s.state.get()], s.startAddr, s.npages, s.sweepgen, s.spanclass, s.elemsize, s.nelems, s.limit, s.needzero, s.allocCount, s.freeindex, s.freeIndexForScan, s.manualFreeList]) x.num(v);
    x.int(s.next?.id ?? 0);
    x.int(s.prev?.id ?? 0);
    x.int(s.allocBits === null ? -1 : s.allocBits.nelems);
    x.str(h.ghostAllocType.get(s) ?? '');
  }
  for (const [ai, ha] of h.arenas) {
    x.num(ai);
    x.num(ha.zeroedBase);
    x.bytes(ha.pageInUse);
    x.bytes(ha.pageMarks);
    for (let i = 0; i < ha.spans.length; i++) x.int(ha.spans[i]?.id ?? 0);
  }
  for (const pp of h.allp) {
    x.num(pp.pcache.base);
    x.bigint(pp.pcache.cache);
    x.bigint(pp.pcache.scav);
    x.int(pp.mspancache.len);
    for (let i = 0; i < pp.mspancache.len; i++) x.int(pp.mspancache.buf[i]!.id);
  }
  for (const s of h.spanalloc.freeList()) x.int(s.id);
  x.int(h.spanalloc.inuse);
  for (let a = h.arenaHints; a !== null; a = a.next) {
    x.num(a.addr);
    x.int(a.down ? 1 : 0);
  }
  x.num(h.os.reservedBytes);
  for (const r of h.os.reserved) {
    x.num(r.base);
    x.num(r.limit);
  }
  // The callers' state: stack pools and large stacks, work buffers.
  for (const l of [...h.stacks.stackpool, ...h.stacks.stackLargeFree, h.work.busy, h.work.free]) hashList(l, x);
  for (const [s, free] of h.stacks.manualFreeList) {
    x.int(s.id);
    for (const a of free) x.num(a);
  }
  for (const b of h.work.empty) x.num(b);
  return x.digest();
}

function hashList(l: MSpanList, x: Hasher): void {
  x.int(-1);
  for (let s: MSpan | null = l.first; s !== null; s = s.next) x.int(s.id);
}
