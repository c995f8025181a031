// The reported peak memory is the process's true maximum RSS, not a
// sample: a peak between samples (here, before the campaign's first batch)
// is still reported.

import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';

describe('peak memory', () => {
  test('is the maximum RSS the kernel saw, even between samples', () => {
    const script = `
      import { runCampaign } from './dist/properties/harness/orchestrate.js';
      let big = Buffer.alloc(300 * 2 ** 20, 1); // 300 MiB, touched
      big = null;
      globalThis.gc();
      const run = await runCampaign({ suites: ['pagealloc-small'], seed: 1, runs: 50, timeLimitMs: 60000, mutant: null, workers: 1 });
      process.stdout.write(JSON.stringify(run.memory));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const m = JSON.parse(r.stdout) as { rssStartMB: number; rssEndMB: number; rssPeakMB: number };
    expect(m.rssPeakMB).toBeGreaterThanOrEqual(300);
    expect(m.rssPeakMB).toBeGreaterThanOrEqual(m.rssEndMB);
    expect(m.rssStartMB).toBeLessThan(300); // freed before the campaign: a sampler would never have seen it
  });
});
