import { relative } from 'node:path';
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * A fixed order, cheapest first, so a mutant a unit test kills never waits
 * for a campaign: the unit tests, Go's own test tables, the suites'
 * programs, then the short campaigns. (vitest's own order puts last run's failures and its longest
 * files first, which would change from mutant to mutant.)
 */
class CheapestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): string => {
      const path = relative(f.project.config.root, f.moduleId);
      return `${path.endsWith('properties/mutation.test.ts') ? 3 : path.startsWith('properties/') ? 2 : path.startsWith('conformance/') ? 1 : 0}:${path}`;
    };
    return [...files].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  }
}

// The test command Stryker runs for each mutant (stryker.config.mjs): the
// unit tests next to the model and the spec, Go's own test tables, plus
// short deterministic campaigns of every suite (properties/mutation.test.ts). Threads without
// isolation: one warm worker runs test after test, so a mutant costs only
// the tests that cover it (coverageAnalysis 'perTest'), not a fork per file.
export default defineConfig({
  // See testing/fastCheckVitest.ts: the real package's import costs seconds per run.
  resolve: { alias: { '@fast-check/vitest': new URL('./testing/fastCheckVitest.ts', import.meta.url).pathname } },
  test: {
    // Plus Go's own test tables (conformance/gotables), the suites' fixed programs (sweep races,
    // the overlap check) and the regression corpus; their long campaigns skip themselves when
    // MHEAP_SPEC_MUTATION_RUN is set (testing/mutationRun.ts).
    include: [
      'model/**/*.test.ts',
      'spec/**/*.test.ts',
      'conformance/gotables/*.gotables.test.ts',
      'properties/mutation.test.ts',
      'properties/sweep/sweep.test.ts',
      'properties/mheap/faults.test.ts',
      'properties/corpus.test.ts',
    ],
    exclude: [...configDefaults.exclude, '.stryker-tmp/**'],
    setupFiles: ['./vitest.setup.ts'],
    env: { MHEAP_SPEC_MUTATION_RUN: '1' },
    pool: 'threads',
    isolate: false,
    sequence: { sequencer: CheapestFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
