// Whether this vitest run is one of Stryker's mutant runs
// (vitest.mutation.config.ts sets the variable): a test file shared with
// npm test skips or shortens its long campaigns there, since
// properties/mutation.test.ts runs short campaigns of every suite instead.
export const mutationRun = process.env.MHEAP_SPEC_MUTATION_RUN === '1';
