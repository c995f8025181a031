// `--workers N`: a pool of worker threads (node:worker_threads), each
// running whole batches (worker.ts). Workers load the compiled JavaScript
// (dist/properties/harness/worker.js); from TypeScript sources (vitest)
// there is no worker script and the campaign runs in-process.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchResult } from './batch.js';
import type { Executor } from './scheduler.js';

/**
 * The V8 flags a campaign's process runs with (the CLI's shebang, `npm
 * start`, the bench). V8 flags are process-wide and cannot be set once it
 * runs (nor per worker), so they go on node's command line.
 * --single-threaded-gc: V8's parallel and concurrent GC helper threads kept
 * a second core 10% busy behind one worker, and with one worker per core
 * they only compete with the workers; the whole process then spends less
 * CPU for the same campaign.
 * --no-allocation-site-pretenuring: V8 otherwise learns that a run's world
 * (the heap, its 136 mcentrals, the spec beside it) outlives a scavenge and
 * allocates every later world straight in old space, where only a full
 * mark-compact frees it; measured on the mheap suite, a world then cost 850
 * us to make instead of 57, and the campaign spent three times as long in the
 * GC (bench: `npm run bench` runs with these flags too).
 */
export const CAMPAIGN_NODE_FLAGS: readonly string[] = ['--single-threaded-gc', '--no-allocation-site-pretenuring'];

/** The worker script next to this module, if it exists (it does once compiled). */
export function workerScript(): URL | undefined {
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

interface Pending {
  resolve(r: BatchResult): void;
  reject(e: Error): void;
}

/** A message from a worker: a batch's result, or the error that ended it. */
export type WorkerReply = { readonly id: number; readonly result: BatchResult } | { readonly id: number; readonly error: string };

export class WorkerPool implements Executor {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; job: BatchJob }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private closing = false;

  constructor(
    readonly lanes: number,
    script: URL,
    flags: Int32Array,
  ) {
    for (let i = 0; i < lanes; i++) {
      const w = new Worker(script, { workerData: { flags } });
      w.on('message', (m: WorkerReply) => this.reply(w, m));
      w.on('error', (e) => this.lost(w, e));
      w.on('exit', (code) => {
        if (!this.closing) this.lost(w, new Error(`worker thread exited with code ${code}`));
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(job: BatchJob): Promise<BatchResult> {
    const id = this.nextId++;
    const p = new Promise<BatchResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push({ id, job });
    this.pump();
    return p;
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const { id, job } = this.queue.shift()!;
      this.busy.set(w, id);
      w.postMessage({ id, job });
    }
  }

  private reply(w: Worker, m: WorkerReply): void {
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    this.busy.delete(w);
    this.idle.push(w);
    if ('error' in m) p?.reject(new Error(`in a worker thread: ${m.error}`));
    else p?.resolve(m.result);
    this.pump();
  }

  private lost(w: Worker, e: Error): void {
    const id = this.busy.get(w);
    if (id === undefined) return;
    this.busy.delete(w);
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.reject(e);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
