// Reading a trace's fields with exactly the checks and messages of the Go
// replayer (conformance/realgo/trace_test.go: mhsObject, mhsArray, mhsInt,
// mhsBool, mhsKeys, mhsField, mhsNpages), so both sides reject the same
// inputs with the same words.

import type { JSpan } from './json.js';
import { arrayElements, kindOf, objectMembers, rawText, stringValue } from './json.js';

/** Exit statuses of a trace run (conformance/README.md). */
export const TRACE_OK = 0;
export const TRACE_MALFORMED = 1;
export const TRACE_GO_THROW = 2;
export const TRACE_UNSUPPORTED = 3;
export const TRACE_MODEL_REFUSED = 4;

/** A trace the replayer stops on: the message (without the "trace K: " prefix) and the exit status. */
export class TraceError extends Error {
  override readonly name = 'TraceError';
  constructor(
    message: string,
    readonly status: number = TRACE_MALFORMED,
  ) {
    super(message);
  }
}

/** A malformed-trace error (exit status 1). */
export function malformed(message: string): TraceError {
  return new TraceError(message, TRACE_MALFORMED);
}

/** heapAddrBits on 64-bit linux. */
export const HEAP_ADDR_BITS = 48;
/** The pages in the 48-bit address space: no npages above it can be satisfied, and npages*8192 cannot wrap. */
export const MAX_PAGES = 2n ** BigInt(HEAP_ADDR_BITS - 13);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** mhsObject. */
export function asObject(v: JSpan, what: string): Map<string, JSpan> {
  if (kindOf(v) !== 'object') throw malformed(`${what} is not a JSON object`);
  return objectMembers(v);
}

/** mhsArray. */
export function asArray(v: JSpan, what: string): JSpan[] {
  if (kindOf(v) !== 'array') throw malformed(`${what} is not a JSON array`);
  return arrayElements(v);
}

/** mhsInt: a plain JSON integer (no fraction, no exponent) that fits in an int64. */
export function asInt(v: JSpan, what: string): bigint {
  const s = rawText(v);
  if (!/^-?(?:0|[1-9][0-9]*)$/.test(s)) throw malformed(`${what} must be an integer, got ${s}`);
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) throw malformed(`${what} out of range: ${s}`);
  return n;
}

/** mhsBool. */
export function asBool(v: JSpan, what: string): boolean {
  const k = kindOf(v);
  if (k === 'true' || k === 'false') return k === 'true';
  throw malformed(`${what} must be true or false`);
}

/** mhsString: the value if it is a JSON string. */
export function asString(v: JSpan | undefined): string | undefined {
  return v !== undefined && kindOf(v) === 'string' ? stringValue(v) : undefined;
}

/** mhsKeys: the first key outside allowed, in Go's (byte-wise) sorted order, is an error. */
export function checkKeys(m: ReadonlyMap<string, JSpan>, allowed: readonly string[]): void {
  const bad = [...m.keys()].filter((k) => !allowed.includes(k));
  if (bad.length === 0) return;
  bad.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  throw malformed(`unknown field ${goQuote(bad[0]!)}`);
}

/** mhsField: a required integer field. */
export function intField(m: ReadonlyMap<string, JSpan>, name: string): bigint {
  const v = m.get(name);
  if (v === undefined) throw malformed(`missing field ${goQuote(name)}`);
  return asInt(v, name);
}

/** mhsNpages: a required npages field, 1 <= npages <= 2^35. */
export function npagesField(m: ReadonlyMap<string, JSpan>): number {
  const n = intField(m, 'npages');
  if (n < 1n) throw malformed(`npages ${n} < 1`);
  if (n > MAX_PAGES) throw malformed(`npages ${n} > ${MAX_PAGES} (pages in the ${HEAP_ADDR_BITS}-bit address space)`);
  return Number(n);
}

/** Go's %q (strconv.Quote) of a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const esc: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
    if (esc[ch] !== undefined) out += esc[ch];
    else if (c === 0x20 || (c > 0x20 && c < 0x7f) || (c >= 0x80 && /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch))) out += ch;
    else if (c < 0x80) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + '"';
}
