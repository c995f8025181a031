// The page-trace file: a real program's span allocations and frees, in the
// order they happened, as `mheap-spec pagetrace FILE` replays them
// (README.md in this folder). JSON lines, optionally gzipped:
//
//   {"pagetrace":1,"program":"...","goVersion":"go1.26.8",...}   the header
//   ["span",id,npages,kindclass]         a live span when the trace started
//   ["alloc",id,npages,kindclass,p]      allocSpan returned it (p: the P, -1 none)
//   ["free",id,p]                        freeSpan / freeManual is about to free it
//   ["gc","mark"] / ["gc","off"]         the GC's concurrent mark phase begins / ends
//
// id is the span's first page counted from minPageHeapAddr; kindclass is
// runtime/traceallocfree.go's traceSpanTypeAndClass: spanclass<<1 for a heap
// span (mSpanInUse), 1 for a manual one. Every snapshot span comes before
// the first other event.

import { gunzipSync, gzipSync } from 'node:zlib';

export const PAGETRACE_VERSION = 1;

export interface PageTraceHeader {
  readonly pagetrace: number;
  /** What ran, e.g. "compile -p go/types (cmd/compile compiling a standard-library package)". */
  readonly program: string;
  /** A short name for reports. */
  readonly name: string;
  readonly goVersion: string;
  /** GOEXPERIMENT the program was built with. */
  readonly goexperiment: string;
  readonly gomaxprocs: number;
  /** The page heap's lowest address when tracing started (the AllocFree info batch), as a hex word. */
  readonly minPageHeapAddr: string;
  readonly pageSize: number;
  /** How the events were recorded and decoded. */
  readonly recorded: string;
}

export type PageEvent =
  | { readonly t: 'span'; readonly id: number; readonly npages: number; readonly kc: number }
  | { readonly t: 'alloc'; readonly id: number; readonly npages: number; readonly kc: number; readonly p: number }
  | { readonly t: 'free'; readonly id: number; readonly p: number }
  | { readonly t: 'gc'; readonly phase: 'mark' | 'off' };

export interface PageTrace {
  readonly header: PageTraceHeader;
  readonly events: readonly PageEvent[];
}

/** A page-trace file that cannot be read: the message names the file and line. */
export class PageTraceError extends Error {
  override readonly name = 'PageTraceError';
}

const isCount = (x: unknown, min = 0): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= min;

function event(v: unknown, where: string): PageEvent {
  if (!Array.isArray(v) || typeof v[0] !== 'string') throw new PageTraceError(`${where}: an event must be a JSON array starting with its kind`);
  const [t, ...a] = v as [string, ...unknown[]];
  const want = (n: number): void => {
    if (a.length !== n) throw new PageTraceError(`${where}: a "${t}" event has ${n} fields after its kind, got ${a.length}`);
  };
  switch (t) {
    case 'span':
    case 'alloc': {
      want(t === 'span' ? 3 : 4);
      const [id, npages, kc, p] = a;
      if (!isCount(id) || !isCount(npages, 1) || !isCount(kc)) throw new PageTraceError(`${where}: "${t}" wants [id >= 0, npages >= 1, kindclass >= 0${t === 'alloc' ? ', p >= -1' : ''}]`);
      if (t === 'span') return { t, id, npages, kc };
      if (!isCount(p, -1)) throw new PageTraceError(`${where}: "alloc" wants p >= -1, got ${JSON.stringify(p)}`);
      return { t, id, npages, kc, p };
    }
    case 'free': {
      want(2);
      const [id, p] = a;
      if (!isCount(id) || !isCount(p, -1)) throw new PageTraceError(`${where}: "free" wants [id >= 0, p >= -1]`);
      return { t, id, p };
    }
    case 'gc': {
      want(1);
      if (a[0] !== 'mark' && a[0] !== 'off') throw new PageTraceError(`${where}: "gc" wants "mark" or "off", got ${JSON.stringify(a[0])}`);
      return { t, phase: a[0] };
    }
    default:
      throw new PageTraceError(`${where}: unknown event kind ${JSON.stringify(t)}`);
  }
}

function header(v: unknown, where: string): PageTraceHeader {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PageTraceError(`${where}: the first line must be the header object`);
  const h = v as Record<string, unknown>;
  if (h['pagetrace'] !== PAGETRACE_VERSION) throw new PageTraceError(`${where}: not a page trace of version ${PAGETRACE_VERSION} (field "pagetrace" is ${JSON.stringify(h['pagetrace'])})`);
  for (const k of ['program', 'name', 'goVersion', 'goexperiment', 'minPageHeapAddr', 'recorded']) {
    if (typeof h[k] !== 'string') throw new PageTraceError(`${where}: header field "${k}" must be a string`);
  }
  if (!/^0x[0-9a-f]{16}$/.test(h['minPageHeapAddr'] as string)) throw new PageTraceError(`${where}: minPageHeapAddr must be "0x" and 16 lowercase hex digits`);
  if (!isCount(h['gomaxprocs'], 1)) throw new PageTraceError(`${where}: header field "gomaxprocs" must be an integer >= 1`);
  if (!isCount(h['pageSize'], 1)) throw new PageTraceError(`${where}: header field "pageSize" must be an integer >= 1`);
  return h as unknown as PageTraceHeader;
}

/** Reads a page trace from its bytes (gzipped or not); throws PageTraceError naming file:line. */
export function parsePageTrace(bytes: Buffer, file: string): PageTrace {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (e) {
    throw new PageTraceError(`${file}: not a gzip stream: ${(e as Error).message}`);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new PageTraceError(`${file}: empty: a page trace starts with its header line`);
  const parse = (l: string, i: number): unknown => {
    try {
      return JSON.parse(l);
    } catch (e) {
      throw new PageTraceError(`${file}:${i + 1}: invalid JSON: ${(e as Error).message}`);
    }
  };
  const h = header(parse(lines[0]!, 0), `${file}:1`);
  const events: PageEvent[] = [];
  let snapshot = true;
  for (let i = 1; i < lines.length; i++) {
    const e = event(parse(lines[i]!, i), `${file}:${i + 1}`);
    if (e.t === 'span' && !snapshot) throw new PageTraceError(`${file}:${i + 1}: a "span" (snapshot) event after the trace's first other event`);
    if (e.t !== 'span') snapshot = false;
    events.push(e);
  }
  return { header: h, events };
}

/** The file's text: the header line, then one event a line. */
export function formatPageTrace(t: PageTrace): string {
  const ev = (e: PageEvent): unknown[] => {
    switch (e.t) {
      case 'span':
        return ['span', e.id, e.npages, e.kc];
      case 'alloc':
        return ['alloc', e.id, e.npages, e.kc, e.p];
      case 'free':
        return ['free', e.id, e.p];
      case 'gc':
        return ['gc', e.phase];
    }
  };
  return [JSON.stringify(t.header), ...t.events.map((e) => JSON.stringify(ev(e)))].join('\n') + '\n';
}

/** The gzipped file (deterministic: no name or time in the gzip header). */
export function gzipPageTrace(t: PageTrace): Buffer {
  return gzipSync(Buffer.from(formatPageTrace(t)), { level: 9 });
}
