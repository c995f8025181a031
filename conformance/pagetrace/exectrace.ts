// Go 1.26's execution trace, the little of it read here directly: the file
// header, and the AllocFree experiment's info batch (runtime/
// traceallocfree.go · traceSnapshotMemory: minPageHeapAddr, pageSize,
// MinHeapAlign, fixedStack), which `go tool trace -d=parsed` does not print.
// Batches are internal/trace/batch.go · readBatch's: a header byte
// (EvEventBatch, or EvExperimentalBatch and the experiment's byte), then
// uvarint generation, M, timestamp and length, then length bytes;
// EvEndOfGeneration stands alone.

/** internal/trace/tracev2 event types of batch headers (go1.26). */
const EvEventBatch = 1;
const EvExperimentalBatch = 49;
const EvEndOfGeneration = 52;
/** tracev2.AllocFree, and its batch kind traceAllocFreeInfoBatch. */
const AllocFree = 1;
const traceAllocFreeInfoBatch = 1;

export interface AllocFreeInfo {
  /** The trace's Go version from the file header, e.g. "1.26". */
  readonly traceVersion: string;
  readonly minPageHeapAddr: bigint;
  readonly pageSize: number;
  readonly minHeapAlign: number;
  readonly fixedStack: number;
}

export class ExecTraceError extends Error {
  override readonly name = 'ExecTraceError';
}

class Reader {
  i = 0;
  constructor(private readonly b: Buffer) {}
  get done(): boolean {
    return this.i >= this.b.length;
  }
  byte(): number {
    if (this.i >= this.b.length) throw new ExecTraceError('truncated execution trace');
    return this.b[this.i++]!;
  }
  uvarint(): bigint {
    let x = 0n;
    for (let s = 0n; ; s += 7n) {
      const c = this.byte();
      x |= BigInt(c & 0x7f) << s;
      if ((c & 0x80) === 0) return x;
      if (s > 63n) throw new ExecTraceError('bad uvarint in execution trace');
    }
  }
}

/** Whether the bytes start like an execution trace ("go 1.NN trace"). */
export function isExecutionTrace(b: Buffer): boolean {
  return /^go 1\.\d+ trace\0/.test(b.subarray(0, 16).toString('latin1'));
}

/** The AllocFree info of an execution trace recorded with GODEBUG=traceallocfree=1. */
export function allocFreeInfo(b: Buffer): AllocFreeInfo {
  const head = b.subarray(0, 16).toString('latin1');
  const m = /^go (1\.\d+) trace\0+$/.exec(head);
  if (m === null) throw new ExecTraceError('not a Go execution trace (its first 16 bytes are not "go 1.NN trace")');
  const r = new Reader(b);
  r.i = 16;
  while (!r.done) {
    const t = r.byte();
    if (t === EvEndOfGeneration) continue;
    if (t !== EvEventBatch && t !== EvExperimentalBatch) throw new ExecTraceError(`expected a batch header at byte ${r.i - 1}, got event type ${t}`);
    const exp = t === EvExperimentalBatch ? r.byte() : 0;
    r.uvarint(); // generation
    r.uvarint(); // M
    r.uvarint(); // timestamp
    const size = Number(r.uvarint());
    const start = r.i;
    if (start + size > b.length) throw new ExecTraceError('truncated execution trace');
    if (exp === AllocFree && size > 0 && b[start] === traceAllocFreeInfoBatch) {
      const d = new Reader(b.subarray(start + 1, start + size));
      return { traceVersion: m[1]!, minPageHeapAddr: d.uvarint(), pageSize: Number(d.uvarint()), minHeapAlign: Number(d.uvarint()), fixedStack: Number(d.uvarint()) };
    }
    r.i = start + size;
  }
  throw new ExecTraceError('no AllocFree info batch: was the program run with GODEBUG=traceallocfree=1?');
}
