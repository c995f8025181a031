// The two ways a model operation refuses to run. Both are raised before any
// state changes, so a caller that catches one finds the heap as it was.

/**
 * A Go runtime `throw("...")`: the message is Go's, verbatim, so that
 * `grep` finds the throw site in both codebases. `site` names the Go function
 * (e.g. "runtime/mpagealloc.go · (*pageAlloc).find").
 */
export class GoThrow extends Error {
  override readonly name = 'GoThrow';
  constructor(
    /** Go's throw message, verbatim. */
    readonly goMessage: string,
    /** Where Go throws it: file · function. */
    readonly site: string,
    /** What Go prints with print(...) before throwing, if anything. */
    readonly detail = '',
  ) {
    super(`fatal error: ${goMessage}`);
  }
}

/**
 * A precondition the spec requires but Go does not check (Go would crash,
 * corrupt its heap, or silently misbehave): npages 0, freeing pages that are
 * not allocated, growing outside the address space, and so on.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    /** The model entry point that refused, e.g. "pageAlloc.free". */
    readonly op: string,
    /** What was wrong, in one sentence. */
    readonly reason: string,
  ) {
    super(`${op}: ${reason}`);
  }
}

/** Raise Go's throw. */
export function throwGo(goMessage: string, site: string, detail = ''): never {
  throw new GoThrow(goMessage, site, detail);
}

/** Raise a model precondition error. */
export function refuse(op: string, reason: string): never {
  throw new ModelError(op, reason);
}
