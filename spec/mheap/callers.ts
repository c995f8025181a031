// The span layer's manual-span callers as the spec sees them: which spans
// hold stacks and work buffers, and when each span must go back to the heap.
//
// Go's mSpanState rule ("a span must not transition from manual or in-use
// to free during GC") is the callers' duty: mheap.freeManual does not check
// the phase. This is the protocol the callers keep, written as state the
// spec owns:
// - runtime/stack.go · stackpoolfree: a stack pool span is freed when its
//   last stack is freed in _GCoff; freed during a GC it stays in the pool.
// - runtime/stack.go · stackfree: a large stack's span is freed at once in
//   _GCoff; during a GC it waits in stackLarge (Go issue 11267) and may be
//   reused for a stack of its size.
// - runtime/stack.go · freeStackSpans (mark termination): pool spans with no
//   stacks and every waiting large stack span are freed.
// - runtime/mgcwork.go: work buffer spans are busy until mark termination
//   (prepareFreeWorkbufs) makes them free; freeSomeWbufs frees up to 64 free
//   ones, only in _GCoff.
// The spec predicts, for each call, which span a new stack or work buffer
// lives in and which spans die; the suite compares the model with that.

/** stack.go constants (linux/amd64). */
export const STACK_CACHE_SIZE = 32 << 10;
export const FIXED_STACK = 2048;
export const NUM_STACK_ORDERS = 4;
/** mgcwork.go constants. */
export const WORKBUF_SIZE = 2048;
export const WORKBUF_ALLOC = 32 << 10;

/** A stack pool span: its order and how many of its stacks are handed out. */
interface PoolSpan {
  readonly order: number;
  live: number;
}

/** What the stack allocator must do for a stackalloc: reuse a span (by id), or take a new one of npages. */
export type StackPlan = { readonly span: number } | { readonly newSpanPages: number };

export class AbstractStacks {
  /** stackpool[order]: spans with a free stack, front first (Go's mSpanList.insert puts new ones at the front). */
  private readonly poolLists: number[][] = Array.from({ length: NUM_STACK_ORDERS }, () => []);
  private readonly pool = new Map<number, PoolSpan>();
  /** stackLarge.free[log2npage]: spans waiting for the end of the GC, front first. */
  private readonly waiting = new Map<number, number[]>();
  /** Live large stacks' spans, with their page counts. */
  private readonly large = new Map<number, number>();

  /** Whether n bytes is a stack pool size. */
  static isSmall(n: number): boolean {
    return n < FIXED_STACK << NUM_STACK_ORDERS && n < STACK_CACHE_SIZE;
  }

  static order(n: number): number {
    let o = 0;
    for (let m = n; m > FIXED_STACK; m >>>= 1) o++;
    return o;
  }

  static log2(npages: number): number {
    return 31 - Math.clz32(npages);
  }

  /** Which span a stack of n bytes must come from (pageSize: bytes per page). */
  plan(n: number, pageSize: number): StackPlan {
    if (AbstractStacks.isSmall(n)) {
      const first = this.poolLists[AbstractStacks.order(n)]![0];
      return first === undefined ? { newSpanPages: STACK_CACHE_SIZE / pageSize } : { span: first };
    }
    const npages = n / pageSize;
    const first = this.waiting.get(AbstractStacks.log2(npages))?.[0];
    return first === undefined ? { newSpanPages: npages } : { span: first };
  }

  /** stackalloc of n bytes got a stack in span id (per plan, or a new span when the plan said so). */
  allocated(n: number, id: number, pageSize: number): void {
    if (AbstractStacks.isSmall(n)) {
      const order = AbstractStacks.order(n);
      const list = this.poolLists[order]!;
      let ps = this.pool.get(id);
      if (ps === undefined) {
        this.pool.set(id, (ps = { order, live: 0 }));
        list.unshift(id);
      }
      ps.live++;
      // All its stacks handed out: off the list.
      if (ps.live === STACK_CACHE_SIZE / (FIXED_STACK << order)) list.splice(list.indexOf(id), 1);
      return;
    }
    const npages = n / pageSize;
    const w = this.waiting.get(AbstractStacks.log2(npages));
    if (w !== undefined && w[0] === id) w.shift();
    this.large.set(id, npages);
  }

