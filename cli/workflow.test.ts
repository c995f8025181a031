// The ready CI workflow (.github/workflows/campaign.yml): a GitHub Actions
// schema checker from npm (@action-validator/cli, run by .ci/run too)
// accepts it and rejects a broken copy; its matrix has one job per shard
// and the merge job joins all of them.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const file = '.github/workflows/campaign.yml';
const text = readFileSync(file, 'utf8');
const validate = (path: string) => spawnSync(process.execPath, ['node_modules/@action-validator/cli/cli.mjs', path], { encoding: 'utf8' });

describe('the campaign workflow', () => {
  test('passes the GitHub Actions schema check', () => {
    const r = validate(file);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('the schema check has teeth: a misspelt key fails it', () => {
    const d = join(mkdtempSync(join(tmpdir(), 'mheap-wf-')), '.github', 'workflows');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'campaign.yml'), text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
    const r = validate(join(d, 'campaign.yml'));
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/Additional property 'runs_on' is not allowed/);
  });

  test('runs one job per shard of SHARDS and merges them all into reports/', () => {
    const shards = Number(/^\s+SHARDS: (\d+)$/m.exec(text)![1]);
    const matrix = /^\s+shard: \[([\d, ]+)\]$/m.exec(text)![1]!.split(',').map(Number);
    expect(matrix).toEqual(Array.from({ length: shards }, (_, i) => i + 1));
    expect(text).toContain(`name: shard \${{ matrix.shard }}/${shards}`);
    expect(text).toMatch(/check --shard \$\{\{ matrix\.shard \}\}\/\$SHARDS .*--out shard-\$\{\{ matrix\.shard \}\}/);
    expect(text).toMatch(/merge --out reports shards\/shard-\*/);
    expect(text).toMatch(/needs: shard/);
  });
});
