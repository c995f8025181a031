// Helpers for the model's unit tests (never built into dist/): a heap's
// whole state as a string, to show a refused or thrown call changed
// nothing, and the GoThrow a call raises.

import type { MHeap } from '../model/mheap.js';
import { GoThrow, ModelError } from '../model/throw.js';

/** Every field reachable from h, in order (shared objects by first reference). */
export function image(h: MHeap): string {
  const seen = new Map<object, number>();
  return JSON.stringify(h, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return undefined;
    if (v instanceof Uint8Array) return Array.from(v).join(',');
    if (v instanceof Map || v instanceof Set) return [...v];
    if (v !== null && typeof v === 'object') {
      const id = seen.get(v);
      if (id !== undefined) return `#${id}`;
      seen.set(v, seen.size);
    }
    return v;
  });
}

/** The error of kind k that f raises; anything else it throws propagates; no throw at all is an error. */
function caught<E extends Error>(f: () => unknown, k: new (...args: never[]) => E): E {
  try {
    f();
  } catch (e) {
    if (e instanceof k) return e;
    throw e;
  }
  throw new Error(`expected a ${k.name}, but the call returned`);
}

/** The GoThrow f raises; anything else it throws propagates; no throw at all is an error. */
export function catchThrow(f: () => unknown): GoThrow {
  return caught(f, GoThrow);
}

/** The ModelError (the model's refusal of bad input) f raises; anything else it throws propagates; no throw at all is an error. */
export function catchRefusal(f: () => unknown): ModelError {
  return caught(f, ModelError);
}
