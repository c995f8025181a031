import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { combine, combineFlat, summarizeBits, summarizeWords } from './summary.js';

describe('summary: the spec\'s two readings agree', () => {
  test.prop([fc.uint32Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 15 })])(
    'summarizeWords gives the free runs a regular expression finds',
    (words, fillFrom, fillWords) => {
      // Runs of whole free and whole allocated words, as real chunks have.
      for (let k = 0; k < words.length; k++) if (k >= fillFrom && k < fillFrom + fillWords) words[k] = k % 2 === 0 ? 0 : 0xffffffff;
      const pages = Array.from({ length: 512 }, (_, i) => ((words[i >>> 5]! >>> (i & 31)) & 1 ? '1' : '0')).join('');
      const runs = pages.match(/0+/g) ?? [];
      const want = [/^0*/.exec(pages)![0].length, Math.max(0, ...runs.map((r) => r.length)), /0*$/.exec(pages)![0].length];
      expect(summarizeWords(512, words)).toEqual(want);
      expect(summarizeBits(512, (i) => Number(pages[i]))).toEqual(want);
    },
  );

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })), { minLength: 1, maxLength: 8 })])(
    'combine over children equals summarizing their pages',
    (children) => {
      // Child j has a free run of children[j][0] pages at its start and of children[j][1] at its end.
      const childPages = 8;
      const page = (i: number): number => {
        const [head, tail] = children[Math.floor(i / childPages)]!;
        const k = i % childPages;
        return k < head || k >= childPages - tail ? 0 : 1;
      };
      const kids = children.map((_, j) => summarizeBits(childPages, (i) => page(j * childPages + i)));
      const whole = summarizeBits(children.length * childPages, page);
      expect(combine(kids, childPages)).toEqual(whole);
      expect(combineFlat(Int32Array.from(kids.flat()), kids.length, childPages)).toEqual(whole);
    },
  );

  test('a wholly free and a wholly allocated chunk', () => {
    expect(summarizeWords(512, new Uint32Array(16))).toEqual([512, 512, 512]);
    expect(summarizeWords(512, new Uint32Array(16).fill(0xffffffff))).toEqual([0, 0, 0]);
  });
});
