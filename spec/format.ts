// Small formatting helpers for messages and traces.

/** "1 page", "3 pages". */
export function pagesOf(n: number): string {
  return n === 1 ? '1 page' : `${n} pages`;
}