  /** stackfree of a stack of n bytes in span id: the spans that die now. */
  freed(n: number, id: number, gcoff: boolean): number[] {
    if (AbstractStacks.isSmall(n)) {
      const ps = this.pool.get(id)!;
      const list = this.poolLists[ps.order]!;
      const full = ps.live === STACK_CACHE_SIZE / (FIXED_STACK << ps.order);
      ps.live--;
      if (full) list.unshift(id);
      if (gcoff && ps.live === 0) {
        list.splice(list.indexOf(id), 1);
        this.pool.delete(id);
        return [id];
      }
      return [];
    }
    const npages = this.large.get(id)!;
    this.large.delete(id);
    if (gcoff) return [id];
    const b = AbstractStacks.log2(npages);
    const w = this.waiting.get(b) ?? [];
    w.unshift(id);
    this.waiting.set(b, w);
    return [];
  }

  /** freeStackSpans: the spans that die (pool spans with no stacks, in pool order, then every waiting span). */
  freeStackSpans(): number[] {
    const dead: number[] = [];
    for (const list of this.poolLists) {
      for (const id of [...list]) {
        if (this.pool.get(id)!.live !== 0) continue;
        list.splice(list.indexOf(id), 1);
        this.pool.delete(id);
        dead.push(id);
      }
    }
    for (const [, w] of [...this.waiting].sort((a, b) => a[0] - b[0])) dead.push(...w);
    this.waiting.clear();
    return dead;
  }

  /** Whether span id holds stacks (for messages). */
  holds(id: number): boolean {
    return this.pool.has(id) || this.large.has(id) || [...this.waiting.values()].some((w) => w.includes(id));
  }
}

/** What getempty must do: pop an empty buffer, reuse a free span (by id), or take a new span. */
export type WorkbufPlan = { readonly buffer: number } | { readonly span: number } | { readonly newSpanPages: number };

export class AbstractWorkbufs {
  /** work.empty: buffer addresses, top last. */
  private empty: number[] = [];
  /** work.wbufSpans.busy and .free: span ids, front first. */
  private busy: number[] = [];
  private free: number[] = [];

  plan(pageSize: number): WorkbufPlan {
    const top = this.empty.at(-1);
    if (top !== undefined) return { buffer: top };
    const f = this.free[0];
    return f === undefined ? { newSpanPages: WORKBUF_ALLOC / pageSize } : { span: f };
  }

  /** getempty returned a buffer; when it came from a span (new or reused) with base address spanBase, the rest go to work.empty. */
  took(plan: WorkbufPlan, id: number, spanBase: number): void {
    if ('buffer' in plan) {
      this.empty.pop();
      return;
    }
    if ('span' in plan) this.free.shift();
    this.busy.unshift(id);
    for (let i = WORKBUF_SIZE; i + WORKBUF_SIZE <= WORKBUF_ALLOC; i += WORKBUF_SIZE) this.empty.push(spanBase + i);
  }

  putempty(b: number): void {
    this.empty.push(b);
  }

  /** prepareFreeWorkbufs: every busy span becomes free (in front of those already free); the empty list is wiped. */
  prepareFreeWorkbufs(): void {
    this.empty = [];
    this.free = [...this.busy, ...this.free];
    this.busy = [];
  }

  /** freeSomeWbufs: the spans that die (up to 64 free ones, only in _GCoff). */
  freeSomeWbufs(gcoff: boolean): number[] {
    if (!gcoff) return [];
    return this.free.splice(0, 64);
  }
}
