// The one runner: executes commands on a world and checks every catalog
// entry after every executed step. The first entry that fails ends the run
// with a Failure naming it; a model throw in a legal run is a failure too.

import { GoThrow, ModelError } from '../../model/throw.js';
import type { GoCitation } from '../../spec/catalog.js';
import { CheckScope, formatCitation } from '../../spec/catalog.js';
import type { CommandCall, CommandDef, Suite } from './suite.js';

/** One printed line of a run: the Go-like statement and its result. */
export interface TraceLine {
  readonly go: string;
  readonly comment: string;
  /** Named figures after the step (filled when replaying). */
  readonly figures?: Record<string, string | number>;
}

/** What failed, in the catalog's words. */
export interface FailureInfo {
  /** Catalog ID, or `throw("...")` / `ModelError` for a model that refused a legal step. */
  readonly id: string;
  readonly kind: 'state' | 'action' | 'throw';
  /** "spec/... · runtime/FILE.go · symbol @ go1.21". */
  readonly where: string;
  /** Why, in one sentence. */
  readonly why: string;
  /** Index (0-based) of the step after which it failed; -1 for the initial state. */
  readonly step: number;
  /** The other catalog rules false at the same step (the step's action properties, then the state invariants after it), in catalog order. */
  readonly alsoViolated?: readonly string[];
}

/** The rules a step broke: the first, with why, and the others' ids. */
interface Violations {
  first?: FailureInfo;
  readonly also: string[];
}

/** Thrown out of a run so fast-check shrinks it; carries the run's trace. */
export class Failure extends Error {
  constructor(
    readonly info: FailureInfo,
    readonly prelude: readonly string[],
    readonly trace: readonly TraceLine[],
    readonly executed: readonly CommandCall[],
  ) {
    super(`FAIL ${info.id}: ${info.why}`);
  }
}

/** Per-entry counts, across runs. */
export class Stats {
  runs = 0;
  steps = 0;
  /** Steps run while shrinking (counted in steps too). */
  shrinkSteps = 0;
  readonly checked = new Map<string, number>();
  readonly violated = new Map<string, number>();
  /** Runs in which each witness was reached (committed runs only). */
  readonly witnessRuns = new Map<string, number>();
  /** Times each witness was reached (committed runs only). */
  readonly witnessHits = new Map<string, number>();
  readonly commandCounts = new Map<string, number>();
  /** Coverage labels counted (committed runs only; see Suite.coverage). */
  readonly coverage = new Map<string, number>();
  /** True once a run failed: later runs are shrink attempts and do not count as runs. */
  failed = false;

  add(m: Map<string, number>, k: string, n = 1): void {
    m.set(k, (m.get(k) ?? 0) + n);
  }

  /** Add another Stats' counts to these (batches merge in batch order). */
  merge(o: StatsData): void {
    this.runs += o.runs;
    this.steps += o.steps;
    this.shrinkSteps += o.shrinkSteps;
    this.failed ||= o.failed;
    for (const k of countKeys) for (const [id, n] of Object.entries(o[k])) this.add(this[k], id, n);
  }

  /** Plain data (for worker messages and reports). */
  toData(): StatsData {
    const obj = (m: Map<string, number>): Record<string, number> => Object.fromEntries(m);
    return { runs: this.runs, steps: this.steps, shrinkSteps: this.shrinkSteps, failed: this.failed, checked: obj(this.checked), violated: obj(this.violated), witnessRuns: obj(this.witnessRuns), witnessHits: obj(this.witnessHits), commandCounts: obj(this.commandCounts), coverage: obj(this.coverage) };
  }

  static fromData(d: StatsData): Stats {
    const s = new Stats();
    s.merge(d);
    return s;
  }
}

const countKeys = ['checked', 'violated', 'witnessRuns', 'witnessHits', 'commandCounts', 'coverage'] as const;

/** Stats as plain data. */
export interface StatsData {
  readonly runs: number;
  readonly steps: number;
  readonly shrinkSteps: number;
  readonly failed: boolean;
  readonly checked: Readonly<Record<string, number>>;
  readonly violated: Readonly<Record<string, number>>;
  readonly witnessRuns: Readonly<Record<string, number>>;
  readonly witnessHits: Readonly<Record<string, number>>;
  readonly commandCounts: Readonly<Record<string, number>>;
  readonly coverage: Readonly<Record<string, number>>;
}

function citation(specFile: string, go: GoCitation): string {
  return `${specFile} · ${formatCitation(go)}`;
}

/** One run: a fresh world, the steps executed so far, and the checker. */
export class RunContext<W, S, Step> {
  readonly world: W;
  readonly trace: TraceLine[] = [];
  readonly executed: CommandCall[] = [];
  private readonly prelude: string[];
  private readonly witnessReached = new Map<string, number>();
  private readonly commandsRun = new Map<string, number>();
  private readonly covered = new Map<string, number>();
  /** Evaluations of each catalog predicate in this run, counted as they happen (by place in the catalog: a map by id costs more than many rules). */
  private readonly stateEvaluated: Float64Array;
  private readonly actionEvaluated: Float64Array;
  private checks = 0;
  /** The snapshot after the last step (undefined before the first, and after a step that threw). */
  private lastSnapshot: S | undefined;

  constructor(
    readonly suite: Suite<W, S, Step>,
    private readonly stats: Stats,
    private readonly withFigures = false,
  ) {
    this.stateEvaluated = new Float64Array(suite.catalog.state.length);
    this.actionEvaluated = new Float64Array(suite.catalog.action.length);
    this.world = suite.newWorld();
    this.prelude = suite.prelude(this.world);
    this.checkOrFail(this.checkState(-1));
  }

