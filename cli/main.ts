#!/usr/bin/env node
// mheap-spec: the command line. Subcommands parse their own arguments with
// node:util parseArgs; bad input is one line on stderr and exit status 2.

import { pathToFileURL } from 'node:url';
import { check, checkHelp } from './check.js';
import type { Io } from './io.js';
import { processIo } from './io.js';
import { explain, explainHelp, invariants, invariantsHelp } from './invariants.js';
import { replay, replayHelp } from './replay.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './usage.js';

type Sub = (argv: string[], io: Io) => number;

const subcommands: Record<string, { run: Sub; help: string; summary: string }> = {
  check: { run: check, help: checkHelp, summary: 'run the property campaign and write reports/' },
  replay: { run: replay, help: replayHelp, summary: 're-run a saved counterexample' },
  invariants: { run: invariants, help: invariantsHelp, summary: 'list the invariant catalog' },
  explain: { run: explain, help: explainHelp, summary: 'show one catalog entry' },
  trace: (await import('./trace.js')).traceCommand,
};

export const mainHelp = `usage: mheap-spec <command> [options]

An executable, property-checked specification of the Go runtime's page heap
(runtime/mheap.go and neighbours, go1.21 semantics, linux/amd64 constants).

commands:
${Object.entries(subcommands)
  .map(([k, v]) => `  ${k.padEnd(11)} ${v.summary}`)
  .join('\n')}

Run mheap-spec <command> --help for a command's options.`;

/** Run the CLI; returns the exit status. */
export function main(argv: string[], io: Io): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const sub = subcommands[name];
  try {
    if (sub === undefined || !Object.hasOwn(subcommands, name)) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(subcommands).join(', ')})`);
    return sub.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.err(`mheap-spec: ${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2), processIo());
}
