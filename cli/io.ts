// Where the CLI's output goes: the real process streams, or strings in tests.

export interface Io {
  /** Results (stdout). */
  out(text: string): void;
  /** Errors and counterexamples (stderr). */
  err(text: string): void;
  /** Log lines: to stderr, so stdout stays clean for --json. */
  log(line: string): void;
  /** A transient progress line: redrawn in place on a terminal, dropped otherwise. */
  progress(line: string): void;
}

/** The process's streams. */
export function processIo(): Io {
  const tty = process.stderr.isTTY === true;
  let shown = false;
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
      if (!tty) return;
      process.stderr.write('\r\x1b[K' + l);
      shown = true;
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
