// After fast-check's shrinking, a second pass over the executed commands.
//
// fast-check shrinks inside its own generation tree, and on stateful runs it
// often stops at a local minimum (fast-check notes: "can stop at local
// minima"). A counterexample here is a plain list of commands with
// positional arguments that replay runs as is, so it can be cut further:
// drop chunks of commands, then single commands (Zeller's ddmin), keeping a
// cut whenever the same catalog entry still fails. The result is 1-minimal:
// without any one of its commands the failure goes away or changes.

import type { ReplayResult } from './replay.js';
import { replayCommands } from './replay.js';
import type { AnySuite, CommandCall } from './suite.js';

export interface Reduced {
  readonly commands: readonly CommandCall[];
  /** The replay of those commands: it fails with the same entry. */
  readonly replay: ReplayResult;
}

/** The commands a replay executed, up to and including the failing one. */
function executed(cand: readonly CommandCall[], r: ReplayResult): CommandCall[] {
  const skipped = new Set(r.skipped);
  const ran = cand.filter((_, i) => !skipped.has(i));
  return r.failure === undefined ? ran : ran.slice(0, r.failure.step + 1);
}

/**
 * Cut `commands` while replaying them still fails with `failureId`; at most
 * `maxReplays` replays. Returns undefined when the commands do not fail that
 * way to begin with.
 */
export function reduceCommands(suite: AnySuite, commands: readonly CommandCall[], failureId: string, maxReplays = 2000): Reduced | undefined {
  let replays = 0;
  const fails = (cand: readonly CommandCall[]): ReplayResult | undefined => {
    replays++;
    const r = replayCommands(suite, cand);
    return r.failure?.id === failureId ? r : undefined;
  };
  const first = fails(commands);
  if (first === undefined) return undefined;
  let cur = executed(commands, first);
  let best = first;
  let n = 2;
  while (cur.length >= 2 && replays < maxReplays) {
    const size = Math.ceil(cur.length / n);
    let cut = false;
    for (let start = 0; start < cur.length && replays < maxReplays; start += size) {
      const cand = [...cur.slice(0, start), ...cur.slice(start + size)];
      const r = fails(cand);
      if (r === undefined) continue;
      cur = executed(cand, r);
      best = r;
      n = Math.max(n - 1, 2);
      cut = true;
      break;
    }
    if (!cut) {
      if (size === 1) break;
      n = Math.min(cur.length, 2 * n);
    }
  }
  return { commands: cur, replay: best };
}
