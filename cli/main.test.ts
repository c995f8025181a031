import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Io } from './io.js';
import { memoryIo } from './io.js';
import { cli } from './main.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mheap-cli-'));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await cli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** The summary without its timings, as text: what must be the same for the same campaign. */
function stable(dir: string): string {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  delete s.timings;
  return JSON.stringify(s, null, 1);
}

// A fixture directory with files for the bad-input cases.
const fx = tmp();
writeFileSync(join(fx, 'truncated.json'), '{"format": "mheap-spec/counterexample@1", "suite"');
writeFileSync(join(fx, 'foreign.json'), '{"name":"some-package","version":"1.0.0"}');
const shardDir = (name: string, summary: string): string => {
  const d = join(fx, name);
  mkdirSync(d);
  writeFileSync(join(d, 'summary.json'), summary);
  return d;
};
const garbled = shardDir('garbled', '{"format": "mheap-spec/summary@2", "seed": 1, "opt');
const foreign = shardDir('foreign', '{"name":"some-package","version":"1.0.0"}');
const replayFile = (name: string, commands: unknown[]): void => writeFileSync(join(fx, name), JSON.stringify({ format: 'mheap-spec/counterexample@1', suite: 'pagealloc', commands }));
replayFile('few.json', [{ name: 'grow', args: [0, 1, 0] }, { name: 'alloc', args: [] }]);
replayFile('extra.json', [{ name: 'grow', args: [0, 1, 0, 5] }]);
replayFile('range.json', [{ name: 'grow', args: [0, 9, 0] }]);
const notAFile = join(fx, 'plain-file');
writeFileSync(notAFile, 'x');

