// Bad input to the CLI gets one clear line on stderr and exit status 2.

/** A usage error: the message is printed as `mheap-spec: <message>`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit statuses. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A non-negative integer option (e.g. --runs 1000). */
export function parseCount(flag: string, v: string, min = 0): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} wants a whole number, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be at least ${min}, got ${v}`);
  return n;
}

/** An integer option that may be negative (e.g. --seed -3). */
export function parseInteger(flag: string, v: string): number {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${flag} wants an integer, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new UsageError(`${flag} must be a 32-bit integer, got ${v}`);
  return n;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration: 500ms, 90s, 5m, 1h, or combinations like 1m30s. */
export function parseDuration(flag: string, v: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0].length;
  }
  if (v === '' || matched !== v.length) throw new UsageError(`${flag} wants a duration like 90s, 5m, 1h or 1m30s, got ${JSON.stringify(v)}`);
  if (total <= 0) throw new UsageError(`${flag} must be positive, got ${v}`);
  return Math.round(total);
}

/** A shard spec k/n with 1 <= k <= n. */
export function parseShard(flag: string, v: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (m === null) throw new UsageError(`${flag} wants k/n (e.g. 1/4), got ${JSON.stringify(v)}`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || k < 1 || k > n) throw new UsageError(`${flag} ${v}: need 1 <= k <= n`);
  return { k, n };
}
