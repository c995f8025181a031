// The real programs whose heaps reports/realheaps.md replays: Go's own
// programs, built from the machine's Go source tree (go1.26.8) with the
// heap-base randomization off (version catalog: randomizedHeapBase), run
// with one P and the execution tracer's alloc/free events on.

/** How to build and run one program; paths are relative to GOROOT/src unless absolute. */
export interface RealProgram {
  /** File name and report key. */
  readonly name: string;
  /** What it is, in a sentence. */
  readonly program: string;
  /** `go build -o BIN PKG` or `go test -c -o BIN PKG`. */
  readonly build: { readonly kind: 'build' | 'test'; readonly pkg: string };
  /** The directory it runs in (GOROOT/src/...), as `go test` would run a test binary. */
  readonly dir: string;
  /** Arguments; TRACE is replaced by the execution trace's path, IMPORTCFG and FILES as for the compiler. */
  readonly args: readonly string[];
  /** For the compiler: the package it compiles (its import config and Go files are looked up with go list). */
  readonly compiles?: string;
}

export const realPrograms: readonly RealProgram[] = [
  {
    name: 'compile-go-types',
    program: 'cmd/compile compiling the standard library package go/types (-c=1, -traceprofile)',
    build: { kind: 'build', pkg: 'cmd/compile' },
    dir: '.',
    args: ['-p', 'go/types', '-importcfg', 'IMPORTCFG', '-o', 'OUT', '-c=1', '-traceprofile', 'TRACE', 'FILES'],
    compiles: 'go/types',
  },
  {
    name: 'json-code',
    program: "encoding/json's test binary: BenchmarkCodeEncoder and BenchmarkCodeDecoder, 20 iterations each (-test.trace)",
    build: { kind: 'test', pkg: 'encoding/json' },
    dir: 'encoding/json',
    args: ['-test.run', '^$', '-test.bench', '^BenchmarkCode(Encoder|Decoder)$', '-test.benchtime', '20x', '-test.trace', 'TRACE'],
  },
  {
    name: 'flate-encode',
    program: "compress/flate's test binary: every BenchmarkEncode case, 3 iterations each (-test.trace); large buffers, a GC every few of them",
    build: { kind: 'test', pkg: 'compress/flate' },
    dir: 'compress/flate',
    args: ['-test.run', '^$', '-test.bench', '^BenchmarkEncode$', '-test.benchtime', '3x', '-test.trace', 'TRACE'],
  },
];

/** The environment the programs are built and run in, besides the go command's own. */
export const BUILD_GOEXPERIMENT = 'norandomizedheapbase64';
export const RUN_ENV: Readonly<Record<string, string>> = { GOMAXPROCS: '1', GODEBUG: 'traceallocfree=1' };
