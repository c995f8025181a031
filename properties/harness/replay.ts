// Saved counterexamples: reading them back (strictly: a bad file gets one
// clear error), replaying their commands exactly, and printing what each
// step changed.

import { readFileSync } from 'node:fs';
import { namedMutantIds } from '../../mutants/catalog.js';
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
export function readCounterexample(file: string): ReplayFile {
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

/**
 * A replay file as read: what replay needs (suite, commands, mutant) and,
 * when the file has them, what the campaign recorded (the failure, the
 * program, fast-check's seed and path). A hand-written file needs only
 * format, suite and commands (docs/replay-files.md).
 */
export type ReplayFile = Pick<Counterexample, 'format' | 'suite' | 'mutant' | 'commands'> & Partial<Omit<Counterexample, 'format' | 'suite' | 'mutant' | 'commands'>>;

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** Validate a parsed counterexample object. */
export function parseCounterexample(v: unknown, file: string): ReplayFile {
  const bad = (what: string): never => {
    throw new ReplayFileError(`${file}: ${what}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not an mheap-spec counterexample (not a JSON object)');
  const o = v as Record<string, unknown>;
  if (o.format !== FORMAT) return bad(`not an mheap-spec counterexample (format is ${JSON.stringify(o.format)}, want "${FORMAT}")`);
  if (typeof o.suite !== 'string') return bad('has no suite name');
  const suite = getSuite(o.suite);
  if (suite === undefined) return bad(`names an unknown suite ${JSON.stringify(o.suite)}`);
  const has = (k: string): boolean => o[k] !== undefined;
  if (has('seed') && !Number.isSafeInteger(o.seed)) return bad('seed must be an integer');
  if ((has('path') && typeof o.path !== 'string') || (has('replayPath') && typeof o.replayPath !== 'string')) return bad('path and replayPath must be strings');
  if (has('maxCommands') && (!Number.isSafeInteger(o.maxCommands) || (o.maxCommands as number) < 1)) return bad('maxCommands must be a positive integer');
  const mutant = o.mutant ?? null;
  if (mutant !== null && (typeof mutant !== 'string' || !namedMutantIds.includes(mutant))) return bad(`names an unknown mutant ${JSON.stringify(mutant)}`);
  if (!Array.isArray(o.commands)) return bad('commands must be an array of {name, args}');
  const defs = new Map(suite.commands.map((c) => [c.name, c]));
  const commands: CommandCall[] = o.commands.map((c: unknown, i: number) => {
    const cc = c as Record<string, unknown> | null;
    if (typeof cc !== 'object' || cc === null || typeof cc.name !== 'string' || !Array.isArray(cc.args)) return bad(`command ${i} is not {name, args}`);
    const def = defs.get(cc.name);
    if (def === undefined) return bad(`command ${i} (${cc.name}) is not a command of suite ${suite.name} (commands: ${[...defs.keys()].join(', ')})`);
    const want = def.params;
    const sig = `${cc.name}(${want.map((p) => p.name).join(', ')})`;
    if (cc.args.length !== want.length) return bad(`command ${i} ${sig} takes ${plural(want.length, 'argument')}, got ${cc.args.length}`);
    cc.args.forEach((a: unknown, j: number) => {
      const p = want[j]!;
      if (!Number.isSafeInteger(a) || (a as number) < p.min || (a as number) > p.max) bad(`command ${i} ${sig}: ${p.name} must be a whole number from ${p.min} to ${p.max} (${p.doc}), got ${JSON.stringify(a)}`);
    });
    return { name: cc.name, args: cc.args as number[] };
  });
  const out: Record<string, unknown> = { format: FORMAT, suite: o.suite };
  for (const k of ['seed', 'path', 'replayPath', 'maxCommands']) if (has(k)) out[k] = o[k];
  out.mutant = mutant;
  out.commands = commands;
  if (has('failure')) {
    const f = o.failure as Record<string, unknown> | null;
    if (typeof f !== 'object' || f === null || typeof f.id !== 'string' || typeof f.why !== 'string' || typeof f.where !== 'string' || !Number.isSafeInteger(f.step)) return bad('failure, if given, must be {id, kind, where, why, step} (it is what the campaign recorded; a hand-written file may leave it out)');
    out.failure = f;
  }
  if (has('program')) {
    if (!Array.isArray(o.program) || !o.program.every((l) => typeof l === 'string')) return bad('program, if given, must be an array of lines');
    out.program = o.program;
  }
  return out as unknown as ReplayFile;
}

export interface ReplayResult {
  readonly prelude: readonly string[];
  readonly figures0: Record<string, string | number>;
  readonly trace: readonly TraceLine[];
  /** Commands that no longer applied (the model or suite changed since the file was saved). */
  readonly skipped: readonly number[];
  readonly failure?: FailureInfo;
}

/** Replay a command list on a fresh world of this build's model. */
export function replayCommands(suite: AnySuite, commands: readonly CommandCall[]): ReplayResult {
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
}

/** Replay a saved counterexample on this build's model (its mutant's build, if it names one: cli/replay.ts). */
export function replayCounterexample(cx: ReplayFile): ReplayResult {
  return replayCommands(getSuite(cx.suite)!, cx.commands);
}

/** The replay as printed: the program with, under each step, what changed; then the verdict. */
export function formatReplay(cx: ReplayFile, r: ReplayResult): string {
  const out: string[] = [];
  if (cx.mutant !== null) out.push(`// model mutant in effect: ${cx.mutant}`);
  out.push('// under each step, every figure it changed (page counts in pages, as each figure says; addresses in hex)');
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
    out.push(`PASS: no invariant fails${cx.failure === undefined ? '' : ` any more (the file recorded FAIL ${cx.failure.id})`}`);
  } else {
    out.push(...formatFailure(r.failure));
    if (cx.failure !== undefined && r.failure.id !== cx.failure.id) out.push(`     (the file recorded FAIL ${cx.failure.id})`);
  }
  return out.join('\n') + '\n';
}
