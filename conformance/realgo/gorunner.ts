// Builds and runs the real-Go trace replayer (trace_test.go, compiled into Go's
// own runtime test package with `go test -c -overlay`), so the model's
// `mheap-spec trace` output can be compared with the real runtime's page
// allocator line by line. See README.md in this folder for the conventions.

import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's go1.19, preferred over `go` on PATH by findGo(). */
export const DEBIAN_GO_119 = '/usr/lib/go-1.19/bin/go';

/** Exit status of the replayer for a malformed trace (one stderr line names the op). */
export const EXIT_MALFORMED = 1;
/** Exit status when the real runtime throws or panics (Go's own status for a fatal error). */
export const EXIT_GO_THROW = 2;
/** Exit status for an op the real go1.19 runtime cannot replay deterministically (README: "Unsupported"). */
export const EXIT_UNSUPPORTED = 3;

/** The test binary's name for the replayer test (`-test.run` pattern). */
export const REPLAYER_TEST = 'TestMheapSpecTrace';

/** A Go file of this folder and the name the overlay gives it inside GOROOT/src/runtime. */
interface GoFile {
  readonly source: string;
  readonly overlay: string;
}

/** The replayer's Go files for every runtime. */
const GO_FILES: readonly GoFile[] = [
  { source: 'trace_test.go', overlay: 'zz_mheapspec_trace_test.go' },
  { source: 'parse_test.go', overlay: 'zz_mheapspec_parse_test.go' },
  { source: 'time_test.go', overlay: 'zz_mheapspec_time_test.go' },
];

/** Added for go1.21 and newer: the scavenge index's ops (scavengeBg, nextGen, index) through the runtime's internals. */
const INDEX_FILES: readonly GoFile[] = [
  { source: 'index_test.go', overlay: 'zz_mheapspec_index_test.go' },
  { source: 'index_export_test.go', overlay: 'zz_mheapspec_index_export_test.go' },
];

/** The first Go minor version whose scavenge index the index ops read (go1.21's scavChunkData). */
export const INDEX_MIN_MINOR = 21;

/** A Go toolchain found on this machine. */
export interface GoRuntime {
  /** The go command. */
  readonly go: string;
  /** `go version`'s version, e.g. "go1.26.8". */
  readonly version: string;
  /** The release, e.g. "go1.26". */
  readonly release: string;
  /** The minor version, e.g. 26. */
  readonly minor: number;
}

