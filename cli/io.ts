// Where the CLI's output goes: the real process streams, or strings in tests.

export interface Io {
  /** Results (stdout). */
  out(text: string): void;
  /** Errors and counterexamples (stderr). */
  err(text: string): void;
  /** Log lines: to stderr, so stdout stays clean for --json. */
  log(line: string): void;
  /** A progress line: redrawn in place on a terminal; otherwise a plain log line every 10 s at most. */
  progress(line: string): void;
  /** Call handler on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt?(handler: () => void): () => void;
}

const PLAIN_PROGRESS_EVERY_MS = 10_000;

/** The process's streams. */
export function processIo(): Io {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let lastPlain = performance.now();
  const clear = (): void => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => {
      clear();
      process.stderr.write(t);
    },
    log: (l) => {
      clear();
      process.stderr.write(l + '\n');
    },
    progress: (l) => {
      if (tty) {
        // One line, cut to the terminal's width so it redraws in place (0 columns: width unknown).
        const cols = process.stderr.columns || 0;
        process.stderr.write('\r\x1b[K' + (cols > 1 ? l.slice(0, cols - 1) : l));
        shown = true;
      } else if (performance.now() - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
        lastPlain = performance.now();
        process.stderr.write(l + '\n');
      }
    },
    onInterrupt(handler) {
      // The first Ctrl-C asks for a clean stop; a second one quits at once.
      let seen = false;
      const f = (): void => {
        if (seen) process.exit(130);
        seen = true;
        handler();
      };
      process.on('SIGINT', f);
      return () => process.off('SIGINT', f);
    },
  };
}

/** Captured output, for tests. */
export function memoryIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    log(l: string) {
      io.stderr += l + '\n';
    },
    progress() {},
  };
  return io;
}
