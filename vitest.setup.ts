// Property tests in `npm test` run from a fixed seed, so the same checkout
// gives the same run; FC_SEED picks another.
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261122) });
