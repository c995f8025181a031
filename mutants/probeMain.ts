// `node dist/mutants/probeMain.js SEEDS RUNS`, run in a mutant's build by
// `mheap-spec mutants`: prints the probe's result (probe.ts) as JSON.

import { pathToFileURL } from 'node:url';
import { probe } from './probe.js';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [seeds, runs] = process.argv.slice(2).map(Number);
  process.stdout.write(JSON.stringify(probe(seeds!, runs)) + '\n');
}
