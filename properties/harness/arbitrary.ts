// A suite's commands as fast-check commands: each drives one RunContext,
// which runs the command and checks the whole catalog.

import fc from 'fast-check';
import type { RunContext } from './runner.js';
import type { CommandDef, Suite } from './suite.js';

/** The world a fast-check run drives: one RunContext, created by the setup. */
export interface Box<W, S, Step> {
  ctx: RunContext<W, S, Step>;
}

class SuiteCommand<W, S, Step> implements fc.Command<Box<W, S, Step>, Box<W, S, Step>> {
  constructor(
    readonly def: CommandDef<W, Step>,
    readonly args: number[],
  ) {}

  check(m: Readonly<Box<W, S, Step>>): boolean {
    return this.def.applies(m.ctx.world, this.args);
  }

  run(m: Box<W, S, Step>): void {
    m.ctx.exec(this.def, this.args);
  }

  toString(): string {
    return `${this.def.name}(${this.args.join(',')})`;
  }
}

/** The fast-check arbitrary of a suite's command sequences. */
export function commandsArbitrary<W, S, Step>(suite: Suite<W, S, Step>, maxCommands: number, replayPath?: string) {
  const arbs: fc.Arbitrary<fc.Command<Box<W, S, Step>, Box<W, S, Step>>>[] = [];
  for (const def of suite.commands) {
    const arb = def.args.map((args) => new SuiteCommand<W, S, Step>(def, args));
    for (let i = 0; i < def.weight; i++) arbs.push(arb);
  }
  // size 'max': without it sequences stay near 10 commands whatever maxCommands says.
  return fc.commands(arbs, replayPath === undefined ? { maxCommands, size: 'max' } : { maxCommands, size: 'max', replayPath });
}
