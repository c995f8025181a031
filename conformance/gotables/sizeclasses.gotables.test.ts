// The model's size-class tables against Go's own: the committed copy of
// go1.21.12's sizeclasses.go table, and that copy against every Go source
// tree on this machine.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { _PageSize, class_to_allocnpages, class_to_size } from '../../model/sizeclasses.js';
import { parseSizeClassTable, tableSource } from './sizeclasses_extract.js';
import { goSizeClasses } from './sizeclasses_table.js';

describe('size classes', () => {
  test('class_to_size, class_to_allocnpages and objects per span are Go\'s table', () => {
    expect(goSizeClasses).toHaveLength(class_to_size.length - 1);
    for (const [cls, bytesPerObj, bytesPerSpan, objects, tailWaste] of goSizeClasses) {
      expect([cls, class_to_size[cls], class_to_allocnpages[cls]! * _PageSize]).toEqual([cls, bytesPerObj, bytesPerSpan]);
      const n = Math.floor(bytesPerSpan / bytesPerObj);
      expect([cls, n, bytesPerSpan - n * bytesPerObj]).toEqual([cls, objects, tailWaste]);
    }
  });

  /** Go source trees here: Debian's go1.19 and the machine's go, if any. */
  function goTrees(): string[] {
    const trees = ['/usr/share/go-1.19/src/runtime/sizeclasses.go'];
    try {
      const root = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).trim();
      trees.push(`${root}/src/runtime/sizeclasses.go`, `${root}/src/internal/runtime/gc/sizeclasses.go`);
    } catch {
      // no go on PATH
    }
    return trees.filter((f) => existsSync(f));
  }

  test('the committed table is the one in the Go source trees on this machine', (ctx) => {
    const trees = goTrees();
    if (trees.length === 0) {
      if (process.env.MHEAP_SPEC_REQUIRE_GO === '1') throw new Error('no Go source tree found, and MHEAP_SPEC_REQUIRE_GO=1');
      ctx.skip();
    }
    for (const f of trees) expect([f, tableSource(parseSizeClassTable(readFileSync(f, 'utf8')))]).toEqual([f, tableSource(goSizeClasses)]);
  });
});
