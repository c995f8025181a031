// Where the CLI's output goes: the real process streams, or strings in tests.

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** The exit status of a run a signal stopped cleanly: 128 + the signal's number, as a shell reports a process it killed. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface Io {
  /** Results (stdout). */
  out(text: string): void;
  /** Errors and counterexamples (stderr). */
  err(text: string): void;
  /** Log lines: to stderr, so stdout stays clean for --json. */
  log(line: string): void;
  /** A progress line: redrawn in place on a terminal; otherwise a plain log line every 10 s at most. */
  progress(line: string): void;
  /** Call handler on Ctrl-C (SIGINT), SIGTERM or SIGHUP until the returned function is called. */
  onInterrupt?(handler: (signal: StopSignal) => void): () => void;
}

const PLAIN_PROGRESS_EVERY_MS = 10_000;

/**
 * A stream that stops writing, quietly, once its reader has gone (EPIPE:
 * `mheap-spec invariants | head`) or the terminal has (EIO after SIGHUP).
 * The command then runs on to its end and its own exit status.
 */
function quietWriter(stream: NodeJS.WriteStream): (t: string) => void {
  let gone = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'EIO' || e.code === 'ECONNRESET') gone = true;
    else throw e;
  });
  return (t) => {
    if (!gone) stream.write(t);
  };
}

/** The process's streams. */
export function processIo(): Io {
  const tty = process.stderr.isTTY === true;
  const stdout = quietWriter(process.stdout);
  const stderr = quietWriter(process.stderr);
  let shown = false;
  let lastPlain = performance.now();
  const clear = (): void => {
    if (shown) stderr('\r\x1b[K');
    shown = false;
  };
  return {
    out: (t) => stdout(t),
    err: (t) => {
      clear();
      stderr(t);
    },
    log: (l) => {
      clear();
      stderr(l + '\n');
    },
    progress: (l) => {
      if (tty) {
        // One line, cut to the terminal's width so it redraws in place (0 columns: width unknown).
        const cols = process.stderr.columns || 0;
        stderr('\r\x1b[K' + (cols > 1 ? l.slice(0, cols - 1) : l));
        shown = true;
      } else if (performance.now() - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
        lastPlain = performance.now();
        stderr(l + '\n');
      }
    },
    onInterrupt(handler) {
      // The first signal asks for a clean stop; a second one quits at once.
      let seen = false;
      const on = (sig: StopSignal) => (): void => {
        if (seen) process.exit(SIGNAL_EXIT[sig]);
        seen = true;
        handler(sig);
      };
      const fs = (Object.keys(SIGNAL_EXIT) as StopSignal[]).map((sig) => [sig, on(sig)] as const);
      for (const [sig, f] of fs) process.on(sig, f);
      return () => {
        for (const [sig, f] of fs) process.off(sig, f);
      };
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
