// The fast-check floor: a trivial counter model with three commands under
// fc.commands({ size: 'max' }) + fc.modelRun, measured in the same run as
// the real suites, so "checked steps per second" has something to stand by.

import fc from 'fast-check';

interface Counter {
  n: number;
  steps: number;
}

class Inc implements fc.Command<Counter, Counter> {
  check = (): boolean => true;
  run(m: Counter, r: Counter): void {
    m.n++;
    r.n++;
    r.steps++;
  }
  toString = (): string => 'inc';
}
class Dec implements fc.Command<Counter, Counter> {
  check = (m: Readonly<Counter>): boolean => m.n > 0;
  run(m: Counter, r: Counter): void {
    m.n--;
    r.n--;
    r.steps++;
  }
  toString = (): string => 'dec';
}
class Get implements fc.Command<Counter, Counter> {
  check = (): boolean => true;
  run(m: Counter, r: Counter): void {
    if (m.n !== r.n) throw new Error('diverged');
    r.steps++;
  }
  toString = (): string => 'get';
}

/** Executed commands per second of the trivial model over `runs` runs of up to 100 commands. */
export function measureFloor(runs: number, seed: number): { steps: number; ms: number; stepsPerSec: number } {
  let steps = 0;
  const arb = fc.commands([fc.constant(new Inc()), fc.constant(new Dec()), fc.constant(new Get())], { maxCommands: 100, size: 'max' });
  const t0 = performance.now();
  fc.assert(
    fc.property(arb, (cmds) => {
      const real = { n: 0, steps: 0 };
      fc.modelRun(() => ({ model: { n: 0, steps: 0 }, real }), cmds);
      steps += real.steps;
    }),
    { numRuns: runs, seed },
  );
  const ms = performance.now() - t0;
  return { steps, ms, stepsPerSec: Math.round((steps / ms) * 1000) };
}
