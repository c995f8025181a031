// The real-Go replayer kept running for a whole campaign: one process reads
// concatenated traces from its stdin (MHEAP_SPEC_TRACE=-; Go's
// json.Decoder returns each object as soon as its closing brace arrives) and
// answers each with its lines. Starting the test binary costs ~40 ms; this
// way it is paid once, not once per trace. When the replayer exits (a
// malformed trace, a throw, an unsupported scavenge), the next trace starts a
// new process.

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { REPLAYER_TEST } from '../realgo/gorunner.js';

/** What the real runtime printed for one trace. */
export interface GoRun {
  /** The trace's lines (header first), with the trace index rewritten to 0 as if it were alone in its file. */
  readonly lines: string[];
  /** null while the replayer kept running (success); else its exit status (-1: killed by a signal). */
  readonly status: number | null;
  readonly stderr: string;
}

const TIMEOUT_MS = 60_000;

export class GoSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  /** Traces sent to the current process: the next one's index. */
  private k = 0;
  private partial = '';
  private lines: string[] = [];
  private stderr = '';
  private exit: number | null = null;
  private wake: (() => void) | undefined;
  /** Processes started so far. */
  processes = 0;

  constructor(private readonly bin: string) {}

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(this.bin, ['-test.run', `^${REPLAYER_TEST}$`], {
      env: { ...process.env, MHEAP_SPEC_TRACE: '-' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.processes++;
    [this.k, this.partial, this.lines, this.stderr, this.exit] = [0, '', [], '', null];
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      const parts = (this.partial + s).split('\n');
      this.partial = parts.pop()!;
      for (const l of parts) if (l.startsWith('{')) this.lines.push(l);
      this.wake?.();
    });
    child.stderr.on('data', (s: string) => (this.stderr += s));
    child.stdin.on('error', () => {}); // EPIPE after the replayer exited: its exit status says why
    child.on('close', (code, signal) => {
      if (this.child === child) {
        this.exit = code ?? (signal === null ? 0 : -1);
        this.child = undefined;
      }
      this.wake?.();
    });
    this.child = child;
    return child;
  }

  /** Replays one trace (its JSON text) with nops ops; resolves when all its lines are in or the replayer exited. */
  async run(traceText: string, nops: number): Promise<GoRun> {
    const child = this.child ?? this.start();
    const k = this.k++;
    this.lines = [];
    child.stdin.write(traceText + '\n');
    const want = nops + 1;
    const deadline = Date.now() + TIMEOUT_MS;
    while (this.lines.length < want && this.child === child) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 1000).unref();
      });
      this.wake = undefined;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Go replayer did not answer within ${TIMEOUT_MS / 1000} s`);
      }
    }
    const exited = this.child !== child;
    const prefix = `{"trace":${k},`;
    const lines = this.lines.map((l) => {
      if (!l.startsWith(prefix)) throw new Error(`the Go replayer answered trace ${k} with: ${l.slice(0, 80)}`);
      return '{"trace":0,' + l.slice(prefix.length);
    });
    return { lines, status: exited ? this.exit : null, stderr: exited ? this.stderr : '' };
  }

  /** Ends the current process (it sees EOF on stdin and exits). */
  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    await new Promise<void>((resolve) => {
      child.on('close', () => resolve());
      child.stdin.end();
    });
  }
}
