import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests sit next to the file they test; stateful suites live in properties/.
export default defineConfig({
  test: {
    include: ['model/**/*.test.ts', 'spec/**/*.test.ts', 'properties/**/*.test.ts', 'cli/**/*.test.ts', 'bench/**/*.test.ts', 'conformance/**/*.test.ts', 'mutants/**/*.test.ts'],
    // Stryker's sandboxes (npm run mutation) hold copies of every test file.
    exclude: [...configDefaults.exclude, '.stryker-tmp/**'],
    setupFiles: ['./vitest.setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
