// runtime/stack.go @ go1.21 · stackpool, stackLarge, stackpoolalloc,
// stackpoolfree, stackalloc, stackfree, freeStackSpans: goroutine stacks,
// the page heap's main manual-span caller.
//
// Stacks respect the mSpanState rule themselves: a stack span goes back to
// the heap only while gcphase == _GCoff. Freed during a GC, a small stack's
// span stays in the stack pool and a large stack's span waits in
// stackLarge, both until freeStackSpans at the end of mark termination (Go
// issue 11267: the GC may look up the span of a pointer into an old stack).
//
// Not modelled: the per-P stack cache (stackcacherefill/release only batch
// stackpoolalloc/stackpoolfree calls, taking the same path as a goroutine
// without a P), stacks from the system (debug.efence), and the OS hooks
// osStackAlloc/osStackFree (no-ops on linux).

import { hex } from './geometry.js';
import type { MHeap } from './mheap.js';
import { spanOfUnchecked } from './mheap_lookup.js';
import type { MSpan } from './mspan.js';
import { MSpanList } from './mspanlist.js';
import type { P } from './proc.js';
import { spanAllocStack } from './spanclass.js';
import { refuse, throwGo } from './throw.js';

const site = 'runtime/stack.go';

/** _StackCacheSize: bytes of one stack pool span (linux/amd64). */
export const stackCacheSize = 32 << 10;
/** fixedStack: the smallest stack, 2 KiB on linux (_StackMin, no _StackSystem). */
export const fixedStack = 2048;
/** _NumStackOrders: stack pool sizes 2, 4, 8 and 16 KiB on linux. */
export const numStackOrders = 4;

/** type stack: [lo, hi). */
export interface Stack {
  readonly lo: number;
  readonly hi: number;
}

/** The stack allocator's global state (Go's package variables stackpool and stackLarge). */
export class StackAllocator {
  /** stackpool[order].item.span: spans with free stacks of size fixedStack << order. */
  readonly stackpool: MSpanList[] = Array.from({ length: numStackOrders }, () => new MSpanList());
  /** stackLarge.free[log2npage]: free large stack spans, by log2 of their page count. */
  readonly stackLargeFree: MSpanList[];
  /** Each stack pool span's free stacks (Go threads them through manualFreeList; the model keeps the list here). */
  readonly manualFreeList = new Map<MSpan, number[]>();

  constructor(heapAddrBits: number, pageShift: number) {
    this.stackLargeFree = Array.from({ length: heapAddrBits - pageShift }, () => new MSpanList());
  }
}

/** stacklog2: floor(log2(n)). */
export function stacklog2(n: number): number {
  let log2 = 0;
  while (n > 1) {
    n >>>= 1;
    log2++;
  }
  return log2;
}

/** The order of a small stack of n bytes. */
function stackOrder(n: number): number {
  let order = 0;
  for (let n2 = n; n2 > fixedStack; n2 >>>= 1) order++;
  return order;
}

/** Whether n bytes is a stack pool size (Go's test in stackalloc and stackfree). */
function isSmallStack(n: number): boolean {
  // Stryker disable next-line EqualityOperator,LogicalOperator,ConditionalExpression: on linux/amd64 both bounds are 32 KiB (fixedStack<<numStackOrders == stackCacheSize == 32768, constants), so each side decides alone: && vs ||, one side true, or one side <= (the other side stays strict) give the same result for every n; the `false` and >= mutants here are caught (stack.test.ts: 32 KiB is large, 2-16 KiB small) but are disabled with them.
  return n < fixedStack << numStackOrders && n < stackCacheSize;
}

/** stackpoolalloc: a free stack of fixedStack << order bytes, carving a new pool span if none has one. */
export function stackpoolalloc(h: MHeap, order: number, pp: P | null): number {
  const sa = h.stacks;
  const list = sa.stackpool[order]!;
  let s = list.first;
  if (s === null) {
    // No free stacks: allocate another span worth.
    s = h.allocManual(stackCacheSize >>> h.g.pageShift, spanAllocStack, pp);
    if (s === null) throwGo('out of memory', `${site} · stackpoolalloc`);
    if (s.allocCount !== 0) throwGo('bad allocCount', `${site} · stackpoolalloc`);
    if (sa.manualFreeList.get(s)?.length) throwGo('bad manualFreeList', `${site} · stackpoolalloc`);
    s.elemsize = fixedStack << order;
    // Go pushes each stack on the list in address order, so the highest is on top.
    const free: number[] = [];
    for (let i = 0; i < stackCacheSize; i += s.elemsize) free.push(s.base() + i);
    sa.manualFreeList.set(s, free);
    list.insert(s);
  }
  const free = sa.manualFreeList.get(s)!;
  const x = free.pop();
  if (x === undefined) throwGo('span has no free stacks', `${site} · stackpoolalloc`);
  s.allocCount++;
  if (free.length === 0) {
    // All stacks in s are allocated.
    list.remove(s);
  }
  return x;
}

