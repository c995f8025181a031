// Tests that need a broken model load it from a named mutant's build
// (mutants/scratch.ts): the compiled modules of a scratch copy with the
// mutant's patch applied, a module graph apart from the real model's.

import { pathToFileURL } from 'node:url';
import { mutantModulePath } from '../mutants/scratch.js';

/** Module rel ('properties/harness/campaign.js', a path under dist/) as built with mutant id. */
export async function mutantModule<T>(id: string, rel: string): Promise<T> {
  return (await import(pathToFileURL(mutantModulePath(id, rel)).href)) as T;
}

/** The harness and registry of mutant id's build: what running a suite against it needs. */
export async function mutantHarness(id: string): Promise<{
  campaign: typeof import('../properties/harness/campaign.js');
  registry: typeof import('../properties/registry.js');
  replay: typeof import('../properties/harness/replay.js');
  reduce: typeof import('../properties/harness/reduce.js');
  batch: typeof import('../properties/harness/batch.js');
}> {
  const [campaign, registry, replay, reduce, batch] = await Promise.all([
    mutantModule<typeof import('../properties/harness/campaign.js')>(id, 'properties/harness/campaign.js'),
    mutantModule<typeof import('../properties/registry.js')>(id, 'properties/registry.js'),
    mutantModule<typeof import('../properties/harness/replay.js')>(id, 'properties/harness/replay.js'),
    mutantModule<typeof import('../properties/harness/reduce.js')>(id, 'properties/harness/reduce.js'),
    mutantModule<typeof import('../properties/harness/batch.js')>(id, 'properties/harness/batch.js'),
  ]);
  return { campaign, registry, replay, reduce, batch };
}
