import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { CheckStatus } from '@stryker-mutator/api/check';
import type { Mutant } from '@stryker-mutator/api/core';
import type { Logger } from '@stryker-mutator/api/logging';
import { afterAll, describe, expect, test } from 'vitest';
import { TscChecker, toChecked } from './strykerChecker.js';

class TestChecker extends TscChecker {
  protected override readonly scratch = '.cache/mutation-check-test';
}

const quiet = { info: () => undefined } as unknown as Logger;

describe('tsc7, the Stryker checker plugin', () => {
  afterAll(() => rmSync('.cache/mutation-check-test', { recursive: true, force: true }));

  test("toChecked turns Stryker's 0-based lines and columns into the report's 1-based ones", () => {
    const c = toChecked('/p', { fileName: '/p/model/x.ts', location: { start: { line: 0, column: 0 }, end: { line: 2, column: 5 } }, replacement: 'y' }, 'src');
    expect(c).toEqual({ file: 'model/x.ts', source: 'src', mutant: { location: { start: { line: 1, column: 1 }, end: { line: 3, column: 6 } }, replacement: 'y' } });
  });

  test('a mutant that does not type-check is a CompileError with tsc\'s error; one that does passes; mheap.ts checks in its import cycle', async () => {
    const at = (file: string, text: string, replacement: string, id: string): Mutant => {
      const lines = readFileSync(file, 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes(text));
      expect(line).toBeGreaterThanOrEqual(0);
      const column = lines[line]!.indexOf(text);
      return { id, fileName: resolve(file), mutatorName: 'test', replacement, location: { start: { line, column }, end: { line, column: column + text.length } } };
    };
    const mutants = [
      at('model/spanclass.ts', "'spanAllocHeap' satisfies", "'' satisfies", 'bad'),
      at('model/spanclass.ts', 'i < 0', 'i <= 0', 'good'),
      at('model/mheap.ts', 'this.allspans.length + 1', 'this.allspans.length - 1', 'mheap'),
    ];
    const checker = new TestChecker(quiet);
    await checker.init();
    const groups = await checker.group(mutants);
    expect(groups.flat().sort()).toEqual(['bad', 'good', 'mheap']);
    const results = await checker.check(mutants);
    expect(results['good']).toEqual({ status: CheckStatus.Passed });
    expect(results['mheap']).toEqual({ status: CheckStatus.Passed });
    expect(results['bad']!.status).toBe(CheckStatus.CompileError);
    expect(results['bad']).toMatchObject({ reason: expect.stringMatching(/^\d+:\d+ TS\d+: /) });
  }, 60_000);
});
