// A JSON reader that keeps the source text of every value, for the trace
// format: Go's replayer checks integers on their raw text ("1.0", "1e3" and
// out-of-int64 numbers are errors, not numbers), so JSON.parse is not enough.
//
// Values are spans of the source. A whole top-level value is syntax-checked
// once, when the stream reaches it (as Go's json.Decoder does); containers are
// then opened one level at a time, so a million-op trace never becomes a
// million-node tree.

/** One JSON value: src[start, end). */
export interface JSpan {
  readonly src: string;
  readonly start: number;
  readonly end: number;
}

export type JKind = 'object' | 'array' | 'string' | 'number' | 'true' | 'false' | 'null';

/** A syntax error at a source offset. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

const numberRe = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const stringRe = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Offset of the first non-whitespace character at or after i. */
export function skipWs(src: string, i: number): number {
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

function describe(src: string, i: number): string {
  return i >= src.length ? 'unexpected end of JSON input' : `invalid character ${JSON.stringify(src[i])} at offset ${i}`;
}

/** The end of the scalar at i (string, number or literal), or a syntax error. */
function skipScalar(src: string, i: number): number {
  const c = src[i];
  const re = c === '"' ? stringRe : numberRe;
  if (c === '"' || c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    re.lastIndex = i;
    if (!re.test(src)) throw new JsonSyntaxError(c === '"' ? `bad string at offset ${i}` : `bad number at offset ${i}`);
    return re.lastIndex;
  }
  for (const lit of ['true', 'false', 'null']) if (src.startsWith(lit, i)) return i + lit.length;
  throw new JsonSyntaxError(describe(src, i) + ' looking for beginning of value');
}

/**
 * The end of the value starting at i (no leading whitespace), checking its
 * whole syntax. Iterative, so deep nesting cannot overflow the stack.
 */
export function skipValue(src: string, i: number): number {
  const open: string[] = [];
  for (;;) {
    // At the start of a value.
    const c = src[i];
    if (c === '{' || c === '[') {
      open.push(c);
      i = skipWs(src, i + 1);
      if (src[i] === (c === '{' ? '}' : ']')) {
        open.pop();
        i++;
      } else {
        if (c === '{') i = objectKey(src, i);
        continue;
      }
    } else {
      i = skipScalar(src, i);
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      if (open.length === 0) return i;
      i = skipWs(src, i);
      const top = open[open.length - 1]!;
      if (src[i] === ',') {
        i = skipWs(src, i + 1);
        if (top === '{') i = objectKey(src, i);
        break;
      }
      if (src[i] === (top === '{' ? '}' : ']')) {
        open.pop();
        i++;
        continue;
      }
      throw new JsonSyntaxError(describe(src, i) + (top === '{' ? ' after object key:value pair' : ' after array element'));
    }
  }
}

/** Skip `"key" :` and the whitespace after it; returns the offset of the value. */
function objectKey(src: string, i: number): number {
  if (src[i] !== '"') throw new JsonSyntaxError(describe(src, i) + ' looking for beginning of object key string');
  i = skipWs(src, skipScalar(src, i));
  if (src[i] !== ':') throw new JsonSyntaxError(describe(src, i) + ' after object key');
  return skipWs(src, i + 1);
}

/** The kind of a (syntax-checked) value. */
export function kindOf(v: JSpan): JKind {
  const c = v.src[v.start];
  if (c === '{') return 'object';
  if (c === '[') return 'array';
  if (c === '"') return 'string';
  if (c === 't') return 'true';
  if (c === 'f') return 'false';
  if (c === 'n') return 'null';
  return 'number';
}

/** The value's source text. */
export function rawText(v: JSpan): string {
  return v.src.slice(v.start, v.end);
}

/** A string value, decoded. */
export function stringValue(v: JSpan): string {
  return JSON.parse(rawText(v)) as string;
}

/** An object's members, the last of duplicate keys winning (as in Go and JSON.parse). */
export function objectMembers(v: JSpan): Map<string, JSpan> {
  const { src } = v;
  const out = new Map<string, JSpan>();
  let i = skipWs(src, v.start + 1);
  while (src[i] !== '}') {
    const keyEnd = skipScalar(src, i);
    const key = stringValue({ src, start: i, end: keyEnd });
    const start = skipWs(src, skipWs(src, keyEnd) + 1);
    const end = skipValue(src, start);
    out.set(key, { src, start, end });
    i = skipWs(src, end);
    if (src[i] === ',') i = skipWs(src, i + 1);
  }
  return out;
}

/** An array's elements. */
export function arrayElements(v: JSpan): JSpan[] {
  const { src } = v;
  const out: JSpan[] = [];
  let i = skipWs(src, v.start + 1);
  while (src[i] !== ']') {
    const end = skipValue(src, i);
    out.push({ src, start: i, end });
    i = skipWs(src, end);
    if (src[i] === ',') i = skipWs(src, i + 1);
  }
  return out;
}

/**
 * The top-level values of a stream of concatenated JSON values, read one at a
 * time: each value is syntax-checked only when the stream reaches it, so the
 * values before a syntax error are still delivered.
 */
export function* jsonStream(src: string): Generator<JSpan, void, void> {
  let i = skipWs(src, 0);
  while (i < src.length) {
    const end = skipValue(src, i);
    yield { src, start: i, end };
    i = skipWs(src, end);
  }
}