  /** Execute one command and check the whole catalog. Throws Failure. */
  exec(cmd: CommandDef<W, Step>, args: readonly number[]): void {
    const { suite, world } = this;
    const index = this.executed.length;
    this.executed.push({ name: cmd.name, args: [...args] });
    this.commandsRun.set(cmd.name, (this.commandsRun.get(cmd.name) ?? 0) + 1);
    // Nothing changes the world between steps: the last step's after is this one's before.
    const before = this.lastSnapshot ?? suite.snapshot(world);
    this.lastSnapshot = undefined;
    let ex;
    try {
      ex = cmd.run(world, args);
    } catch (e) {
      if (e instanceof GoThrow || e instanceof ModelError) {
        let call = `${cmd.name}(${args.join(', ')})`;
        try {
          call = cmd.call(world, args);
        } catch {
          // keep the plain form
        }
        this.trace.push({ go: call, comment: e.message });
        const id = e instanceof GoThrow ? `throw(${JSON.stringify(e.goMessage)})` : 'ModelError';
        const where = e instanceof GoThrow ? e.site : e.op;
        this.fail({ id, kind: 'throw', where, why: e instanceof GoThrow ? e.detail || e.goMessage : e.reason, step: index });
      }
      throw e;
    }
    const line: TraceLine = this.withFigures ? { go: ex.go, comment: ex.comment, figures: suite.figures(world) } : { go: ex.go, comment: ex.comment };
    this.trace.push(line);
    const after = suite.snapshot(world);
    this.lastSnapshot = after;
    this.stats.steps++;
    if (this.stats.failed) this.stats.shrinkSteps++;
    // Every rule is evaluated; the first that fails is the failure, the others ride along.
    const failed: Violations = { also: [] };
    const actions = suite.catalog.action;
    for (let k = 0; k < actions.length; k++) {
      const a = actions[k]!;
      this.checks++;
      this.actionEvaluated[k]!++;
      let ok: boolean;
      try {
        ok = a.holds(before, after, ex.step);
      } catch {
        ok = false;
      }
      if (!ok && failed.first !== undefined) failed.also.push(a.id);
      else if (!ok) {
        let why = '';
        try {
          why = a.why?.(before, after, ex.step) ?? '';
        } catch (e) {
          why = `(why threw: ${String(e)})`;
        }
        failed.first = { id: a.id, kind: 'action', where: citation(a.specFile, a.go), why, step: index };
      }
    }
    this.checkOrFail(this.checkState(index, failed));
    for (const w of suite.catalog.witness) {
      let hit = false;
      try {
        hit = w.reached(before, after, ex.step);
      } catch {
        hit = false;
      }
      if (hit) this.witnessReached.set(w.id, (this.witnessReached.get(w.id) ?? 0) + 1);
    }
    if (suite.coverage !== undefined) for (const l of suite.coverage.labels(before, after, ex.step, world)) this.covered.set(l, (this.covered.get(l) ?? 0) + 1);
  }

  /** Fail with the first violation, if any, naming the others. */
  private checkOrFail(v: Violations): void {
    if (v.first !== undefined) this.fail(v.also.length === 0 ? v.first : { ...v.first, alsoViolated: v.also });
  }

  private checkState(index: number, failed: Violations = { also: [] }): Violations {
    const scope = new CheckScope();
    const state = this.suite.catalog.state;
    for (let k = 0; k < state.length; k++) {
      const inv = state[k]!;
      this.checks++;
      this.stateEvaluated[k]!++;
      let ok: boolean;
      try {
        ok = inv.holds(this.world, scope);
      } catch {
        ok = false;
      }
      if (!ok && failed.first !== undefined) failed.also.push(inv.id);
      else if (!ok) {
        let why = '';
        try {
          why = inv.why?.(this.world) ?? '';
        } catch (e) {
          why = `(why threw: ${String(e)})`;
        }
        failed.first = { id: inv.id, kind: 'state', where: citation(inv.specFile, inv.go), why, step: index };
      }
    }
    return failed;
  }

  private fail(info: FailureInfo): never {
    this.stats.add(this.stats.violated, info.id);
    this.stats.failed = true;
    throw new Failure(info, this.prelude, this.trace, this.executed);
  }

  /** A run ended without failure: its counts join the campaign's (unless it is a shrink attempt). */
  commit(): void {
    const s = this.stats;
    if (s.failed) return;
    s.runs++;
    // State entries first (the run's first check came before its first step), as counted.
    this.suite.catalog.state.forEach((e, k) => {
      if (this.stateEvaluated[k]! > 0) s.add(s.checked, e.id, this.stateEvaluated[k]!);
    });
    this.suite.catalog.action.forEach((e, k) => {
      if (this.actionEvaluated[k]! > 0) s.add(s.checked, e.id, this.actionEvaluated[k]!);
    });
    for (const [id, n] of this.witnessReached) {
      s.add(s.witnessRuns, id);
      s.add(s.witnessHits, id, n);
    }
    for (const [name, n] of this.commandsRun) s.add(s.commandCounts, name, n);
    for (const [l, n] of this.covered) s.add(s.coverage, l, n);
  }

  /** Catalog predicate evaluations in this run. */
  get checkCount(): number {
    return this.checks;
  }

  /** The Go-like prelude of this run. */
  get preludeLines(): readonly string[] {
    return this.prelude;
  }
}