describe('bad input: one clear line on stderr, exit 2, no files', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown subcommand', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown suite', ['check', '--suite', 'nosuch'], /unknown suite "nosuch"/],
    ['malformed number', ['check', '--runs', '12x'], /--runs wants a whole number/],
    ['zero runs', ['check', '--runs', '0'], /--runs must be at least 1/],
    ['malformed duration', ['check', '--time-limit', '5 minutes'], /--time-limit wants a duration/],
    ['zero duration', ['check', '--time-limit', '0s'], /--time-limit must be positive/],
    ['malformed seed', ['check', '--seed', 'abc'], /--seed wants an integer/],
    ['seed out of range', ['check', '--seed', '99999999999'], /--seed must be a 32-bit integer/],
    ['unknown mutant', ['check', '--mutant', 'nosuch'], /unknown mutant "nosuch"/],
    ['unknown flag', ['check', '--frob'], /unknown option --frob \(options: --suite, --runs/],
    ['shard 3/2', ['check', '--shard', '3/2'], /--shard 3\/2: need 1 <= k <= n/],
    ['shard 0/2', ['check', '--shard', '0/2'], /--shard 0\/2: need 1 <= k <= n/],
    ['malformed shard', ['check', '--shard', 'half'], /--shard wants k\/n/],
    ['zero workers', ['check', '--workers', '0'], /--workers must be at least 1/],
    ['malformed workers', ['check', '--workers', 'two'], /--workers wants a whole number/],
    ['too many workers', ['check', '--workers', '1000'], /--workers must be at most 64/],
    ['out is a file', ['check', '--out', join(notAFile, 'reports')], /is not a directory/],
    ['replay without a file', ['replay'], /replay wants exactly one FILE/],
    ['replay of a missing file', ['replay', '/nonexistent/x.json'], /no such file/],
    ['replay of an unreadable file', ['replay', fx], /cannot read it \(EISDIR\)/],
    ['replay of a truncated file', ['replay', join(fx, 'truncated.json')], /not valid JSON, truncated or damaged/],
    ['replay of a foreign file', ['replay', join(fx, 'foreign.json')], /not an mheap-spec counterexample/],
    ['explain an unknown ID', ['explain', 'noSuchRule'], /unknown invariant "noSuchRule"/],
    ['explain without an ID', ['explain'], /explain wants exactly one ID/],
    ['invariants with an unknown flag', ['invariants', '--frob'], /unknown option --frob \(options: --json, --summary, --help\)/],
    ['docs with an unknown flag', ['docs', '--frob'], /unknown option --frob \(options: --check/],
    ['merge without directories', ['merge'], /merge wants at least one report directory/],
    ['merge of a directory without a report', ['merge', fx], /summary.json: no such file/],
    ['merge of a garbled report', ['merge', garbled], /not valid JSON, truncated or damaged/],
    ['merge of a foreign report', ['merge', foreign], /not an mheap-spec summary/],
    // Numbers: negative, huge, fractional, non-numeric, missing.
    ['negative runs', ['check', '--runs', '-5'], /^mheap-spec: --runs must be at least 1, got -5\n$/],
    ['negative runs, inline', ['check', '--runs=-5'], /^mheap-spec: --runs must be at least 1, got -5\n$/],
    ['huge runs', ['check', '--runs', '99999999999999999999'], /^mheap-spec: --runs must be at most 1,000,000,000, got 99999999999999999999\n$/],
    ['fractional runs', ['check', '--runs', '1.5'], /^mheap-spec: --runs wants a whole number, got 1.5\n$/],
    ['runs in words', ['check', '--runs', 'ten'], /^mheap-spec: --runs wants a whole number, got "ten"\n$/],
    ['runs without a value', ['check', '--runs'], /^mheap-spec: --runs wants a value\n$/],
    ['runs followed by another option', ['check', '--runs', '--seed', '3'], /^mheap-spec: --runs wants a value\n$/],
    ['empty runs', ['check', '--runs='], /^mheap-spec: --runs wants a whole number, got ""\n$/],
    ['fractional seed', ['check', '--seed', '1.5'], /^mheap-spec: --seed wants an integer, got 1.5\n$/],
    ['huge negative seed', ['check', '--seed', '-99999999999'], /--seed must be a 32-bit integer \(from -2,147,483,648 to 2,147,483,647\), got -99999999999/],
    ['negative time limit', ['check', '--time-limit', '-5s'], /^mheap-spec: --time-limit must be positive, got -5s\n$/],
    ['huge time limit', ['check', '--time-limit', '99999999h'], /^mheap-spec: --time-limit must be at most 168h \(a week\), got 99999999h\n$/],
    ['time limit without a unit', ['check', '--time-limit', '5'], /--time-limit wants a duration like 90s, 5m, 1h or 1m30s, got "5"/],
    ['time limit under a millisecond', ['check', '--time-limit', '0.1ms'], /--time-limit must be positive, got 0.1ms/],
    ['negative max-commands', ['check', '--max-commands', '-1'], /^mheap-spec: --max-commands must be at least 1, got -1\n$/],
    ['huge max-commands', ['check', '--max-commands', '1000000'], /^mheap-spec: --max-commands must be at most 10,000, got 1000000\n$/],
    ['negative workers', ['check', '--workers', '-2'], /^mheap-spec: --workers must be at least 1, got -2\n$/],
    ['fractional workers', ['check', '--workers', '1.5'], /^mheap-spec: --workers wants a whole number, got 1.5\n$/],
    ['65 workers', ['check', '--workers', '65'], /^mheap-spec: --workers must be at most 64, got 65\n$/],
    ['negative shard', ['check', '--shard', '-1/2'], /--shard wants k\/n with whole numbers \(e.g. 1\/4\), got "-1\/2"/],
    ['fractional shard', ['check', '--shard', '1.5/2'], /--shard wants k\/n with whole numbers/],
    ['huge shard count', ['check', '--shard', '1/99999999999999999999'], /--shard 1\/99999999999999999999: at most 10,000 shards/],
    // Names: did you mean.
    ['a mistyped flag', ['check', '--run', '5'], /^mheap-spec: unknown option --run \(did you mean --runs\?\)\n$/],
    ['a mistyped flag, inline', ['check', '--time-limt=5m'], /^mheap-spec: unknown option --time-limt \(did you mean --time-limit\?\)\n$/],
    ['a boolean flag with a value', ['check', '--json=yes'], /^mheap-spec: --json takes no value, got --json=yes\n$/],
    ['a stray argument', ['check', 'pagealloc'], /^mheap-spec: unexpected argument "pagealloc" \(this command takes options only\)\n$/],
    ['a mistyped command', ['chek'], /^mheap-spec: unknown command "chek" \(did you mean check\?\)\n$/],
    ['a mistyped suite', ['check', '--suite', 'pagealoc'], /^mheap-spec: unknown suite "pagealoc" \(did you mean pagealloc\?\)\n$/],
    ['a mistyped mutant', ['check', '--mutant', 'findBestFt'], /^mheap-spec: unknown mutant "findBestFt" \(did you mean findBestFit\?\)\n$/],
    ['a mistyped invariant', ['explain', 'noSpanFreedDuringGc'], /^mheap-spec: unknown invariant "noSpanFreedDuringGc" \(did you mean noSpanFreedDuringGC\?\)\n$/],
    ['an invariant with a typo', ['explain', 'searchAdrIsLowerBound'], /\(did you mean searchAddrIsLowerBound\?\)/],
    ['a merge flag mistyped', ['merge', '--ot', 'x', 'y'], /unknown option --ot \(did you mean --out\?\)/],
    ['a replay with too few arguments', ['replay', join(fx, 'few.json')], /few\.json: command 1 alloc\(npages\) takes 1 argument, got 0\n$/],
    ['a replay with extra arguments', ['replay', join(fx, 'extra.json')], /extra\.json: command 0 grow\(gap, nchunks, below\) takes 3 arguments, got 4\n$/],
    ['a replay with an argument out of range', ['replay', join(fx, 'range.json')], /range\.json: command 0 grow\(gap, nchunks, below\): nchunks must be a whole number from 1 to 3 \(chunks to grow\), got 9\n$/],
  ];
  for (const [name, argv, msg] of cases) {
    test(name, async () => {
      const dir = tmp();
      const out = join(dir, 'out');
      const hasOut = argv.includes('--out');
      const r = await run(...argv, ...((argv[0] === 'check' || argv[0] === 'merge') && !hasOut ? ['--out', out] : []));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.[tj]s:\d+/); // no stack trace
      expect(readdirSync(dir)).toEqual([]);
    });
  }
});

