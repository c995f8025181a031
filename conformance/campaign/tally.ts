// What a conformance campaign compared, and how much.

import { opNames } from '../trace/ops.js';
import type { OpName } from '../trace/ops.js';
import type { Comparison } from './compare.js';
import type { TraceObject } from './concretize.js';

export class Tally {
  traces = 0;
  ops = 0;
  readonly perKind: Record<OpName, number> = Object.fromEntries(opNames.map((n) => [n, 0])) as Record<OpName, number>;
  /** Op lines compared field by field (both sides printed them). */
  opLines = 0;
  /** Op lines that matched only once the version policy brought them to one form. */
  maskedLines = 0;
  /** Of those, per version catalog entry (conformance/versions/catalog.ts). */
  readonly catalogLines: Record<string, number> = {};
  scavengeCompared = 0;
  /** Of those, scavenges with no limit (npages -1). */
  scavengeComparedAll = 0;
  scavengeAfterFree = 0;
  unsupportedOps = 0;
  tracesWithScavengeCompared = 0;
  dumpStateTraces = 0;
  chunks = 0;
  /** Traces whose chunks are not one contiguous run. */
  tracesWithGaps = 0;
  /** Runs made while shrinking a divergence (not counted above). */
  shrinkRuns = 0;

  add(trace: TraceObject, c: Comparison): void {
    this.traces++;
    this.ops += trace.ops.length;
    for (const o of trace.ops) this.perKind[o['op'] as OpName]++;
    this.opLines += c.opLines;
    this.maskedLines += c.maskedLines;
    for (const [e, k] of Object.entries(c.catalogLines)) this.catalogLines[e] = (this.catalogLines[e] ?? 0) + k;
    this.scavengeCompared += c.scavengeCompared.length;
    this.scavengeComparedAll += c.scavengeCompared.filter((i) => trace.ops[i]!['npages'] === -1).length;
    this.scavengeAfterFree += c.scavengeAfterFree;
    this.unsupportedOps += c.unsupportedOps;
    if (c.scavengeCompared.length > 0) this.tracesWithScavengeCompared++;
    if (trace.dumpState === true) this.dumpStateTraces++;
    this.chunks += trace.chunks.length;
    const offs = trace.chunks.map((ch) => ch.chunk).sort((a, b) => a - b);
    if (offs.length > 0 && offs[offs.length - 1]! - offs[0]! !== offs.length - 1) this.tracesWithGaps++;
  }
}
