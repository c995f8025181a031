// A campaign worker thread: runs the batches the pool sends, one at a time,
// and posts each result back (pool.ts).

import { parentPort, workerData } from 'node:worker_threads';
import type { BatchJob } from './batch.js';
import type { WorkerReply } from './pool.js';
import { runJob } from './scheduler.js';
import type { AnySuite } from './suite.js';

const flags = (workerData as { flags: Int32Array }).flags;
const suites = new Map<string, AnySuite>();

parentPort!.on('message', ({ id, job }: { id: number; job: BatchJob }) => {
  let reply: WorkerReply;
  try {
    reply = { id, result: runJob(job, flags, suites) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply);
});