/** stackpoolfree: give stack x of fixedStack << order bytes back to its pool span; free the span if that empties it in _GCoff. */
export function stackpoolfree(h: MHeap, x: number, order: number, pp: P | null): void {
  const sa = h.stacks;
  const s = spanOfUnchecked(h, x);
  if (s === null || s.state.get() !== 'mSpanManual') throwGo('freeing stack not in a stack span', `${site} · stackpoolfree`);
  const free = sa.manualFreeList.get(s);
  if (free === undefined) refuse('stackpoolfree', `span ${hex(s.base())} is not a stack pool span`);
  if (free.includes(x) || (x - s.base()) % (fixedStack << order) !== 0 || x >= s.base() + stackCacheSize) refuse('stackpoolfree', `${hex(x)} is not an allocated ${fixedStack << order}-byte stack of span ${hex(s.base())}`);
  // s will now have a free stack.
  if (free.length === 0) sa.stackpool[order]!.insert(s);
  free.push(x);
  s.allocCount--;
  if (h.gcphase === '_GCoff' && s.allocCount === 0) {
    // Span is completely free: return it to the heap immediately if we're
    // sweeping. If the GC is active, freeing now could let the GC look up a
    // stale stack pointer's span; freeStackSpans frees it after the cycle.
    sa.stackpool[order]!.remove(s);
    sa.manualFreeList.delete(s);
    s.manualFreeList = 0;
    h.freeManual(s, spanAllocStack, pp);
  }
}

/** stackalloc: a stack of n bytes (a power of two), from the stack pool or, when large, a span of its own. */
export function stackalloc(h: MHeap, n: number, pp: P | null): Stack {
  if (!Number.isSafeInteger(n) || n < fixedStack) refuse('stackalloc', `n must be an integer of at least ${fixedStack}, got ${String(n)}`);
  if ((n & (n - 1)) !== 0) throwGo('stack size not a power of 2', `${site} · stackalloc`);
  if (isSmallStack(n)) {
    const x = stackpoolalloc(h, stackOrder(n), pp);
    return { lo: x, hi: x + n };
  }
  const sa = h.stacks;
  const npage = n >>> h.g.pageShift;
  const log2npage = stacklog2(npage);
  // Try the large stack cache first.
  let s: MSpan | null = null;
  const list = sa.stackLargeFree[log2npage]!;
  if (!list.isEmpty()) {
    s = list.first!;
    list.remove(s);
  }
  if (s === null) {
    // Allocate a new stack from the heap.
    s = h.allocManual(npage, spanAllocStack, pp);
    if (s === null) throwGo('out of memory', `${site} · stackalloc`);
    s.elemsize = n;
  }
  return { lo: s.base(), hi: s.base() + n };
}

/** stackfree: give a stack back; a large stack's span goes to the heap in _GCoff, else to stackLarge until freeStackSpans. */
export function stackfree(h: MHeap, stk: Stack, pp: P | null): void {
  const n = stk.hi - stk.lo;
  if ((n & (n - 1)) !== 0) throwGo('stack not a power of 2', `${site} · stackfree`);
  if (isSmallStack(n)) {
    stackpoolfree(h, stk.lo, stackOrder(n), pp);
    return;
  }
  const s = spanOfUnchecked(h, stk.lo);
  if (s === null || s.state.get() !== 'mSpanManual') throwGo('bad span state', `${site} · stackfree`, s === null ? hex(stk.lo) : `${hex(s.base())} ${hex(stk.lo)}`);
  if (h.gcphase === '_GCoff') {
    // Free the stack immediately if we're sweeping.
    h.freeManual(s, spanAllocStack, pp);
  } else {
    // If the GC is running, we can't return a stack span to the heap
    // because it could be reused as a heap span, and this state change
    // would race with GC. Add it to the large stack cache instead.
    h.stacks.stackLargeFree[stacklog2(s.npages)]!.insert(s);
  }
}

/** freeStackSpans: at the end of mark termination, free the stack spans the GC kept alive. */
export function freeStackSpans(h: MHeap, pp: P | null): void {
  const sa = h.stacks;
  // Scan stack pools for empty stack spans.
  for (const list of sa.stackpool) {
    for (let s = list.first; s !== null; ) {
      const next = s.next;
      if (s.allocCount === 0) {
        list.remove(s);
        sa.manualFreeList.delete(s);
        s.manualFreeList = 0;
        h.freeManual(s, spanAllocStack, pp);
      }
      s = next;
    }
  }
  // Free large stack spans.
  for (const list of sa.stackLargeFree) {
    for (let s = list.first; s !== null; ) {
      const next = s.next;
      list.remove(s);
      h.freeManual(s, spanAllocStack, pp);
      s = next;
    }
  }
}
