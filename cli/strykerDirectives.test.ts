import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

// Stryker's instrumenter (DirectiveBookkeeper) reads a `// Stryker disable next-line` directive only
// from a syntax node's leading comments and applies it to the line that node starts on. A comment
// before `} else if (...)` or `else x` leads no node (it trails the block or statement before), so it silently disables nothing:
// the mutants it means to set aside still run and survive. Such a comment goes after `} else`.

/** 1-based lines of SOURCE where a disable next-line directive is followed by a line no node starts on. */
function misplacedDirectives(source: string): number[] {
  const lines = source.split('\n');
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (!/\/\/\s?Stryker disable next-line/.test(l)) return;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim().startsWith('//')) j++;
    if (/^\s*([})\]]|else\b)/.test(lines[j] ?? '')) out.push(j + 1);
  });
  return out;
}

describe('Stryker directives in model/', () => {
  test('a directive before `} else if` is misplaced; one after `} else`, or before a statement, is not', () => {
    const d = '// Stryker disable next-line ConditionalExpression: reason';
    expect(misplacedDirectives(['if (a) {', '  x();', d, '} else if (b) {', '}'].join('\n'))).toEqual([4]);
    expect(misplacedDirectives(['if (a) {', '  x();', '} else', d, 'if (b) {', '}'].join('\n'))).toEqual([]);
    expect(misplacedDirectives([d, '// more words', 'if (b) return;'].join('\n'))).toEqual([]);
    // Before `else x` it trails the if's consequent (mranges.ts had one).
    expect(misplacedDirectives(['if (a) y();', d, 'else x();'].join('\n'))).toEqual([3]);
  });

  test('every disable next-line comment in model/ is followed by a line a node starts on', () => {
    const files = readdirSync('model').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(40);
    const misplaced = files.flatMap((f) => misplacedDirectives(readFileSync(`model/${f}`, 'utf8')).map((n) => `model/${f}:${n}`));
    expect(misplaced).toEqual([]);
  });
});