export interface ReplayerResult {
  /** Only the replayer's JSON lines (lines starting with `{`), each ending in "\n". */
  stdout: string;
  /** Everything the binary wrote on stderr (one line for a malformed trace; a Go traceback after a throw). */
  stderr: string;
  /** Exit status, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `go` on PATH, if any. */
export function goOnPath(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'go');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The go command to use by default: Debian's go1.19 if installed, else `go` on PATH, else undefined. */
export function findGo(): string | undefined {
  return isExecutable(DEBIAN_GO_119) ? DEBIAN_GO_119 : goOnPath();
}

const runtimes = new Map<string, GoRuntime | null>();

/** What `go version` says about a go command; null if it does not run or is not a Go release. */
export function goRuntime(go: string): GoRuntime | null {
  let rt = runtimes.get(go);
  if (rt === undefined) {
    rt = null;
    try {
      const out = execFileSync(go, ['version'], { env: { ...process.env, GOTOOLCHAIN: 'local' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const m = /\bgo1\.(\d+)(?:\.\d+)?\b/.exec(out);
      if (m !== null) rt = { go, version: m[0], release: `go1.${m[1]}`, minor: Number(m[1]) };
    } catch {
      rt = null;
    }
    runtimes.set(go, rt);
  }
  return rt;
}

/**
 * Every Go runtime the replayer can be built with, oldest first: Debian's
 * go1.19 and `go` on PATH (one runtime per release).
 */
export function goRuntimes(): GoRuntime[] {
  const out: GoRuntime[] = [];
  for (const go of [DEBIAN_GO_119, goOnPath()]) {
    if (go === undefined || !isExecutable(go)) continue;
    const rt = goRuntime(go);
    if (rt !== null && !out.some((o) => o.release === rt.release)) out.push(rt);
  }
  return out.sort((a, b) => a.minor - b.minor);
}

/**
 * The project root: the nearest ancestor of this module holding
 * conformance/realgo/trace_test.go (works from the sources and from dist/).
 */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'conformance', 'realgo', 'trace_test.go'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('conformance/realgo/trace_test.go not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Path of the Go replayer source. */
export function replayerSource(): string {
  return path.join(projectRoot(), 'conformance', 'realgo', 'trace_test.go');
}

/** The Go files a runtime's replayer is built from (trace_test.go first). */
function goFiles(rt: GoRuntime | null): readonly GoFile[] {
  return rt !== null && rt.minor >= INDEX_MIN_MINOR ? [...GO_FILES, ...INDEX_FILES] : GO_FILES;
}

/** Paths of the replayer's Go files for a runtime (trace_test.go first; without one, the files every runtime builds). */
export function replayerSources(rt: GoRuntime | null = null): string[] {
  return goFiles(rt).map((f) => path.join(projectRoot(), 'conformance', 'realgo', f.source));
}

/** Directory holding the cached binaries, overlays and source snapshots. */
export function cacheDir(): string {
  return path.join(projectRoot(), '.cache', 'conformance');
}

function goEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOCACHE: path.join(root, '.cache', 'go-build'),
    GOFLAGS: '',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
  };
  // Without HOME the go command cannot derive a GOPATH; std builds need none.
  if (env['HOME'] === undefined && env['GOPATH'] === undefined) env['GOPATH'] = path.join(root, '.cache', 'gopath');
  return env;
}

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 64 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const builds = new Map<string, Promise<string>>();

/**
 * Compiles the runtime test binary with the replayer's Go files overlaid
 * into GOROOT/src/runtime, once per runtime: the binary is cached under
 * .cache/conformance/, keyed by a hash of those files, the Go version and
 * GOROOT, and rebuilt only when one of them changes. `go` is the go command
 * (default findGo()). Resolves to the binary's path.
 */
export function buildReplayer(go: string | undefined = findGo()): Promise<string> {
  if (go === undefined) return Promise.reject(new Error('Go not installed: cannot build the real-runtime replayer'));
  let pending = builds.get(go);
  if (pending === undefined) {
    pending = build(go);
    builds.set(go, pending);
    pending.catch(() => builds.delete(go));
  }
  return pending;
}

async function build(go: string): Promise<string> {
  const root = projectRoot();
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const env = goEnv(root);
  const version = (await run(go, ['version'], env, dir)).trim();
  const goroot = (await run(go, ['env', 'GOROOT'], env, dir)).trim();
  if (goroot === '') throw new Error(`${go} env GOROOT printed nothing`);
  const rt = goRuntime(go);
  const files = goFiles(rt);
  const sources = files.map((f) => readFileSync(path.join(root, 'conformance', 'realgo', f.source)));
  const hash = createHash('sha256');
  for (const src of sources) hash.update(src).update('\0');
  const key = hash.update(version + '\0' + goroot + '\0' + go).digest('hex').slice(0, 16);
  const release = rt?.release ?? 'go';
  const bin = path.join(dir, `mheapspec-replayer-${release}-${key}.test`);
  if (isExecutable(bin)) return bin;

  // Snapshot the sources so an edit during the build cannot desync them from the key.
  const replace: Record<string, string> = {};
  files.forEach((f, j) => {
    const snapshot = path.join(dir, `${path.basename(f.source, '_test.go')}-${release}-${key}_test.go`);
    writeFileSync(snapshot, sources[j]!);
    replace[path.join(goroot, 'src', 'runtime', f.overlay)] = snapshot;
  });
  const overlay = path.join(dir, `overlay-${release}-${key}.json`);
  writeFileSync(overlay, JSON.stringify({ Replace: replace }) + '\n');
  const tmp = `${bin}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // -vet=off: go1.19's vet ignores overlays and fails on the overlaid file.
    await run(go, ['test', '-c', '-vet=off', '-overlay', overlay, '-o', tmp, 'runtime'], env, dir);
    renameSync(tmp, bin); // atomic: concurrent builders race harmlessly
  } finally {
    rmSync(tmp, { force: true });
  }
  removeStale(dir, release, key);
  return bin;
}

/** Deletes the binaries, overlays and snapshots built for other keys of the same release (and the old unversioned names). */
function removeStale(dir: string, release: string, key: string): void {
  const r = release.replace('.', '\\.');
  const named = new RegExp(`^(?:mheapspec-replayer-${r}-([0-9a-f]{16})\\.test|overlay-${r}-([0-9a-f]{16})\\.json|[a-z_]+-${r}-([0-9a-f]{16})_test\\.go)$`);
  const old = /^(?:mheapspec-replayer-[0-9a-f]{16}\.test|overlay-[0-9a-f]{16}\.json|(?:trace|parse|time)-[0-9a-f]{16}_test\.go)$/;
  for (const name of readdirSync(dir)) {
    const m = named.exec(name);
    const k = m?.[1] ?? m?.[2] ?? m?.[3];
    if ((k !== undefined && k !== key) || old.test(name)) rmSync(path.join(dir, name), { force: true });
  }
}

/**
 * Keeps only the replayer's JSON lines. The test binary also prints testing's
 * own lines ("PASS", "FAIL", "--- FAIL: ...", "testing: warning: ..."), none of
 * which starts with `{`; every replayer line does and is written whole.
 */
export function jsonLines(stdout: string): string {
  const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
  return lines.map((l) => l + '\n').join('');
}

/**
 * Runs the replayer binary on a trace file (one or more concatenated trace
 * objects). extraEnv adds variables, e.g. { MHEAP_SPEC_TIME: '1' } for the
 * timing mode (time_test.go).
 */
export function runReplayer(bin: string, traceFile: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<ReplayerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-test.run', `^${REPLAYER_TEST}$`], {
      env: { ...process.env, ...extraEnv, MHEAP_SPEC_TRACE: path.resolve(traceFile) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        stdout: jsonLines(Buffer.concat(out).toString('utf8')),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
      });
    });
  });
}
