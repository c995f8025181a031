// A Stryker checker plugin, "tsc7": type-checks mutants with the project's
// tsc before Stryker runs any test on them, as @stryker-mutator/typescript-checker
// would if it could drive TypeScript 7 (it needs TypeScript 5's compiler API).
// A mutant that does not compile is Stryker's CompileError: never run, never
// killed, never a survivor. The check is mutationTypecheck.ts's, one tree per
// mutant; stryker.config.mjs loads this from dist/, so `npm run mutation`
// builds first.
//
// Stryker starts its checker in the project's directory (not the sandbox),
// so the sources the trees copy are the unmutated ones.

import { relative, sep } from 'node:path';
import { CheckStatus, type Checker, type CheckResult } from '@stryker-mutator/api/check';
import type { Mutant } from '@stryker-mutator/api/core';
import { PluginKind, commonTokens, declareClassPlugin, tokens } from '@stryker-mutator/api/plugin';
import type { Logger } from '@stryker-mutator/api/logging';
import { MutantTrees, type MutantToCheck } from './mutationTypecheck.js';

/** Tree files per tsc run: a few seconds each, so test runs start soon and the checker's results stream. */
const treeFilesPerGroup = 1500;

/** A mutant's file as the trees name it: ROOT-relative, '/'-separated. */
const fileOf = (root: string, m: Pick<Mutant, 'fileName'>): string => relative(root, m.fileName).split(sep).join('/');

/** Stryker's positions are 0-based lines and columns; the report's (and applyMutant's) are 1-based. */
export function toChecked(root: string, m: Pick<Mutant, 'fileName' | 'location' | 'replacement'>, source: string): MutantToCheck {
  const at = (p: { line: number; column: number }): { line: number; column: number } => ({ line: p.line + 1, column: p.column + 1 });
  return { file: fileOf(root, m), source, mutant: { location: { start: at(m.location.start), end: at(m.location.end) }, replacement: m.replacement } };
}

export class TscChecker implements Checker {
  static inject = tokens(commonTokens.logger);
  private trees: MutantTrees | undefined;

  constructor(private readonly log: Logger) {}

  /** The scratch copy of the sources, project-relative. */
  protected readonly scratch: string = '.cache/mutation-check';

  async init(): Promise<void> {
    this.trees = new MutantTrees('.', this.scratch);
  }

  async group(mutants: Mutant[]): Promise<string[][]> {
    const trees = this.trees!;
    const files = mutants.map((m) => ({ id: m.id, file: fileOf(trees.root, m) }));
    return trees.batchesOf(files, treeFilesPerGroup).map((g) => g.map((m) => m.id));
  }

  async check(mutants: Mutant[]): Promise<Record<string, CheckResult>> {
    const trees = this.trees!;
    const t0 = performance.now();
    const errors = trees.check(mutants.map((m) => toChecked(trees.root, m, trees.sourceOf(fileOf(trees.root, m)))));
    const out: Record<string, CheckResult> = {};
    mutants.forEach((m, k) => (out[m.id] = errors[k] === undefined ? { status: CheckStatus.Passed } : { status: CheckStatus.CompileError, reason: errors[k] }));
    this.log.info(`tsc7: ${mutants.length} mutants, ${errors.filter((e) => e !== undefined).length} do not compile (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return out;
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, 'tsc7', TscChecker)];
