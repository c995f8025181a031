// From a Go 1.26 execution trace recorded with GODEBUG=traceallocfree=1 to
// page-trace events. The events come in the order Go's own trace reader
// (internal/trace, through `go tool trace -d=parsed`) puts them, one a line:
//
//   M=8170 P=0 G=1 Experimental Time=… Name=SpanAlloc Args=[id=Value{Uint64(214)}, npages_value=Value{Uint64(1)}, kindclass=Value{Uint64(40)}]
//   M=8170 P=0 G=1 RangeBegin Time=… Name="GC concurrent mark phase" Scope=None
//
// Kept: Span (the snapshot of live spans when tracing starts), SpanAlloc,
// SpanFree (runtime/traceallocfree.go), and the GC's concurrent mark phase
// (RangeBegin/RangeEnd, and RangeActive when a generation starts inside it).
// Everything else (objects, stacks, scheduling) is dropped.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PageEvent } from './format.js';

const MARK = '"GC concurrent mark phase"';
const spanRe = /^M=-?\d+ P=(-?\d+) G=-?\d+ Experimental Time=\d+ Name=(Span|SpanAlloc|SpanFree) Args=\[(.*)\]$/;
const rangeRe = /^M=-?\d+ P=-?\d+ G=-?\d+ Range(Begin|End|Active) Time=\d+ Name="GC concurrent mark phase"/;
const argRe = /(\w+)=Value\{Uint64\((\d+)\)\}/g;

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** Folds parsed-trace lines into page events; `finish` returns them. */
export class ParsedTraceDecoder {
  readonly events: PageEvent[] = [];
  private mark = false;
  private line = 0;
  /** Lines of the parsed trace seen, and of them the experimental (alloc/free) events dropped. */
  lines = 0;
  dropped = 0;

  push(l: string): void {
    this.line++;
    if (!l.startsWith('M=')) return;
    this.lines++;
    const s = spanRe.exec(l);
    if (s !== null) {
      const args = new Map<string, number>();
      for (const m of s[3]!.matchAll(argRe)) args.set(m[1]!, Number(m[2]));
      const id = args.get('id');
      const p = Number(s[1]);
      if (id === undefined) throw new DecodeError(`parsed trace line ${this.line}: ${s[2]} without an id: ${l}`);
      if (s[2] === 'SpanFree') this.events.push({ t: 'free', id, p });
      else {
        const npages = args.get('npages_value');
        const kc = args.get('kindclass');
        if (npages === undefined || kc === undefined) throw new DecodeError(`parsed trace line ${this.line}: ${s[2]} without npages or kindclass: ${l}`);
        this.events.push(s[2] === 'Span' ? { t: 'span', id, npages, kc } : { t: 'alloc', id, npages, kc, p });
      }
      return;
    }
    if (!l.includes(MARK)) {
      if (l.includes(' Experimental ')) this.dropped++;
      return;
    }
    const r = rangeRe.exec(l);
    if (r === null) return;
    // RangeActive: a generation starts while the mark phase runs (or the trace starts inside one).
    const on = r[1] !== 'End';
    if (on === this.mark) return;
    this.mark = on;
    this.events.push({ t: 'gc', phase: on ? 'mark' : 'off' });
  }

  /** The events, with the snapshot's spans first (Go emits them right after tracing starts, before anything else of ours). */
  finish(): PageEvent[] {
    const spans = this.events.filter((e) => e.t === 'span');
    const firstOther = this.events.findIndex((e) => e.t !== 'span');
    let lastSpan = -1;
    this.events.forEach((e, i) => e.t === 'span' && (lastSpan = i));
    if (firstOther !== -1 && lastSpan > firstOther) {
      // A mark phase active when the trace began is announced before the snapshot: keep it right after.
      const before = this.events.slice(0, lastSpan + 1).filter((e) => e.t !== 'span');
      if (before.some((e) => e.t !== 'gc')) throw new DecodeError('a span allocation or free came before the end of the trace-start snapshot');
      return [...spans, ...before, ...this.events.slice(lastSpan + 1)];
    }
    return this.events;
  }
}

/**
 * Decodes an execution trace file with `go tool trace -d=parsed` (a Go 1.23+
 * toolchain that reads the trace's version), streaming its output.
 */
export function decodeExecutionTrace(go: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<PageEvent[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['tool', 'trace', '-d=parsed', file], { env: { ...env, GOTOOLCHAIN: 'local' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const dec = new ParsedTraceDecoder();
    let failure: unknown;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (stderr += s));
    const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
    rl.on('line', (l) => {
      if (failure !== undefined) return;
      try {
        dec.push(l);
      } catch (e) {
        failure = e;
        child.kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (failure !== undefined) reject(failure);
      else if (code !== 0) reject(new DecodeError(`go tool trace -d=parsed ${file}: exit status ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`));
      else {
        try {
          resolve(dec.finish());
        } catch (e) {
          reject(e);
        }
      }
    });
  });
}
