#!/usr/bin/env node
// Go's size-class table as data: parse the comment table at the top of a
// Go source tree's sizeclasses.go (class, bytes/obj, bytes/span, objects,
// tail waste, max waste, min align) and print sizeclasses_table.ts.
//
//   node dist/conformance/gotables/sizeclasses_extract.js PATH/TO/sizeclasses.go > conformance/gotables/sizeclasses_table.ts

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type SizeClassRow = readonly [cls: number, bytesPerObj: number, bytesPerSpan: number, objects: number, tailWaste: number, minAlign: number];

/** The rows of the comment table in sizeclasses.go's text (max waste, a derived percentage, left out). */
export function parseSizeClassTable(text: string): SizeClassRow[] {
  const rows: SizeClassRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\/\/\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+%\s+(\d+)\s*$/.exec(line);
    if (m !== null) rows.push([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])]);
  }
  return rows;
}

export function tableSource(rows: readonly SizeClassRow[]): string {
  return [
    '// Generated from go1.21.12 src/runtime/sizeclasses.go (its comment table; go1.19 and go1.26 have the same); do not edit.',
    '// Regenerate: node dist/conformance/gotables/sizeclasses_extract.js PATH/TO/sizeclasses.go',
    '',
    "/** Go's size classes: class, bytes/obj, bytes/span, objects, tail waste, min align. */",
    'export const goSizeClasses: readonly (readonly [cls: number, bytesPerObj: number, bytesPerSpan: number, objects: number, tailWaste: number, minAlign: number])[] = [',
    ...rows.map((r) => `  [${r.join(', ')}],`),
    '];',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: sizeclasses_extract PATH/TO/sizeclasses.go\n');
    process.exit(2);
  }
  const rows = parseSizeClassTable(readFileSync(file, 'utf8'));
  if (rows.length === 0) {
    process.stderr.write(`${file}: no size-class table found\n`);
    process.exit(2);
  }
  process.stdout.write(tableSource(rows));
}
