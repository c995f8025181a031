// `npm run pagetraces [-- NAME...]`: builds each real program
// (programs.ts) from the machine's Go tree, runs it with one P and the
// execution tracer's alloc/free events, and writes its page trace to
// conformance/pagetrace/data/NAME.pagetrace.gz (the data reports/realheaps.md
// is made from). Needs go1.23+ as `go` on PATH (go1.26.8 here); everything it
// builds and records goes under .cache/pagetrace/.
// Exit status: 0 recorded, 1 a program or its decoding failed, 2 bad
// arguments, 3 no suitable Go.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { goOnPath, goRuntime, projectRoot } from '../realgo/gorunner.js';
import { decodeExecutionTrace } from './decode.js';
import { allocFreeInfo } from './exectrace.js';
import type { PageTrace } from './format.js';
import { PAGETRACE_VERSION, gzipPageTrace } from './format.js';
import type { RealProgram } from './programs.js';
import { BUILD_GOEXPERIMENT, RUN_ENV, realPrograms } from './programs.js';

const root = projectRoot();
export const DATA_DIR = path.join(root, 'conformance', 'pagetrace', 'data');
const CACHE = path.join(root, '.cache', 'pagetrace');

function run(cmd: string, args: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...opts, maxBuffer: 256 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(cmd)} ${args.slice(0, 4).join(' ')}${args.length > 4 ? ' ...' : ''}: exit status ${String(err.code)}: ${stderr.trim().split('\n').slice(0, 3).join(' / ')}`));
      else resolve(stdout);
    });
  });
}

/** Records one program; returns its page trace. */
export async function recordProgram(go: string, version: string, p: RealProgram): Promise<PageTrace> {
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '', GOWORK: 'off', GOCACHE: path.join(root, '.cache', 'go-build'), GOEXPERIMENT: BUILD_GOEXPERIMENT };
  const goroot = (await run(go, ['env', 'GOROOT'], { env, cwd: root })).trim();
  mkdirSync(CACHE, { recursive: true });
  const bin = path.join(CACHE, `${p.name}.bin`);
  await run(go, p.build.kind === 'build' ? ['build', '-o', bin, p.build.pkg] : ['test', '-c', '-o', bin, p.build.pkg], { env, cwd: root });
  const trace = path.join(CACHE, `${p.name}.trace`);
  let args = p.args.map((a) => (a === 'TRACE' ? trace : a === 'OUT' ? path.join(CACHE, `${p.name}.out`) : a));
  if (p.compiles !== undefined) {
    const cfg = path.join(CACHE, `${p.name}.importcfg`);
    writeFileSync(cfg, await run(go, ['list', '-export', '-deps', '-f', '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}', p.compiles], { env, cwd: root }));
    const files = (await run(go, ['list', '-f', '{{range .GoFiles}}{{$.Dir}}/{{.}} {{end}}', p.compiles], { env, cwd: root })).trim().split(/\s+/);
    args = args.flatMap((a) => (a === 'IMPORTCFG' ? [cfg] : a === 'FILES' ? files : [a]));
  }
  // GOEXPERIMENT stays set: the compiler checks its import data against it.
  await run(bin, args, { env: { ...env, ...RUN_ENV }, cwd: path.join(goroot, 'src', p.dir) });
  const info = allocFreeInfo(readFileSync(trace));
  const events = await decodeExecutionTrace(go, trace, env);
  return {
    header: {
      pagetrace: PAGETRACE_VERSION,
      program: p.program,
      name: p.name,
      goVersion: version,
      goexperiment: BUILD_GOEXPERIMENT,
      gomaxprocs: Number(RUN_ENV['GOMAXPROCS']),
      minPageHeapAddr: '0x' + info.minPageHeapAddr.toString(16).padStart(16, '0'),
      pageSize: info.pageSize,
      recorded: `GODEBUG=${RUN_ENV['GODEBUG']} execution trace (go ${info.traceVersion}), decoded with go tool trace -d=parsed`,
    },
    events,
  };
}

async function main(argv: string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('-'));
  if (argv.some((a) => a.startsWith('-'))) {
    process.stderr.write(`pagetraces: unknown option ${argv.find((a) => a.startsWith('-'))} (usage: npm run pagetraces [-- NAME...]; programs: ${realPrograms.map((p) => p.name).join(', ')})\n`);
    return 2;
  }
  const unknown = names.find((n) => !realPrograms.some((p) => p.name === n));
  if (unknown !== undefined) {
    process.stderr.write(`pagetraces: unknown program ${JSON.stringify(unknown)} (programs: ${realPrograms.map((p) => p.name).join(', ')})\n`);
    return 2;
  }
  const go = goOnPath();
  const rt = go === undefined ? null : goRuntime(go);
  if (go === undefined || rt === null || rt.minor < 23) {
    process.stderr.write(`pagetraces: needs go1.23 or newer as \`go\` on PATH (GODEBUG=traceallocfree), found ${rt?.version ?? 'none'}\n`);
    return 3;
  }
  mkdirSync(DATA_DIR, { recursive: true });
  for (const p of realPrograms.filter((x) => names.length === 0 || names.includes(x.name))) {
    const t0 = performance.now();
    try {
      const t = await recordProgram(go, rt.version, p);
      const file = path.join(DATA_DIR, `${p.name}.pagetrace.gz`);
      writeFileSync(file, gzipPageTrace(t));
      process.stdout.write(`${p.name}: ${t.events.length} events in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${path.relative(process.cwd(), file)}\n`);
    } catch (e) {
      process.stderr.write(`pagetraces: ${p.name}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
