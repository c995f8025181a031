// runtime/mheap.go @ go1.21 · type mspan, mSpanState, mSpanStateBox,
// (*mspan).init, base, layout.
//
// Go's comment on mSpanState, the rules the spec checks:
//   - A span may transition from free to in-use or manual during any GC phase.
//   - During sweeping (gcphase == _GCoff), a span may transition from in-use
//     to free (as a result of sweeping) or manual to free (as a result of
//     stacks being freed).
//   - During GC (gcphase != _GCoff), a span *must not* transition from manual
//     or in-use to free.

import type { GCBits } from './gcbits.js';

/** mSpanState: Go's constants, as strings so traces read like Go. */
export type MSpanState = 'mSpanDead' | 'mSpanInUse' | 'mSpanManual';

/** mSpanStateNames, indexed by Go's iota values (mSpanDead = 0, ...). Go 1.19 also listed "mSpanFree"; go1.21 does not. */
export const mSpanStateNames: readonly MSpanState[] = ['mSpanDead', 'mSpanInUse', 'mSpanManual'];

/**
 * mSpanStateBox: the single place a span's state changes. In Go it is an
 * atomic.Uint8 so the GC can read it racily; set after every other field is
 * valid publishes the span.
 */
export class MSpanStateBox {
  private s: MSpanState = 'mSpanDead';

  constructor(
    /** Ghost: told about every transition (lets properties see each one, even within a step). */
    private readonly onSet?: (from: MSpanState, to: MSpanState) => void,
  ) {}

  set(s: MSpanState): void {
    const from = this.s;
    this.s = s;
    this.onSet?.(from, s);
  }

  get(): MSpanState {
    return this.s;
  }
}

/** The span structure. Fields not yet modelled (pinnerBits, user arenas, speciallock) are left out. */
export class MSpan {
  next: MSpan | null = null;
  prev: MSpan | null = null;
  /** The mSpanList this span is on (Go keeps it "for debugging"). */
  list: object | null = null;

  /** Address of the first byte of the span, aka s.base(). */
  startAddr = 0;
  npages = 0;
  /** List of free objects in mSpanManual spans (a gclinkptr; the model keeps 0). */
  manualFreeList = 0;

  /** The slot index at which to begin scanning for the next free object. */
  freeindex = 0;
  /** Number of objects in the span. */
  nelems = 0;
  /** Cache of the (complemented) allocBits at freeindex, as a uint64. */
  allocCache = 0n;
  allocBits: GCBits | null = null;
  gcmarkBits: GCBits | null = null;

  /** Sweep generation: see sweepgenIsLegal. Survives the span structure being freed and reused. */
  get sweepgen(): number {
    return this.sg;
  }

  set sweepgen(v: number) {
    const from = this.sg;
    this.sg = v;
    this.onSweepgen?.(this, from, v);
  }

  private sg = 0;
  divMul = 0;
  /** Number of allocated objects (uint16). */
  allocCount = 0;
  spanclass = 0;
  readonly state: MSpanStateBox;
  /** Needs to be zeroed before allocation (uint8). */
  needzero = 0;
  allocCountBeforeCache = 0;
  elemsize = 0;
  /** End of data in the span. */
  limit = 0;
  /** Linked list of special records sorted by offset (modelled in the specials issue). */
  specials: object | null = null;
  freeIndexForScan = 0;

  /** Ghost: a stable name for traces (s1, s2, ...), the order the structure was first created. */
  readonly id: number;

  constructor(
    id: number,
    onStateChange?: (s: MSpan, from: MSpanState, to: MSpanState) => void,
    /** Ghost: told about every write of sweepgen (lets properties check each move, even within a step). */
    private readonly onSweepgen?: (s: MSpan, from: number, to: number) => void,
  ) {
    this.id = id;
    this.state = new MSpanStateBox(onStateChange === undefined ? undefined : (from, to) => onStateChange(this, from, to));
  }

  /** s.base(). */
  base(): number {
    return this.startAddr;
  }

  /** s.layout(): element size, number of elements, total bytes. */
  layout(pageSize: number): [size: number, n: number, total: number] {
    const total = this.npages * pageSize;
    const size = this.elemsize;
    const n = size > 0 ? Math.floor(total / size) : 0;
    return [size, n, total];
  }

  /**
   * init: Go's (*mspan).init. The span is *not* zeroed: sweepgen, nelems,
   * limit, allocCache and divMul keep whatever the structure held before.
   */
  init(base: number, npages: number): void {
    this.next = null;
    this.prev = null;
    this.list = null;
    this.startAddr = base;
    this.npages = npages;
    this.allocCount = 0;
    this.spanclass = 0;
    this.elemsize = 0;
    this.specials = null;
    this.needzero = 0;
    this.freeindex = 0;
    this.freeIndexForScan = 0;
    this.allocBits = null;
    this.gcmarkBits = null;
    this.state.set('mSpanDead');
  }

  /** inList: whether the span is on an mSpanList. */
  inList(): boolean {
    return this.list !== null;
  }
}
