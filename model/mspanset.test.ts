// runtime/mspanset.go @ go1.21 · spanSet: push at the tail, pop at the head,
// reset only when empty.

import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { MSpan } from './mspan.js';
import { SpanSet } from './mspanset.js';
import { GoThrow } from './throw.js';

const spans = Array.from({ length: 200 }, (_, i) => new MSpan(i + 1));

describe('spanSet', () => {
  test('Empty: pop of an empty set is nil', () => {
    const b = new SpanSet();
    expect(b.pop()).toBeNull();
    b.push(spans[0]!);
    expect(b.pop()).toBe(spans[0]);
    expect(b.pop()).toBeNull();
  });

  // Runs of pushes and pops, long enough to pop past Go's block of 512 entries and the model's compaction.
  const ops = fc.array(fc.oneof(fc.integer({ min: 1, max: 80 }).map((n) => ({ push: n })), fc.integer({ min: 1, max: 80 }).map((n) => ({ pop: n }))), { maxLength: 30 });

  prop.prop([ops])('pops what was pushed, oldest first (a queue)', (steps) => {
    const b = new SpanSet();
    const queue: MSpan[] = [];
    let next = 0;
    for (const st of steps) {
      if ('push' in st) {
        for (let i = 0; i < st.push; i++) {
          const s = spans[next++ % spans.length]!;
          b.push(s);
          queue.push(s);
        }
      } else {
        for (let i = 0; i < st.pop; i++) expect(b.pop()).toBe(queue.shift() ?? null);
      }
      expect(b.length).toBe(queue.length);
    }
    expect(b.contents()).toEqual(queue);
  });

  test('reset of an empty set lets it be used again', () => {
    const b = new SpanSet();
    b.push(spans[0]!);
    b.pop();
    b.reset();
    b.push(spans[1]!);
    expect(b.contents()).toEqual([spans[1]]);
  });

  prop.prop([fc.integer({ min: 1, max: 150 }), fc.nat({ max: 149 })])(
    'reset of a non-empty set throws "attempt to clear non-empty span set", printing head and tail (pops and pushes since the last reset), and keeps its spans',
    (pushes, k) => {
      const pops = k % pushes;
      const b = new SpanSet();
      for (let i = 0; i < pushes; i++) b.push(spans[i]!);
      for (let i = 0; i < pops; i++) b.pop();
      let e: unknown;
      try {
        b.reset();
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(GoThrow);
      const t = e as GoThrow;
      expect([t.goMessage, t.site, t.detail]).toEqual(['attempt to clear non-empty span set', 'runtime/mspanset.go · (*spanSet).reset', `head = ${pops}, tail = ${pushes}`]);
      expect(b.contents()).toEqual(spans.slice(pops, pushes));
    },
  );
});
