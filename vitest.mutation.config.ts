import { configDefaults, defineConfig } from 'vitest/config';

// The test command Stryker runs for each mutant (stryker.config.mjs): the
// unit tests next to the model and the spec, plus short deterministic
// campaigns of every suite (properties/mutation.test.ts). Threads without
// isolation: one warm worker runs test after test, so a mutant costs only
// the tests that cover it (coverageAnalysis 'perTest'), not a fork per file.
export default defineConfig({
  // See testing/fastCheckVitest.ts: the real package's import costs seconds per run.
  resolve: { alias: { '@fast-check/vitest': new URL('./testing/fastCheckVitest.ts', import.meta.url).pathname } },
  test: {
    // Plus the suites' own fixed programs (sweep races, the overlap check) and the regression corpus;
    // their long campaigns skip themselves when MHEAP_SPEC_MUTATION_RUN is set (testing/mutationRun.ts).
    include: ['model/**/*.test.ts', 'spec/**/*.test.ts', 'properties/mutation.test.ts', 'properties/sweep/sweep.test.ts', 'properties/mheap/faults.test.ts', 'properties/corpus.test.ts'],
    exclude: [...configDefaults.exclude, '.stryker-tmp/**'],
    setupFiles: ['./vitest.setup.ts'],
    env: { MHEAP_SPEC_MUTATION_RUN: '1' },
    pool: 'threads',
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
