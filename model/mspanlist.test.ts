import { describe, expect, test } from 'vitest';
import { MSpan } from './mspan.js';
import { MSpanList } from './mspanlist.js';
import { GoThrow } from './throw.js';

/** The list's spans front to back, checking the links both ways. */
function walk(l: MSpanList): number[] {
  const ids: number[] = [];
  let prev: MSpan | null = null;
  for (let s = l.first; s !== null; s = s.next) {
    expect(s.prev).toBe(prev);
    expect(s.list).toBe(l);
    ids.push(s.id);
    prev = s;
  }
  expect(l.last).toBe(prev);
  return ids;
}

describe('mSpanList', () => {
  test('insert puts spans at the front, insertBack at the back; remove unlinks', () => {
    const l = new MSpanList();
    const [a, b, c] = [new MSpan(1), new MSpan(2), new MSpan(3)];
    l.insert(a);
    l.insert(b);
    l.insertBack(c);
    expect(walk(l)).toEqual([2, 1, 3]);
    l.remove(a);
    expect(walk(l)).toEqual([2, 3]);
    expect([a.next, a.prev, a.list]).toEqual([null, null, null]);
    l.remove(b);
    l.remove(c);
    expect(l.isEmpty()).toBe(true);
    expect(l.last).toBeNull();
  });

  test('takeAll moves every span of the other list to the front', () => {
    const [l, o] = [new MSpanList(), new MSpanList()];
    l.insert(new MSpan(1));
    o.insertBack(new MSpan(2));
    o.insertBack(new MSpan(3));
    l.takeAll(o);
    expect(walk(l)).toEqual([2, 3, 1]);
    expect(o.isEmpty()).toBe(true);
    expect(o.last).toBeNull();
  });

  test("misuse throws Go's messages", () => {
    const [l, o] = [new MSpanList(), new MSpanList()];
    const s = new MSpan(1);
    l.insert(s);
    expect(() => l.insert(s)).toThrow(GoThrow);
    expect(() => o.insertBack(s)).toThrow('fatal error: mSpanList.insertBack');
    expect(() => o.remove(s)).toThrow('fatal error: mSpanList.remove');
    expect(walk(l)).toEqual([1]);
  });
});
