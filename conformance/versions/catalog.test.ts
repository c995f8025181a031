// The version catalog is complete enough to be cited: unique names, every
// release described, a Go change and a comparison rule per real runtime for
// each entry, and every entry a comparer names is in it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { versionCatalog, versionEntry } from './catalog.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('the version catalog', () => {
  it('has unique ids, and for each entry all three releases, a Go change, and how go1.19 and go1.26 are compared', () => {
    expect(new Set(versionCatalog.map((e) => e.id)).size).toBe(versionCatalog.length);
    for (const e of versionCatalog) {
      for (const r of ['go1.19', 'go1.21', 'go1.26'] as const) expect(e.go[r].length, `${e.id} ${r}`).toBeGreaterThan(0);
      expect(e.change.length, e.id).toBeGreaterThan(0);
      expect(e.change.join(' '), e.id).toMatch(/commit|CL \d+|issue #\d+|Go issue|runtime\/\w+\.go/);
      for (const r of ['go1.19', 'go1.26'] as const) expect(e.compared[r].length, `${e.id} ${r}`).toBeGreaterThan(0);
    }
  });

  it('holds every entry the comparers name', () => {
    const sources = ['../campaign/version_policy.ts', '../campaign/compare.ts', '../pagetrace/replay.ts', '../campaign/concretize.ts'].map((f) => readFileSync(path.join(here, f), 'utf8')).join('\n');
    const named = [...sources.matchAll(/'(freeMarksScavengeIndex|scavengeHookForces|scavengeIndex\w+|scavChunk\w+Removed|newPageAlloc\w+|randomizedHeapBase|pagetraceRemoved)'/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    for (const id of named) expect(versionEntry(id).id).toBe(id);
    expect(() => versionEntry('noSuchEntry')).toThrow(/no version catalog entry/);
  });
});