describe('check and replay', () => {
  test('a passing campaign writes the reports and exits 0', async () => {
    const out = tmp();
    const r = await run('check', '--suite', 'pagealloc-small', '--runs', '200', '--seed', '5', '--workers', '1', '--out', out);
    expect(r.code).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.generated).toMatch(/do not edit/);
    expect(s.ok).toBe(true);
    expect(s.suites[0]).toMatchObject({ suite: 'pagealloc-small', seed: 5 + 1_000_003, runs: 200, batches: 4, failures: 0 });
    expect(s.timings.suites[0].durationMs).toBeGreaterThan(0);
    for (const f of ['summary.md', 'coverage.md', 'invariants.md']) expect(readFileSync(join(out, f), 'utf8')).toMatch(/^<!-- generated by/);
    expect(readFileSync(join(out, 'coverage.md'), 'utf8')).toMatch(/\| alloc \| [\d,]+ \|/);
    expect(r.stderr).toMatch(/memory: RSS \d+ MB at start, \d+ MB at end/);
  });

  test('a time limit that cuts the campaign short says so in all three places, and the verdict is CUT SHORT (exit 3)', async () => {
    const out = tmp();
    const r = await run('check', '--suite', 'mheap', '--runs', '10000', '--time-limit', '1s', '--workers', '1', '--out', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^mheap: [\d,]+ of 10,000 runs, .*, CUT SHORT by the time limit, /m);
    expect(r.stderr).toMatch(/^cut short by the time limit \(1s\): mheap [\d,]+ of 10,000 runs$/m);
    expect(r.stderr).toMatch(/summary: .* — CUT SHORT$/m);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ cutShort: true, ok: false, verdict: 'CUT SHORT' });
    expect(s.suites[0]).toMatchObject({ runsAsked: 10_000, cut: true });
    expect(s.suites[0].runs).toBeLessThan(10_000);
    // The limit holds within a batch: a batch of 50 mheap runs would take several seconds past it.
    expect(s.timings.suites[0].durationMs).toBeLessThan(1000 + 4000);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toMatch(/\*\*Cut short by the time limit\*\* \(1s\): mheap [\d,]+ of 10,000 runs\. Verdict: \*\*CUT SHORT\*\*/);
    expect(md).toMatch(/\| mheap \| .* \| [\d,]+ of 10,000 \(\*\*cut short\*\*\) \|/);
  });

  test('more workers than cores is allowed, with a one-line note', async () => {
    const n = String(availableParallelism() + 1);
    const r = await run('check', '--suite', 'pagealloc-small', '--runs', '50', '--workers', n, '--out', tmp());
    expect(r.stderr).toMatch(new RegExp(`^--workers ${n}: more than the ${availableParallelism()} cores here; the workers share them`, 'm'));
  });

  test('a negative seed is a seed (not an option)', async () => {
    const out = tmp();
    expect((await run('check', '--suite', 'pagealloc-small', '--runs', '50', '--seed', '-3', '--workers', '1', '--out', out)).code).not.toBe(2);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).seed).toBe(-3);
  });

  test('summary.md links each rule to its invariants.md entry', async () => {
    const out = tmp();
    await run('check', '--suite', 'pagealloc-small', '--runs', '50', '--workers', '1', '--out', out);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    const inv = readFileSync(join(out, 'invariants.md'), 'utf8');
    const links = [...md.matchAll(/\| \[(\w+)\]\(invariants\.md#(\w+)\) \|/g)];
    expect(links.length).toBeGreaterThan(10);
    for (const [, id, anchor] of links) {
      expect(anchor).toBe(id!.toLowerCase());
      expect(inv).toContain(`\n### ${id}\n`);
    }
  });

  test('the same seed gives the same reports, byte for byte (timings aside)', async () => {
    const [a, b] = [tmp(), tmp()];
    for (const out of [a, b]) await run('check', '--suite', 'pagealloc-small', '--runs', '150', '--seed', '9', '--workers', '1', '--out', out);
    expect(stable(a)).toBe(stable(b));
    const untimed = (d: string): string => readFileSync(join(d, 'summary.md'), 'utf8').split('## Timings')[0]!;
    expect(untimed(a)).toBe(untimed(b));
    for (const f of ['coverage.md', 'invariants.md']) expect(readFileSync(join(a, f), 'utf8')).toBe(readFileSync(join(b, f), 'utf8'));
  });

  test('a witness never reached fails the campaign', async () => {
    const out = tmp();
    const r = await run('check', '--suite', 'pagealloc-small', '--runs', '1', '--workers', '1', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/witness never reached: pagealloc-small: reaches/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.unreached.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/\*\*Never reached\*\*/);
  });

  test('a failing campaign saves the counterexample, exits 1, and replay reproduces it', async () => {
    const out = tmp();
    const r = await run('check', '--suite', 'pagealloc', '--mutant', 'updateSkipsParents', '--runs', '50', '--workers', '1', '--out', out);
    expect(r.code).toBe(1);
    const file = join(out, 'counterexamples', 'pagealloc-updateSkipsParents-1.json');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file.replace(/json$/, 'txt'), 'utf8')).toMatch(/FAIL innerSummariesCombineChildren/);
    expect(r.stderr).toMatch(/replay: npx mheap-spec replay /);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.suites[0]).toMatchObject({ failures: 1, failed: 'innerSummariesCombineChildren', counterexample: 'counterexamples/pagealloc-updateSkipsParents-1.json' });
    const rep = await run('replay', file);
    expect(rep.code).toBe(1);
    expect(rep.stdout).toMatch(/^\/\/ model mutant in effect: updateSkipsParents/);
    expect(rep.stdout).toMatch(/FAIL innerSummariesCombineChildren {3}spec\/pagealloc\/invariants.ts · runtime\/mpagealloc.go · \(\*pageAlloc\).update @ go1.21/);
  });

  test('Ctrl-C (in-process): the report so far is written, exit 130', async () => {
    const out = tmp();
    let handler: ((sig: 'SIGINT') => void) | undefined;
    const base = memoryIo();
    let batches = 0;
    const io: Io = {
      ...base,
      out: (t) => base.out(t),
      err: (t) => base.err(t),
      log: (l) => base.log(l),
      progress: () => {
        if (++batches === 2) handler?.('SIGINT');
      },
      onInterrupt: (h) => {
        handler = h;
        return () => (handler = undefined);
      },
    };
    const code = await cli(['check', '--suite', 'pagealloc-small', '--suite', 'mheap', '--runs', '1000', '--workers', '1', '--out', out], io);
    expect(code).toBe(130);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ interrupted: true, ok: false });
    expect(s.suites.map((x: { suite: string }) => x.suite)).toEqual(['pagealloc-small']);
    expect(s.suites[0].runs).toBe(100);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/\*\*Interrupted\*\*/);
  });
});

