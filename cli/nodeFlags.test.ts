// Every way a campaign starts passes node the campaign's V8 flags (they can
// only be set on node's command line): the bin's shebang, npm start, and the
// bench's campaigns (bench/campaign.ts spreads CAMPAIGN_NODE_FLAGS itself).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CAMPAIGN_NODE_FLAGS } from '../properties/harness/pool.js';

const words = (line: string): string[] => line.trim().split(/\s+/);

describe('CAMPAIGN_NODE_FLAGS', () => {
  test('are on the bin\'s shebang line, before the script', () => {
    const first = readFileSync('cli/main.ts', 'utf8').split('\n')[0]!;
    expect(first.startsWith('#!/usr/bin/env -S node ')).toBe(true);
    expect(words(first).slice(3)).toEqual([...CAMPAIGN_NODE_FLAGS]);
  });

  test('are in npm start and npm run mheap-spec, between node and the script (exec: npm forwards signals to node itself)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(words(pkg.scripts['start']!)).toEqual(['exec', 'node', ...CAMPAIGN_NODE_FLAGS, 'dist/cli/main.js', 'check']);
    expect(words(pkg.scripts['mheap-spec']!)).toEqual(['exec', 'node', ...CAMPAIGN_NODE_FLAGS, 'dist/cli/main.js']);
  });

  test('are flags this node accepts (it exits 9, "bad option", on others)', () => {
    const r = spawnSync(process.execPath, [...CAMPAIGN_NODE_FLAGS, '-e', '0'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
