// Tests that need a broken model load it from a named mutant's build
// (mutants/scratch.ts): the compiled modules of a scratch copy with the
// mutant's patch applied, a module graph apart from the real model's.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareMutant } from '../mutants/scratch.js';

/** Module rel (a path under dist/) of the mutant build in dir. */
async function importFrom<T>(dir: string, rel: string): Promise<T> {
  return (await import(pathToFileURL(path.join(dir, 'dist', rel)).href)) as T;
}

/** Module rel ('properties/harness/campaign.js', a path under dist/) as built with mutant id. */
export async function mutantModule<T>(id: string, rel: string): Promise<T> {
  return importFrom<T>(prepareMutant(id), rel);
}

/** The harness and registry of mutant id's build: what running a suite against it needs. */
export async function mutantHarness(id: string): Promise<{
  campaign: typeof import('../properties/harness/campaign.js');
  registry: typeof import('../properties/registry.js');
  replay: typeof import('../properties/harness/replay.js');
  reduce: typeof import('../properties/harness/reduce.js');
  batch: typeof import('../properties/harness/batch.js');
}> {
  // One build check (it hashes every source) for the five modules.
  const dir = prepareMutant(id);
  const [campaign, registry, replay, reduce, batch] = await Promise.all([
    importFrom<typeof import('../properties/harness/campaign.js')>(dir, 'properties/harness/campaign.js'),
    importFrom<typeof import('../properties/registry.js')>(dir, 'properties/registry.js'),
    importFrom<typeof import('../properties/harness/replay.js')>(dir, 'properties/harness/replay.js'),
    importFrom<typeof import('../properties/harness/reduce.js')>(dir, 'properties/harness/reduce.js'),
    importFrom<typeof import('../properties/harness/batch.js')>(dir, 'properties/harness/batch.js'),
  ]);
  return { campaign, registry, replay, reduce, batch };
}
