// A stand-in for @fast-check/vitest in mutation runs only
// (vitest.mutation.config.ts aliases the package to this file).
//
// Why: importing @fast-check/vitest 0.5.0 under vitest 4.1 costs 4-6 s per
// vitest run (its buildTest enriches every chain of vitest's test modifiers,
// recursively), and Stryker starts a fresh vitest run for every mutant, so
// the import alone would cost more than all the tests a mutant runs.
// This keeps the one API the tests use, `test.prop([arbitraries], params?)(name, fn)`:
// fc.assert of fc.property over the arbitraries, under fast-check's global
// configuration (the seed vitest.setup.ts sets), inside a plain vitest test.

import fc from 'fast-check';
import { test as vitestTest } from 'vitest';

export { fc };

type Arbs = readonly fc.Arbitrary<unknown>[];

function prop<Ts extends unknown[]>(arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, params?: fc.Parameters<Ts>) {
  return (name: string, fn: (...args: Ts) => boolean | void, timeout?: number): void => {
    vitestTest(name, () => {
      const property = (fc.property as unknown as (...a: unknown[]) => fc.IProperty<Ts>)(...(arbs as unknown as Arbs), fn);
      fc.assert(property, params);
    }, timeout);
  };
}

/** vitest's test, plus test.prop. */
export const test = new Proxy(vitestTest, {
  get(target, key, receiver) {
    return key === 'prop' ? prop : Reflect.get(target, key, receiver);
  },
}) as typeof vitestTest & { prop: typeof prop };

export const it = test;
