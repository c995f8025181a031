// The invariant catalog's shape: one entry per rule, named as a claim.
//
// Three kinds, as in TLA+ and Quint:
// - state:   a predicate over the whole state, true after every step;
// - action:  a predicate over one step (before, after, and what the step did);
// - witness: a predicate over one step that must come true at least once in a
//            campaign, so no suite passes vacuously.
// Predicates are pure and total: they never throw and never mutate. The
// runner treats a predicate that throws anyway as a violation.

/** Where in Go a rule comes from: runtime/FILE.go · symbol @ go1.21. */
export interface GoCitation {
  /** e.g. "runtime/mpagealloc.go". */
  readonly file: string;
  /** e.g. "(*pageAlloc).update" or "type pageAlloc". */
  readonly symbol: string;
  /** The Go version whose text is quoted. */
  readonly version: 'go1.21';
}

interface EntryBase {
  /** The claim's name: catalog ID, test title and report row (e.g. searchAddrIsLowerBound). */
  readonly id: string;
  readonly go: GoCitation;
  /** The Go comment (or throw) the rule formalizes, quoted verbatim and short. */
  readonly quote: string;
  /** The rule in one or two plain sentences. */
  readonly statement: string;
  /** The spec file that defines it, e.g. "spec/pagealloc/invariants.ts". */
  readonly specFile: string;
  /**
   * What the rule checks the model against: something independent of the
   * model (the abstract spec, ghost state the suite keeps, Go's own data or
   * messages). Witnesses say what they watch.
   */
  readonly against: string;
  /** The rule is a refusal of the model (input Go leaves undefined), not a rule of Go. */
  readonly modelRefusal?: true;
  /** The quote joins separate Go lines or comments (they are not one passage). */
  readonly quoteJoined?: true;
}

/**
 * One check of a catalog's state invariants, as the runner makes it after a
 * step: work several entries need (one pass over every chunk, say) is done
 * once per check and shared. Without a scope an entry computes everything
 * itself; the verdict is the same.
 */
export class CheckScope {
  private readonly done = new Map<object, unknown>();

  /** compute()'s result, computed at most once in this scope for key. */
  shared<T>(key: object, compute: () => T): T {
    if (this.done.has(key)) return this.done.get(key) as T;
    const v = compute();
    this.done.set(key, v);
    return v;
  }
}

export interface StateInvariant<W> extends EntryBase {
  readonly kind: 'state';
  readonly holds: (w: W, scope?: CheckScope) => boolean;
  /** Why it does not hold, for the counterexample report (called only after holds returned false). */
  readonly why?: (w: W) => string;
}

export interface ActionProperty<S, Step> extends EntryBase {
  readonly kind: 'action';
  readonly holds: (before: S, after: S, step: Step) => boolean;
  readonly why?: (before: S, after: S, step: Step) => string;
}

export interface Witness<S, Step> extends EntryBase {
  readonly kind: 'witness';
  readonly reached: (before: S, after: S, step: Step) => boolean;
}

/** A suite's whole catalog: W the world (model + shadow), S the snapshot projection, Step what a step did. */
export interface Catalog<W, S, Step> {
  readonly state: readonly StateInvariant<W>[];
  readonly action: readonly ActionProperty<S, Step>[];
  readonly witness: readonly Witness<S, Step>[];
}

export type AnyEntry = StateInvariant<never> | ActionProperty<never, never> | Witness<never, never>;

/** "runtime/mpagealloc.go · (*pageAlloc).update @ go1.21". */
export function formatCitation(c: GoCitation): string {
  return `${c.file} · ${c.symbol} @ ${c.version}`;
}

/** Shorthand for a go1.21 citation. */
export function go(file: string, symbol: string): GoCitation {
  return { file: `runtime/${file}`, symbol, version: 'go1.21' };
}

/** All entries of a catalog, in catalog order. */
export function entries<W, S, Step>(c: Catalog<W, S, Step>): (StateInvariant<W> | ActionProperty<S, Step> | Witness<S, Step>)[] {
  return [...c.state, ...c.action, ...c.witness];
}
