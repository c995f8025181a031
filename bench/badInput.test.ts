// The compiled bench (dist/, built by `npm test`'s pretest) refuses bad
// arguments and trace files in one line on stderr, exit 2, before timing
// anything.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'mheap-bench-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function bench(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/bench/main.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run bench: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['--bogus'], /Unknown option '--bogus'/],
    ['--reps 0', ['--reps', '0'], /--reps must be at least 1/],
    ['--reps that is not a number', ['--reps', 'x'], /--reps wants a whole number/],
    ['a malformed duration', ['--campaign-memory', '5x'], /--campaign-memory wants a duration/],
    ['a missing trace file', ['--trace', join(dir, 'none.json')], /ENOENT/],
    ['a trace that is not JSON', ['--trace', file('notjson.json', '{"chunks": [')], /not one JSON trace object/],
    ['a trace without ops', ['--trace', file('noops.json', '{"chunks": []}')], /needs "chunks" and "ops" arrays/],
    ['a negative chunk', ['--trace', file('neg.json', '{"chunks": [{"chunk": -1}], "ops": []}')], /chunks\[0\]: "chunk" must be a chunk number/],
    ['a range outside its chunk', ['--trace', file('range.json', '{"chunks": [{"chunk": 0, "alloc": [[0, 600]]}], "ops": []}')], /outside chunk/],
    ['an op the bench does not time', ['--trace', file('op.json', '{"chunks": [{"chunk": 0}], "ops": [{"op": "scavenge", "nbytes": 1}]}')], /op 0: only alloc/],
    ['a freeRef to a later op', ['--trace', file('ref.json', '{"chunks": [{"chunk": 0}], "ops": [{"op": "freeRef", "ref": 1}, {"op": "alloc", "npages": 1}]}')], /op 0: only alloc/],
  ];
  for (const [name, args, message] of cases) {
    test(name, () => {
      const r = bench(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^bench: /);
    });
  }

  test('a good trace is timed', () => {
    const r = bench('--trace', file('good.json', '{"chunks": [{"chunk": 0, "alloc": [[0, 3]]}], "ops": [{"op": "alloc", "npages": 2}, {"op": "freeRef", "ref": 0}]}'), '--reps', '1', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ops: 2, repetitions: 1 });
  });
});
