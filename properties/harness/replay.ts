// Saved counterexamples: reading them back (strictly: a bad file gets one
// clear error), replaying their commands exactly, and printing what each
// step changed.

import { readFileSync } from 'node:fs';
import type { Mutants } from '../../model/mutants.js';
import { mutantNames, withMutant } from '../../model/mutants.js';
import { getSuite } from '../registry.js';
import type { Counterexample } from './campaign.js';
import { formatChanges, formatFailure, formatProgram } from './printer.js';
import type { FailureInfo, TraceLine } from './runner.js';
import { Failure, RunContext, Stats } from './runner.js';
import type { AnySuite, CommandCall } from './suite.js';

/** A replay file that cannot be used; the message is the one line the CLI prints. */
export class ReplayFileError extends Error {
  override readonly name = 'ReplayFileError';
}

const FORMAT = 'mheap-spec/counterexample@1';

/** Read and validate a saved counterexample. */
export function readCounterexample(file: string): Counterexample {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReplayFileError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${code ?? String(e)})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ReplayFileError(`${file}: not valid JSON, truncated or damaged (${(e as Error).message})`);
  }
  return parseCounterexample(v, file);
}

/** Validate a parsed counterexample object. */
export function parseCounterexample(v: unknown, file: string): Counterexample {
  const bad = (what: string): never => {
    throw new ReplayFileError(`${file}: ${what}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not an mheap-spec counterexample (not a JSON object)');
  const o = v as Record<string, unknown>;
  if (o.format !== FORMAT) return bad(`not an mheap-spec counterexample (format is ${JSON.stringify(o.format)}, want "${FORMAT}")`);
  if (typeof o.suite !== 'string') return bad('has no suite name');
  const suite = getSuite(o.suite);
  if (suite === undefined) return bad(`names an unknown suite ${JSON.stringify(o.suite)}`);
  if (!Number.isSafeInteger(o.seed)) return bad('seed must be an integer');
  if (typeof o.path !== 'string' || typeof o.replayPath !== 'string') return bad('path and replayPath must be strings');
  if (!Number.isSafeInteger(o.maxCommands) || (o.maxCommands as number) < 1) return bad('maxCommands must be a positive integer');
  if (o.mutant !== null && !mutantNames.includes(o.mutant as keyof Mutants)) return bad(`names an unknown mutant ${JSON.stringify(o.mutant)}`);
  if (!Array.isArray(o.commands)) return bad('commands must be an array');
  const names = new Set(suite.commands.map((c) => c.name));
  const commands: CommandCall[] = o.commands.map((c: unknown, i: number) => {
    const cc = c as Record<string, unknown> | null;
    if (typeof cc !== 'object' || cc === null || typeof cc.name !== 'string' || !Array.isArray(cc.args)) return bad(`command ${i} is not {name, args}`);
    if (!names.has(cc.name)) return bad(`command ${i} (${cc.name}) is not a command of suite ${suite.name}`);
    if (!cc.args.every((a: unknown) => Number.isSafeInteger(a) && (a as number) >= 0)) return bad(`command ${i} (${cc.name}) has arguments that are not non-negative integers`);
    return { name: cc.name, args: cc.args as number[] };
  });
  const f = o.failure as Record<string, unknown> | null;
  if (typeof f !== 'object' || f === null || typeof f.id !== 'string' || typeof f.why !== 'string' || typeof f.where !== 'string' || !Number.isSafeInteger(f.step)) return bad('failure must be {id, kind, where, why, step}');
  if (!Array.isArray(o.program) || !o.program.every((l) => typeof l === 'string')) return bad('program must be an array of lines');
  return {
    format: FORMAT,
    suite: o.suite,
    seed: o.seed as number,
    path: o.path,
    replayPath: o.replayPath,
    maxCommands: o.maxCommands as number,
    mutant: o.mutant as keyof Mutants | null,
    commands,
    failure: f as unknown as FailureInfo,
    program: o.program as string[],
  };
}

export interface ReplayResult {
  readonly prelude: readonly string[];
  readonly figures0: Record<string, string | number>;
  readonly trace: readonly TraceLine[];
  /** Commands that no longer applied (the model or suite changed since the file was saved). */
  readonly skipped: readonly number[];
  readonly failure?: FailureInfo;
}

/** Replay a command list on a fresh world (with the counterexample's mutant, if any). */
export function replayCommands(suite: AnySuite, commands: readonly CommandCall[], mutant: keyof Mutants | null): ReplayResult {
  const run = (): ReplayResult => {
    const skipped: number[] = [];
    let ctx: RunContext<unknown, unknown, unknown> | undefined;
    let figures0: Record<string, string | number> = {};
    try {
      ctx = new RunContext(suite, new Stats(), true);
      figures0 = suite.figures(ctx.world);
      const defs = new Map(suite.commands.map((c) => [c.name, c]));
      commands.forEach((c, i) => {
        const def = defs.get(c.name)!;
        if (!def.applies(ctx!.world, c.args)) skipped.push(i);
        else ctx!.exec(def, c.args);
      });
      return { prelude: ctx.preludeLines, figures0, trace: ctx.trace, skipped };
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      return { prelude: e.prelude, figures0, trace: e.trace, skipped, failure: e.info };
    }
  };
  return mutant === null ? run() : withMutant(mutant, run);
}

/** Replay a saved counterexample. */
export function replayCounterexample(cx: Counterexample): ReplayResult {
  return replayCommands(getSuite(cx.suite)!, cx.commands, cx.mutant);
}

/** The replay as printed: the program with, under each step, what changed; then the verdict. */
export function formatReplay(cx: Counterexample, r: ReplayResult): string {
  const out: string[] = [];
  if (cx.mutant !== null) out.push(`// model mutant in effect: ${cx.mutant}`);
  out.push(...formatProgram(r.prelude, []));
  let prev: Record<string, string | number> | undefined = r.figures0;
  for (const t of r.trace) {
    out.push(...formatProgram([], [t]));
    const changes = formatChanges(prev, t.figures);
    if (changes !== '') out.push(`    //   ${changes}`);
    prev = t.figures ?? prev;
  }
  for (const i of r.skipped) out.push(`// step ${i} (${cx.commands[i]!.name}) no longer applies and was skipped`);
  if (r.failure === undefined) {
    out.push(`PASS: no invariant fails any more (the file recorded FAIL ${cx.failure.id})`);
  } else {
    out.push(...formatFailure(r.failure));
    if (r.failure.id !== cx.failure.id) out.push(`     (the file recorded FAIL ${cx.failure.id})`);
  }
  return out.join('\n') + '\n';
}
