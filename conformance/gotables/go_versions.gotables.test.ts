// The ported Go tables against the Go sources on this machine: every case
// of go1.26.8's tests (that arises on linux/amd64) is ported, under Go's
// name; and go1.19's tables hold the same cases except where go_versions.ts
// says the test is version-dependent. Without the sources, skipped.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultGeometry as g } from '../../model/geometry.js';
import { goOnPath, goRuntime } from '../realgo/gorunner.js';
import { portedGoTests } from './go_versions.js';

/** A case name without the MinN suffix Go adds in a loop over page sizes (compared as a family). */
const family = (n: string): string => n.replace(/Min\d+$/, '');

/** The case names in a Go test function's tables: map keys, tests["NAME"] =, t.Run("NAME" and name: "NAME" (a +suffix dropped). */
function goCaseNames(src: string, test: string): Set<string> {
  const i = src.indexOf(`func ${test}(`);
  if (i < 0) throw new Error(`no func ${test} in the source`);
  const j = src.indexOf('\nfunc ', i + 1);
  const body = src.slice(i, j < 0 ? undefined : j);
  const out = new Set<string>();
  for (const m of body.matchAll(/^\t+"([^"]+)": ?(?:\{|test\{)/gm)) out.add(m[1]!);
  for (const m of body.matchAll(/tests\["([^"]+)"(?:\s*\+\s*suffix)?\]\s*=/g)) out.add(m[1]!);
  for (const m of body.matchAll(/name:\s+"([^"]+)"/g)) out.add(m[1]!);
  for (const m of body.matchAll(/t\.Run\("([^"]+)"/g)) if (!m[1]!.endsWith('/')) out.add(m[1]!); // "Bg/"+name: the cases again
  return out;
}

const go = goOnPath();
const rt = go === undefined ? null : goRuntime(go);
const root126 = rt !== null && rt.minor >= 21 ? execFileSync(go!, ['env', 'GOROOT'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).trim() : undefined;
const root119 = '/usr/share/go-1.19/src/runtime';

if (root126 === undefined) {
  test.skip('no go1.21+ source tree (`go env GOROOT` of Go 1.26 on PATH): the ported tables are not checked against it', () => {});
} else {
  describe(`the ported tables cover ${rt!.version}'s cases`, () => {
    for (const t of portedGoTests) {
      test(`${t.test} (${t.file})`, () => {
        const src = readFileSync(path.join(root126, 'src', 'runtime', t.file), 'utf8');
        const want = [...goCaseNames(src, t.test)].filter((n) => t.notOnAmd64?.[n] === undefined).map(family);
        expect(new Set(t.cases(g).map(family))).toEqual(new Set(want));
      });
    }
  });
}

if (!existsSync(root119)) {
  test.skip('no go1.19 sources (apt-get install golang-1.19-src): the version differences are not checked', () => {});
} else {
  describe('go1.19 tables: the same cases, unless marked version-dependent', () => {
    for (const t of portedGoTests) {
      test(`${t.test}${t.versions === undefined ? '' : ' (version-dependent)'}`, () => {
        const names = new Set([...goCaseNames(readFileSync(path.join(root119, t.file), 'utf8'), t.test)].map(family));
        const ours = new Set(t.cases(g).map(family));
        const same = [...names].filter((n) => t.notOnAmd64?.[n] === undefined).every((n) => ours.has(n)) && [...ours].every((n) => names.has(n));
        expect(same).toBe(t.versions === undefined);
      });
    }
  });
}
