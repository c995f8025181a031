// Bad input to the CLI gets one clear line on stderr and exit status 2.
// Numbers are parsed here: negative, huge, fractional and non-numeric
// values each get a line of ours, never a JavaScript or Node message.

/** A usage error: the message is printed as `mheap-spec: <message>`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit statuses. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** A campaign cut short by --time-limit: nothing failed in the runs done, but not every run asked for was done. */
export const EXIT_CUT_SHORT = 3;
export const EXIT_INTERRUPTED = 130;

const num = (n: number): string => n.toLocaleString('en-US');

/** What is wrong with a value that is not a plain whole number. */
function notWhole(flag: string, v: string, min: number): UsageError {
  if (/^-\d+(\.\d+)?$/.test(v.trim())) return new UsageError(`${flag} must be at least ${num(min)}, got ${v}`);
  if (/^\d*\.\d+$/.test(v.trim()) || /^\d+\.\d*$/.test(v.trim())) return new UsageError(`${flag} wants a whole number, got ${v}`);
  return new UsageError(`${flag} wants a whole number, got ${JSON.stringify(v)}`);
}

/** A whole-number option within [min, max] (e.g. --runs 1000). */
export function parseCount(flag: string, v: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(v)) throw notWhole(flag, v, min);
  const n = Number(v);
  // Digits beyond 2^53 are not exact: such a value is "too large", not a rounding of it.
  if (!Number.isSafeInteger(n) || n > max) throw new UsageError(`${flag} must be at most ${num(max)}, got ${v}`);
  if (n < min) throw new UsageError(`${flag} must be at least ${num(min)}, got ${v}`);
  return n;
}

/** An integer option that may be negative (e.g. --seed -3): a 32-bit integer, as fast-check's seeds are. */
export function parseInteger(flag: string, v: string): number {
  if (!/^-?\d+$/.test(v)) {
    if (/^-?\d*\.\d+$/.test(v) || /^-?\d+\.\d*$/.test(v)) throw new UsageError(`${flag} wants an integer, got ${v}`);
    throw new UsageError(`${flag} wants an integer, got ${JSON.stringify(v)}`);
  }
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new UsageError(`${flag} must be a 32-bit integer (from ${num(-(2 ** 31))} to ${num(2 ** 31 - 1)}), got ${v}`);
  return n;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest duration any flag takes: a week. */
export const MAX_DURATION_MS = 168 * 3_600_000;

/** A duration: 500ms, 90s, 5m, 1h, 1.5m, or combinations like 1m30s; positive, at most a week. */
export function parseDuration(flag: string, v: string): number {
  if (/^-/.test(v.trim())) throw new UsageError(`${flag} must be positive, got ${v}`);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0].length;
  }
  if (v === '' || matched !== v.length) throw new UsageError(`${flag} wants a duration like 90s, 5m, 1h or 1m30s, got ${JSON.stringify(v)}`);
  if (!(total <= MAX_DURATION_MS)) throw new UsageError(`${flag} must be at most 168h (a week), got ${v}`);
  if (Math.round(total) <= 0) throw new UsageError(`${flag} must be positive, got ${v}`);
  return Math.round(total);
}

/** The most shards a campaign splits into. */
export const MAX_SHARDS = 10_000;

/** A shard spec k/n with 1 <= k <= n. */
export function parseShard(flag: string, v: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (m === null) throw new UsageError(`${flag} wants k/n with whole numbers (e.g. 1/4), got ${JSON.stringify(v)}`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (!(n <= MAX_SHARDS)) throw new UsageError(`${flag} ${v}: at most ${num(MAX_SHARDS)} shards`);
  if (n < 1 || k < 1 || k > n) throw new UsageError(`${flag} ${v}: need 1 <= k <= n`);
  return { k, n };
}

/** Edit distance (insertions, deletions, substitutions, transpositions), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[s.length]![t.length]!;
}

/** The candidate a mistyped word most likely meant, if one is close enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const exact = candidates.find((c) => c.toLowerCase() === word.toLowerCase());
  if (exact !== undefined) return exact;
  const prefixed = candidates.filter((c) => word.length >= 3 && c.toLowerCase().startsWith(word.toLowerCase()));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** "unknown suite "x" (did you mean y?)" or "unknown suite "x" (suites: a, b)". */
export function unknown(what: string, plural: string, word: string, candidates: readonly string[], listAll = true): UsageError {
  const c = closest(word, candidates);
  if (c !== undefined) return new UsageError(`unknown ${what} ${JSON.stringify(word)} (did you mean ${c}?)`);
  return new UsageError(`unknown ${what} ${JSON.stringify(word)}${listAll ? ` (${plural}: ${candidates.join(', ')})` : ''}`);
}
