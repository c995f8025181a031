// How a line of the model (go1.21) and a line of a real runtime are brought
// to one form before they are compared: only where the version catalog
// (conformance/versions/catalog.ts) names the difference, only on lines
// that differ, and each edit is counted under the entry that allows it.
// Everything else is compared exactly.
//
// go1.19: the scavenge policy of scavenge_policy.ts (freeMarksScavengeIndex,
//   scavengeHookForces): scavenged-bit fields are masked from the first
//   scavenge after a free, freeRef or cacheFlush; layouts where go1.19's own
//   index answers at random end the comparison (scavengeIndexSysGrowMin).
// go1.26: index.chunks[].flags keeps only scavChunkHasFree, on both sides
//   (scavChunkNoHugePageRemoved). Scavenged bits, released pages and the
//   rest of the index are exact.

import type { RealRelease } from '../versions/catalog.js';
import { scavChunkHasFree } from '../../model/mgcscavenge_index.js';
import type { OpProfile } from './arbitrary.js';
import type { ScavengePolicy } from './scavenge_policy.js';
import { maskScavenged, scavengePolicy } from './scavenge_policy.js';

type Json = Record<string, unknown>;

export interface ComparePolicy {
  readonly release: RealRelease;
  /** Which scavenges are compared exactly and where masking starts (go1.19); everything exact for go1.26. */
  readonly scav: ScavengePolicy;
  /** Edits the parsed lines of op i (which differ) into the form compared; returns the catalog entries the edits rely on (none: compare as they are). */
  normalize(i: number, model: Json, go: Json): readonly string[];
}

/** The op profile the generator uses for a runtime. */
export function opProfile(release: RealRelease): OpProfile {
  return release === 'go1.19' ? 'go1.19' : 'go1.21+';
}

const go119Entries = ['freeMarksScavengeIndex', 'scavengeHookForces'] as const;

/** Keeps only scavChunkHasFree in every chunk's flags of an index line; whether a value changed. */
function keepHasFree(line: Json): boolean {
  const chunks = (line['index'] as { chunks?: { flags?: unknown }[] } | undefined)?.chunks ?? [];
  let changed = false;
  for (const c of chunks) {
    if (typeof c.flags !== 'number') continue;
    const f = c.flags & scavChunkHasFree;
    if (f !== c.flags) changed = true;
    c.flags = f;
  }
  return changed;
}

export function comparePolicy(release: RealRelease, ops: readonly { readonly op: string | number }[]): ComparePolicy {
  if (release === 'go1.19') {
    const scav = scavengePolicy(ops);
    return {
      release,
      scav,
      normalize(i, model, go) {
        if (i < scav.maskFrom) return [];
        maskScavenged(model);
        maskScavenged(go);
        return go119Entries;
      },
    };
  }
  const scav: ScavengePolicy = {
    maskFrom: ops.length,
    compared: ops.flatMap((o, i) => (o.op === 'scavenge' || o.op === 'scavengeBg' ? [i] : [])),
    afterFree: [],
  };
  return {
    release,
    scav,
    normalize(_i, model, go) {
      const m = keepHasFree(model);
      const g = keepHasFree(go);
      return m || g ? ['scavChunkNoHugePageRemoved'] : [];
    },
  };
}