describe('shards and merge', () => {
  const campaign = ['check', '--suite', 'pagealloc-small', '--runs', '200', '--workers', '1'];

  test('shards merge into the report of one process, for passing and failing campaigns', async () => {
    // Seed 8 with this mutant: batch 0 passes, 1, 2 and 3 fail. Seed 15: 0 and 1 pass, 2 and 3 fail.
    for (const seed of ['8', '15']) {
      const args = [...campaign, '--seed', seed, '--mutant', 'go63385SysGrowSeedMin'];
      const [whole, s1, s2, merged] = [tmp(), tmp(), tmp(), tmp()];
      expect((await run(...args, '--out', whole)).code).toBe(1);
      await run(...args, '--shard', '1/2', '--out', s1);
      await run(...args, '--shard', '2/2', '--out', s2);
      const m = await run('merge', '--out', merged, s2, s1);
      expect(m.code).toBe(1);
      expect(stable(merged)).toBe(stable(whole));
      expect(readFileSync(join(merged, 'coverage.md'), 'utf8')).toBe(readFileSync(join(whole, 'coverage.md'), 'utf8'));
      const s = JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8'));
      expect(existsSync(join(merged, s.suites[0].counterexample))).toBe(true);
      expect(readFileSync(join(merged, s.suites[0].counterexample.replace(/json$/, 'txt')), 'utf8')).toContain(`replay: npx mheap-spec replay ${merged}`);
    }
  });

  test('a shard leaves the witness verdict to the merged report', async () => {
    const [s1, s2, merged] = [tmp(), tmp(), tmp()];
    const one = await run('check', '--suite', 'pagealloc-small', '--runs', '2', '--shard', '1/2', '--workers', '1', '--out', s1);
    expect(one.code).toBe(0);
    await run('check', '--suite', 'pagealloc-small', '--runs', '2', '--shard', '2/2', '--workers', '1', '--out', s2);
    const m = await run('merge', '--out', merged, s1, s2);
    expect(m.code).toBe(1);
    expect(JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8')).unreached.length).toBeGreaterThan(0);
  });

  test('merge refuses incomplete, duplicated or mismatched shards, writing nothing', async () => {
    const [s1, s2, other] = [tmp(), tmp(), tmp()];
    await run(...campaign, '--runs', '50', '--shard', '1/2', '--out', s1);
    await run(...campaign, '--runs', '50', '--shard', '2/2', '--out', s2);
    await run(...campaign, '--runs', '50', '--seed', '2', '--shard', '2/2', '--out', other);
    const cases: [string[], RegExp][] = [
      [[s1], /shard 2\/2 missing/],
      [[s1, s1], /shard 1\/2 given twice/],
      [[s1, other], /a different campaign/],
    ];
    for (const [dirs, msg] of cases) {
      const dir = tmp();
      const r = await run('merge', '--out', join(dir, 'out'), ...dirs);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(dir)).toEqual([]);
    }
    const r = await run('merge', '--out', s1, s1, s2);
    expect(r.stderr).toMatch(/is one of the shard directories/);
  });
});

