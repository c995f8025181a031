// Deliberate, named deviations from Go, each off by default.
//
// The spec claims every invariant has teeth. The mutation tests prove it:
// they switch one of these on, run a suite, and require the catalog to name
// the broken rule. Each switch is read at exactly one site in the model,
// marked `// mutant: NAME`. Nothing outside tests and the CLI's
// `--mutant` flag may set them.

export interface Mutants {
  /** find: skip the root-level run across summary boundaries (breaks first fit for straddling runs). */
  findIgnoresStraddle: boolean;
  /** find: take the best-fitting leaf chunk instead of the first (breaks first fit). */
  findBestFit: boolean;
  /** update: stop walking up the radix tree after the leaf level (stale inner summaries). */
  updateSkipsParents: boolean;
  /** free: forget to lower searchAddr (pages below it become invisible). */
  freeKeepsSearchAddr: boolean;
  /** scavengeIndex.sysGrow: the go1.21 seed's min update, Go issue 63385 (`haveMin == 0`). */
  sysGrowSeedMin: boolean;
  /** allocNeedsZero: never advance zeroedBase (reused memory is handed out as already zero). */
  allocNeedsZeroKeepsZeroedBase: boolean;
}

const off: Mutants = Object.freeze({
  findIgnoresStraddle: false,
  findBestFit: false,
  updateSkipsParents: false,
  freeKeepsSearchAddr: false,
  sysGrowSeedMin: false,
  allocNeedsZeroKeepsZeroedBase: false,
});

/** The live switches. Read them as `mutant.findBestFit`; change them only through withMutant. */
export const mutant: Mutants = { ...off };

/** The names of all mutants. */
export const mutantNames = Object.keys(off) as (keyof Mutants)[];

/** Run fn with one mutant switched on, restoring it afterwards (even on throw). */
export function withMutant<T>(name: keyof Mutants, fn: () => T): T {
  const was = mutant[name];
  mutant[name] = true;
  try {
    return fn();
  } finally {
    mutant[name] = was;
  }
}

/** Switch one mutant on for the rest of the process (CLI use). */
export function enableMutant(name: keyof Mutants): void {
  mutant[name] = true;
}
