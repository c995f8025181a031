// StrykerJS over model/: `npm run mutation` (README, "Mutation score").
// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['model/**/*.ts', '!model/**/*.test.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // TypeScript 7 no longer exports the classic compiler API: Stryker's tsconfig
  // preprocessor calls ts.parseConfigFileTextToJson and fails on an existing
  // tsconfig, so point it at none (the sandbox needs no rewritten tsconfig:
  // vitest resolves the .js imports itself).
  tsconfigFile: 'tsconfig.stryker-none.json',
  // Not @stryker-mutator/typescript-checker, which needs the TypeScript 5
  // compiler API: cli/strykerChecker.ts ("tsc7", built to dist/ by `npm run
  // mutation`) type-checks each mutant with the project's tsc, and one that
  // does not compile is a CompileError, never run. Vitest's transform strips
  // types without checking them, so without it such a mutant would run and
  // could count as killed (README).
  plugins: ['@stryker-mutator/vitest-runner', './dist/cli/strykerChecker.js'],
  checkers: ['tsc7'],
  concurrency: 1,
  reporters: ['json', 'clear-text', 'progress'],
  // Both git-ignored: the incremental file is the whole report (sources, every
  // mutant, every test's coverage), several MB for model/ and rewritten by
  // every run, so it is kept per checkout, not committed; reports/mutation.md
  // is the committed result.
  jsonReporter: { fileName: '.cache/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  incremental: true,
  incrementalFile: '.cache/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'reports', 'scratch', 'runs', '.cache', 'docs'],
};