describe('the catalog: invariants, explain, docs', () => {
  test('invariants lists every entry with kind, citation, quote, statement, suites and status', async () => {
    const r = await run('invariants', '--json', '--summary', '/nonexistent/summary.json');
    const rows = JSON.parse(r.stdout) as { id: string; go: string; kind: string; quote: string; statement: string; suites: string[]; status: string }[];
    expect(rows.map((x) => x.id)).toContain('searchAddrIsLowerBound');
    for (const row of rows) {
      expect(row.go).toMatch(/^runtime\/\w+\.go · .+ @ go1\.21$/);
      expect(row.kind).toMatch(/^(state|action|witness)$/);
      expect(row.quote.length).toBeGreaterThan(0);
      expect(row.statement.length).toBeGreaterThan(0);
      expect(row.suites.length).toBeGreaterThan(0);
      expect(row.status).toBe('no campaign recorded');
    }
    const e = await run('explain', 'searchAddrIsLowerBound', '--summary', '/nonexistent/summary.json');
    expect(e.stdout).toMatch(/We guarantee that all valid heap addresses below this value are allocated/);
    expect(e.stdout).toMatch(/^searchAddrIsLowerBound \(state invariant\)\n {2}Go: {8}runtime\/mpagealloc.go/);
    expect(e.stdout).toMatch(/Suites: {4}pagealloc, pagealloc-small, mheap/);
  });

  test('status comes from the last campaign', async () => {
    const out = tmp();
    await run('check', '--suite', 'pagealloc-small', '--runs', '50', '--workers', '1', '--out', out);
    const e = await run('explain', 'searchAddrIsLowerBound', '--summary', join(out, 'summary.json'));
    expect(e.stdout).toMatch(/Status: {4}held in [\d,]+ checks/);
    const md = readFileSync(join(out, 'invariants.md'), 'utf8');
    expect(md).toMatch(/## runtime\/mpagealloc.go/);
    expect(md).toMatch(/### searchAddrIsLowerBound\n\n- \*\*Kind:\*\* state invariant/);
    expect(md).toMatch(/- \*\*Last campaign:\*\* held in [\d,]+ checks/);
  });

  test('docs writes invariants.md; --check passes on it and fails on a stale copy', async () => {
    const d = tmp();
    const out = join(d, 'invariants.md');
    const args = ['--summary', '/nonexistent/summary.json', '--out', out, '--heap', join(d, 'heap.md'), '--replay-doc', join(d, 'replay-files.md')];
    expect((await run('docs', ...args)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!-- generated by `mheap-spec docs`/);
    expect((await run('docs', '--check', ...args)).code).toBe(0);
    writeFileSync(out, readFileSync(out, 'utf8').replace('searchAddrIsLowerBound', 'renamed'));
    const stale = await run('docs', '--check', ...args);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/invariants.md is stale.*run `npx mheap-spec docs`/);
  });
});
