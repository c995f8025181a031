// Every Go citation of every registered catalog has its line(s) in
// go1.21.12 recorded (spec/goLines.ts): a new catalog entry citing a symbol
// not yet in the table fails here until `npm run go-lines --
// GO_1_21_12_TREE` is run and its output committed.

import { describe, expect, test } from 'vitest';
import { goLines } from '../spec/goLines.js';
import { citations, resolve } from './goLinesGen.js';
import { catalogRows } from './invariants.js';
import { invariantsMarkdown } from './invariantsDoc.js';

describe('Go line numbers', () => {
  test('every citation of every registered catalog has its lines in spec/goLines.ts', () => {
    const missing = citations()
      .map((c) => c.key)
      .filter((k) => !Object.hasOwn(goLines, k));
    expect(missing, `no go1.21.12 line recorded for these citations: run \`npm run go-lines -- GO_1_21_12_TREE\` and commit spec/goLines.ts`).toEqual([]);
  });

  test('the table holds only citations the catalogs make, each with sane ranges', () => {
    const keys = new Set(citations().map((c) => c.key));
    for (const [k, ranges] of Object.entries(goLines)) {
      expect(keys.has(k), `${k} is cited by no catalog entry`).toBe(true);
      expect(ranges.length).toBeGreaterThan(0);
      for (const [a, b] of ranges) {
        expect(Number.isSafeInteger(a) && a >= 1).toBe(true);
        expect(b).toBeGreaterThanOrEqual(a);
      }
    }
  });

  test('invariants.md links every entry to its lines on GitHub at go1.21.12', () => {
    const rows = catalogRows(new Map());
    const md = invariantsMarkdown(rows, undefined);
    for (const r of rows) {
      expect(r.goLines.length, r.id).toBeGreaterThan(0);
      const file = r.goFile.replace(/^runtime\//, '');
      for (const l of r.goLines) expect(md).toContain(`(https://github.com/golang/go/blob/go1.21.12/src/runtime/${file}#L${l.from}${l.to === l.from ? '' : `-L${l.to}`})`);
    }
  });
});

describe('finding a cited symbol in Go source', () => {
  const src = [
    '// Copyright 2009 The Go Authors. All rights reserved.', // 1
    '', // 2
    '// Page heap.', // 3
    '//', // 4
    '// See malloc.go.', // 5
    '', // 6
    'package runtime', // 7
    '', // 8
    '// A thing.', // 9
    'type thing struct {', // 10
    '\t// a counts.', // 11
    '\ta uint32', // 12
    '', // 13
    '\t// the table:', // 14
    '\t// if x then y', // 15
    '', // 16
    '\tsweepgen uint32', // 17
    '\tlo, hi   uintptr', // 18
    '\tnested struct {', // 19
    '\t\tbase uintptr', // 20
    '\t}', // 21
    '}', // 22
    '', // 23
    '// grow grows "{" things.', // 24
    'func (t *thing) grow(n uintptr) bool {', // 25
    '\tif n > 0 {', // 26
    '\t\treturn true', // 27
    '\t}', // 28
    '\treturn false', // 29
    '}', // 30
    '', // 31
    'const (', // 32
    '\t// flagA says so.', // 33
    '\tflagA flags = 1 << iota', // 34
    ')', // 35
    '', // 36
    'func spanOf(p uintptr) *mspan { return nil }', // 37
  ].join('\n');
  const cases: [string, [number, number][]][] = [
    ['package comment', [[3, 5]]],
    ['type thing', [[9, 22]]],
    ['type thing (a)', [[11, 12]]],
    ['type thing (sweepgen)', [[14, 17]]],
    ['type thing (lo, hi)', [[18, 18]]],
    ['type thing (a, nested)', [[11, 12], [19, 21]]],
    ['(*thing).grow', [[24, 30]]],
    ['thing.grow', [[24, 30]]],
    ['flagA', [[33, 34]]],
    ['spanOf', [[37, 37]]],
  ];
  for (const [symbol, want] of cases) test(symbol, () => expect(resolve(src, symbol)).toEqual(want));
  test('a symbol that is not there is an error, not a guess', () => {
    expect(() => resolve(src, '(*thing).shrink')).toThrow(/no method/);
    expect(() => resolve(src, 'type thing (missing)')).toThrow(/no field missing/);
    expect(() => resolve(src, 'type other')).toThrow(/no type other/);
    expect(() => resolve(src, 'what is this?')).toThrow(/cannot read the symbol/);
  });
});
