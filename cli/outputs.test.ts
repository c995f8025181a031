// Running the compiled CLI as a user does, in a git checkout of the reports:
// ordinary commands, an interrupted campaign and a merge leave every tracked
// file as it was and write under runs/; signals stop a campaign cleanly;
// a reader that goes away and output directories that cannot be written
// get one quiet line or none. (The problems listed in issue 13's "Why".)

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const bin = resolve('dist/cli/main.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'mheap-out-'));

/** A git repository holding a copy of the committed reports/ and .gitignore, as a fresh clone has them. */
function checkout(): string {
  const d = tmp();
  cpSync('reports', join(d, 'reports'), { recursive: true });
  cpSync('.gitignore', join(d, '.gitignore'));
  const git = (...a: string[]): void => {
    const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: d, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'reports');
  return d;
}

const gitStatus = (d: string): string => spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: d, encoding: 'utf8' }).stdout;

function cli(cwd: string, ...args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** The run directory a command printed at its end ("summary: runs/.../summary.md — VERDICT"). */
function printedRunDir(stderr: string): string {
  const m = /^(?:summary|merged .* into): ?(runs\/[\w-]+)\/summary\.md — /m.exec(stderr) ?? /into (runs\/[\w-]+)\/summary\.md — /m.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return m![1]!;
}

/** The README's mutant example: its `npx mheap-spec check ... --mutant ...` line. */
function readmeMutantExample(): string[] {
  const line = readFileSync('README.md', 'utf8')
    .split('\n')
    .find((l) => /^npx mheap-spec check .*--mutant /.test(l));
  expect(line, 'the README shows a mutant example').toBeDefined();
  return line!.replace(/#.*$/, '').trim().split(/\s+/).slice(2);
}

describe('ad-hoc runs leave the committed reports alone', () => {
  test("the README's mutant example: reports/ unchanged, the counterexample under runs/, and it replays", () => {
    const d = checkout();
    const r = cli(d, ...readmeMutantExample(), '--workers', '1');
    expect(r.status, r.stderr).toBe(1);
    expect(gitStatus(d)).toBe('');
    const dir = printedRunDir(r.stderr);
    const s = JSON.parse(readFileSync(join(d, dir, 'summary.json'), 'utf8'));
    expect(s.verdict).toBe('FAIL');
    const cx = join(dir, s.suites[0].counterexample);
    expect(r.stderr).toContain(`replay: npx mheap-spec replay ${cx}`);
    const rep = cli(d, 'replay', cx);
    expect(rep.status).toBe(1);
    expect(rep.stdout).toMatch(/FAIL searchAddrIsLowerBound/);
    // explain still tells the committed campaign's status, not the mutant's.
    expect(cli(d, 'explain', 'searchAddrIsLowerBound').stdout).not.toMatch(/VIOLATED/);
  });

  test('a quick check --runs 10 and a merge without --out write under runs/, each in a directory of its own', () => {
    const d = checkout();
    const a = cli(d, 'check', '--suite', 'pagealloc-small', '--runs', '10', '--workers', '1');
    expect(a.stderr).toMatch(/not the canonical campaign: the committed reports\/ is left as it is/);
    const s1 = printedRunDir(a.stderr);
    const m = cli(d, 'merge', s1);
    const merged = printedRunDir(m.stderr);
    expect(merged).not.toBe(s1);
    expect(existsSync(join(d, merged, 'summary.md'))).toBe(true);
    expect(gitStatus(d)).toBe('');
    expect(readdirSync(join(d, 'runs')).sort()).toEqual([s1, merged].map((x) => x.replace('runs/', '')).sort());
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops a campaign cleanly: exit %i, the report so far under runs/, reports/ unchanged', async (signal, code) => {
    const d = checkout();
    const child = spawn(process.execPath, [bin, 'check', '--suite', 'mheap', '--runs', '5000', '--workers', '2'], { cwd: d });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (!sent && /^reports: /m.test(stderr)) {
        sent = true;
        setTimeout(() => child.kill(signal), 300);
      }
    });
    const status = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(status, stderr).toBe(code);
    expect(stderr).toContain(`interrupted (${signal})`);
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
    const s = JSON.parse(readFileSync(join(d, printedRunDir(stderr), 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ interrupted: true, ok: false, verdict: 'INTERRUPTED' });
    expect(gitStatus(d)).toBe('');
  });

  test('npm run mheap-spec forwards SIGTERM to the campaign (npx does not; the README says which to use)', async () => {
    const out = join(tmp(), 'out');
    const child = spawn('npm', ['run', '-s', 'mheap-spec', '--', 'check', '--suite', 'mheap', '--runs', '5000', '--workers', '2', '--out', out], { cwd: resolve('.') });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (!sent && /^reports: /m.test(stderr)) {
        sent = true;
        setTimeout(() => child.kill('SIGTERM'), 500);
      }
    });
    await new Promise<void>((res) => child.on('exit', () => res()));
    expect(stderr).toContain('interrupted (SIGTERM)');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ interrupted: true });
  });
});

describe('robust I/O', () => {
  test('a reader that goes away (| head) ends the output quietly', () => {
    const r = spawnSync('bash', ['-c', `node ${bin} invariants | head -1`], { encoding: 'utf8' });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe('');
  });

  test('a working directory where runs/ cannot be made: one line naming --out, exit 2', () => {
    const d = tmp();
    writeFileSync(join(d, 'runs'), '');
    const r = cli(d, 'check', '--suite', 'pagealloc-small', '--runs', '10');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`mheap-spec: the runs directory runs: ${join(d, 'runs')} is not a directory (or name one with --out DIR)\n`);
  });

  test.each([
    ['/proc/x', /--out \/proc\/x: cannot create \/proc\/x/],
    ['/proc/self', /--out \/proc\/self: cannot write in \/proc\/self/],
    ['/sys/x', /--out \/sys\/x: cannot create \/sys\/x/],
    ['/sys/kernel/x/y', /--out \/sys\/kernel\/x\/y: cannot create \/sys\/kernel\/x/],
  ])('--out %s: one line and exit 2 at once, before any work', (out, msg) => {
    const t0 = performance.now();
    const r = cli(tmp(), 'check', '--suite', 'mheap', '--runs', '100000', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(30_000); // the campaign would take minutes; a spin would never end
  });
});
