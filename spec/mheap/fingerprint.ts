// Everything the heap holds, as one state image: equal images before and
// after a refused call mean it left the heap unchanged.

import type { MHeap } from '../../model/mheap.js';
import type { MSpan } from '../../model/mspan.js';
import type { MSpanList } from '../../model/mspanlist.js';
import { StateImage } from '../hasher.js';
import { imagePageAlloc } from '../pagealloc/modelView.js';

const stateCode = { mSpanDead: 0, mSpanInUse: 1, mSpanManual: 2 } as const;
const phaseCode = { _GCoff: 0, _GCmark: 1, _GCmarktermination: 2 } as const;

/** The heap's image (compare two with equals), into x (reused) or a new one. */
export function heapImage(h: MHeap, x: StateImage = new StateImage()): StateImage {
  x.reset();
  imagePageAlloc(h.pages, x);
  x.num(h.sweepgen);
  x.int(phaseCode[h.gcphase]);
  x.num(h.pagesInUse);
  x.num(h.curArena.base);
  x.num(h.curArena.end);
  for (const ai of h.allArenas) x.num(ai);
  const gc = h.gcController;
  x.num(gc.heapInUse.load());
  x.num(gc.heapFree.load());
  x.num(gc.heapReleased.load());
  x.num(gc.mappedReady);
  const st = h.heapStats;
  x.num(st.committed);
  x.num(st.released);
  x.num(st.inHeap);
  x.num(st.inStacks);
  x.num(st.inWorkBufs);
  x.num(st.inPtrScalarBits);
  for (const s of h.allspans) {
    x.num(s.id);
    x.num(stateCode[s.state.get()]);
    x.num(s.startAddr);
    x.num(s.npages);
    x.num(s.sweepgen);
    x.num(s.spanclass);
    x.num(s.elemsize);
    x.num(s.nelems);
    x.num(s.limit);
    x.num(s.needzero);
    x.num(s.allocCount);
    x.num(s.freeindex);
    x.num(s.freeIndexForScan);
    x.num(s.manualFreeList);
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
    x.objects(ha.spans);
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
  for (const l of h.stacks.stackpool) hashList(l, x);
  for (const l of h.stacks.stackLargeFree) hashList(l, x);
  hashList(h.work.busy, x);
  hashList(h.work.free, x);
  for (const [s, free] of h.stacks.manualFreeList) {
    x.int(s.id);
    for (const a of free) x.num(a);
  }
  for (const b of h.work.empty) x.num(b);
  return x;
}

/** The heap's image as a string digest (for tests). */
export function heapFingerprint(h: MHeap): string {
  return heapImage(h).digest();
}

function hashList(l: MSpanList, x: StateImage): void {
  x.int(-1);
  for (let s: MSpan | null = l.first; s !== null; s = s.next) x.int(s.id);
}
