// mheap-spec replay FILE: re-run a saved counterexample exactly and print
// the Go-like trace with what each step changed, then the failing rule.

import { appliedMutant } from '../mutants/applied.js';
import { ReplayFileError, formatReplay, readCounterexample, replayCounterexample } from '../properties/harness/replay.js';
import { parseFlags } from './flags.js';
import { runInMutantSync } from './inMutant.js';
import type { Io } from './io.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage.js';

export const replayHelp = `usage: mheap-spec replay FILE

Re-run the counterexample saved in FILE (a reports/counterexamples/*.json)
exactly: the same commands on a fresh model, printed as a Go-like program
with, under each step, what changed; then the rule that fails, with its Go
citation.

A replay file is JSON: {"format": "mheap-spec/counterexample@1", "suite": NAME,
"commands": [{"name": COMMAND, "args": [...]}, ...]} and, as a campaign
saves it, the recorded failure, program, seed and path (not needed in a
file written by hand). Each command's arguments are checked against its
declared count and ranges; docs/replay-files.md lists them all.

exit status: 0 the counterexample no longer fails, 1 it still fails, 2 bad input`;

export function replay(argv: string[], io: Io): number {
  const { values, positionals } = parseFlags(argv, { help: { type: 'boolean' } }, true);
  if (values.help === true) {
    io.out(replayHelp + '\n');
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('replay wants exactly one FILE');
  let cx;
  try {
    cx = readCounterexample(positionals[0]!);
  } catch (e) {
    if (e instanceof ReplayFileError) throw new UsageError(e.message);
    throw e;
  }
  // A mutant's counterexample replays on that mutant's build.
  if (cx.mutant !== appliedMutant()) {
    if (cx.mutant === null) throw new UsageError(`${positionals[0]!} was found on the real model; this is mutant ${appliedMutant()!}'s build`);
    return runInMutantSync(cx.mutant, ['replay', ...argv], io);
  }
  const r = replayCounterexample(cx);
  io.out(formatReplay(cx, r));
  return r.failure === undefined ? EXIT_OK : EXIT_FAILED;
}
