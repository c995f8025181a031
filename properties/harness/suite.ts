// A stateful suite: a world (the model under test and its shadow), commands
// that drive both, and the catalog checked after every step.
//
// Commands take positional, small integer arguments (indices are taken
// modulo what is live), so a shrunk or edited sequence stays meaningful and
// a saved counterexample is just names and numbers.

import type fc from 'fast-check';
import type { Catalog } from '../../spec/catalog.js';

/** What one executed command did, for the checker and the printer. */
export interface Executed<Step> {
  /** What the catalog's action properties and witnesses look at. */
  readonly step: Step;
  /** The Go-like statement, e.g. `a1, _ := p.alloc(3)`. */
  readonly go: string;
  /** Its result, printed as a trailing comment, e.g. `a1 = 0x3000000000, scav = 0`. */
  readonly comment: string;
}

/**
 * One positional argument of a command: its name, the whole numbers it
 * takes, and what it means. Replay files are validated against these (one
 * clear line for a wrong count or a value out of range), `mheap-spec docs`
 * lists them, and a test checks the generator stays inside them.
 */
export interface Param {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly doc: string;
}

export interface CommandDef<W, Step> {
  /** The Go entry point it drives, e.g. "alloc". */
  readonly name: string;
  /** What it does, in one line (for the replay-file documentation). */
  readonly doc: string;
  /** Relative frequency in generated sequences. */
  readonly weight: number;
  /** Its positional arguments, declared. */
  readonly params: readonly Param[];
  /** Positional integer arguments, as generated: always params.length values, each within its Param's range. */
  readonly args: fc.Arbitrary<number[]>;
  /** The Go call it is about to make, e.g. `p.alloc(641)` (printed when the call throws). */
  call(w: W, args: readonly number[]): string;
  /** Whether it can run now (e.g. free needs a live allocation). */
  applies(w: W, args: readonly number[]): boolean;
  /** Run it on the model and the shadow. Never asserts: the runner checks the catalog. */
  run(w: W, args: readonly number[]): Executed<Step>;
}

export interface Suite<W, S, Step> {
  /** The suite's name, e.g. "pagealloc"; counterexample files are named after it. */
  readonly name: string;
  /** One line: what it drives. */
  readonly title: string;
  readonly commands: readonly CommandDef<W, Step>[];
  readonly catalog: Catalog<W, S, Step>;
  /** Default sequence length. */
  readonly maxCommands: number;
  /** A fresh world. */
  newWorld(): W;
  /** Go-like lines before the first step (e.g. `p := newPageAlloc()`). */
  prelude(w: W): string[];
  /** The small projection action properties see. */
  snapshot(w: W): S;
  /** A few named figures of the world, for replay's per-step "what changed" (e.g. free pages). */
  figures(w: W): Record<string, string | number>;
  /** Optional state coverage, counted over committed runs and shown in coverage.md. */
  readonly coverage?: Coverage<W, S, Step>;
}

/**
 * State coverage: after each executed step the runner counts the labels the
 * suite returns. A label is `group: key` (a table row) or `group: row × col`
 * (a matrix cell); the groups say how coverage.md lays them out.
 */
export interface Coverage<W, S, Step> {
  readonly groups: readonly CoverageGroup[];
  labels(before: S, after: S, step: Step, world: W): Iterable<string>;
}

/**
 * How coverage.md shows a group. Declared keys, rows and columns are listed
 * even when never counted (a 0 is the news); others seen are appended.
 * A state diagram draws the edges `from → to` of another group (summed over
 * its columns) as a Mermaid stateDiagram with the counts on the edges.
 */
export type CoverageGroup =
  | { readonly layout: 'table'; readonly name: string; readonly title: string; readonly keys?: readonly string[] }
  | {
      readonly layout: 'matrix';
      readonly name: string;
      readonly title: string;
      readonly rows?: readonly string[];
      readonly cols?: readonly string[];
      /** Why a cell can never be reached (shown as such, with the reason), or undefined for a reachable one. */
      readonly unreachable?: (row: string, col: string) => string | undefined;
    }
  | { readonly layout: 'stateDiagram'; readonly name: string; readonly title: string; readonly source: string; readonly states: readonly string[]; readonly edges?: readonly (readonly [string, string])[] };

/** A coverage label: `group: key` or `group: row × col`. */
export function coverageLabel(group: string, ...keys: string[]): string {
  return `${group}: ${keys.join(' × ')}`;
}

/** A command as data: what counterexample files and the corpus store. */
export interface CommandCall {
  readonly name: string;
  readonly args: readonly number[];
}

/** Any suite, for registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySuite = Suite<any, any, any>;
