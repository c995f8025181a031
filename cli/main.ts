#!/usr/bin/env -S node --single-threaded-gc --no-allocation-site-pretenuring
// mheap-spec: the command line. Subcommands parse their own arguments with
// node:util parseArgs; bad input is one line on stderr and exit status 2.
// Node runs it with CAMPAIGN_NODE_FLAGS (pool.ts): npm start and the bench
// pass them too.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { check, checkHelp } from './check.js';
import { docs, docsHelp } from './docs.js';
import type { Io } from './io.js';
import { processIo } from './io.js';
import { explain, explainHelp, invariants, invariantsHelp } from './invariants.js';
import { merge, mergeHelp } from './merge.js';
import { mutants, mutantsHelp } from './mutants.js';
import { mutationReport, mutationReportHelp } from './mutationReport.js';
import { replay, replayHelp } from './replay.js';
import { EXIT_OK, EXIT_USAGE, UsageError, unknown } from './usage.js';

interface Sub {
  run(argv: string[], io: Io): number | Promise<number>;
  help: string;
  summary: string;
  /** Runs asynchronously (worker threads, Ctrl-C): only through cli(). */
  async?: boolean;
}

const subcommands: Record<string, Sub> = {
  check: { run: check, help: checkHelp, summary: 'run the property campaign (the canonical one writes reports/, others runs/)', async: true },
  replay: { run: replay, help: replayHelp, summary: 're-run a saved counterexample' },
  invariants: { run: invariants, help: invariantsHelp, summary: 'list the invariant catalog' },
  explain: { run: explain, help: explainHelp, summary: 'show one catalog entry' },
  merge: { run: merge, help: mergeHelp, summary: 'merge the reports of a sharded campaign (check --shard k/n)' },
  mutants: { run: mutants, help: mutantsHelp, summary: 'run the suites against every named mutant (reports/mutants.md)', async: true },
  docs: { run: docs, help: docsHelp, summary: 'generate reports/invariants.md, reports/heap.md, docs/replay-files.md (--check: fail if stale)' },
  'mutation-report': { run: mutationReport, help: mutationReportHelp, summary: "write reports/mutation.md from Stryker's JSON report (npm run mutation)" },
  trace: (await import('./trace.js')).traceCommand,
  pagetrace: (await import('./pagetrace.js')).pagetraceCommand,
};

export const mainHelp = `usage: mheap-spec <command> [options]

An executable, property-checked specification of the Go runtime's page heap
(runtime/mheap.go and neighbours, go1.21 semantics, linux/amd64 constants).

commands:
${Object.entries(subcommands)
  .map(([k, v]) => `  ${k.padEnd(Math.max(11, ...Object.keys(subcommands).map((n) => n.length)))} ${v.summary}`)
  .join('\n')}

Run mheap-spec <command> --help for a command's options.`;

/** The subcommand and its arguments, or the exit status of a help request. */
function lookup(argv: string[], io: Io): { sub: Sub; rest: string[] } | number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const sub = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (sub === undefined) throw unknown('command', 'commands', name, Object.keys(subcommands));
  return { sub, rest };
}

function usageExit(e: unknown, io: Io): number {
  if (e instanceof UsageError || isParseArgsError(e)) {
    io.err(`mheap-spec: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  throw e;
}

/** Run the CLI; resolves to the exit status. The binary's entry point. */
export async function cli(argv: string[], io: Io): Promise<number> {
  try {
    const l = lookup(argv, io);
    return typeof l === 'number' ? l : await l.sub.run(l.rest, io);
  } catch (e) {
    return usageExit(e, io);
  }
}

/** The synchronous commands (all but check), returning the exit status at once: for tests. */
export function main(argv: string[], io: Io): number {
  try {
    const l = lookup(argv, io);
    if (typeof l === 'number') return l;
    if (l.sub.async === true) throw new Error(`mheap-spec ${argv[0]} runs asynchronously: call cli(), not main()`);
    return l.sub.run(l.rest, io) as number;
  } catch (e) {
    return usageExit(e, io);
  }
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Whether this module is the program (run directly, or through a bin symlink as npx and npm link make). */
function isProgram(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProgram()) {
  process.exitCode = await cli(process.argv.slice(2), processIo());
}
