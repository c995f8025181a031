// The bench's teeth figure: the time to first failure of every named mutant
// (mutants/catalog.ts), each probed in its own build one after another (no
// two probes share the cores), as `mheap-spec mutants` probes them.

import { namedMutants } from '../mutants/catalog.js';
import { probeInBuild } from '../mutants/probeRun.js';
import { prepareMutant } from '../mutants/scratch.js';
import { median } from './median.js';

export interface MutantTimes {
  readonly mutants: number;
  readonly seeds: number;
  /** Mutants some seed did not catch within the budget. */
  readonly survived: readonly string[];
  /** Over the catalog: the median, and the maximum, of each mutant's median time to first failure (ms). */
  readonly medianMs: number;
  readonly maxMs: number;
  readonly slowest: string;
}

export async function mutantTimes(seeds: number): Promise<MutantTimes> {
  const perMutant: [string, number][] = [];
  const survived: string[] = [];
  for (const m of namedMutants) {
    const p = await probeInBuild(prepareMutant(m.id), seeds, 10_000);
    if (p.seeds.some((s) => s.timeToFailureMs === null)) survived.push(m.id);
    else perMutant.push([m.id, median(p.seeds.map((s) => s.timeToFailureMs!))]);
  }
  const slowest = perMutant.reduce((a, b) => (b[1] > a[1] ? b : a), ['', -1]);
  return { mutants: namedMutants.length, seeds, survived, medianMs: median(perMutant.map((x) => x[1])), maxMs: slowest[1], slowest: slowest[0] };
}
