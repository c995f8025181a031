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

// runtime/mheap.go @ go1.21 · (*mSpanList).insert and insertBack throw
// "mSpanList.insert(Back)" if span.next, span.prev or span.list is set, any one
// of them; remove throws "mSpanList.remove" unless span.list is this list.
describe('mSpanList checks each of its preconditions', () => {
  const other = new MSpanList();
  const cases: [string, (s: MSpan) => void][] = [
    ['next set', (s) => (s.next = new MSpan(9))],
    ['prev set', (s) => (s.prev = new MSpan(9))],
    ['list set', (s) => (s.list = other)],
  ];
  for (const [name, corrupt] of cases) {
    test(`insert and insertBack throw with only ${name}, and leave the list as it was`, () => {
      const l = new MSpanList();
      const a = new MSpan(1);
      l.insert(a);
      const s = new MSpan(2);
      corrupt(s);
      expect(() => l.insert(s)).toThrow('fatal error: mSpanList.insert');
      expect(() => l.insertBack(s)).toThrow('fatal error: mSpanList.insertBack');
      expect(walk(l)).toEqual([1]);
    });
  }

  test('a lone span on a list is on it: inserting it again throws', () => {
    const l = new MSpanList();
    const s = new MSpan(1);
    l.insertBack(s);
    expect([s.next, s.prev, s.list]).toEqual([null, null, l]);
    expect(() => l.insert(s)).toThrow('fatal error: mSpanList.insert');
    expect(() => l.insertBack(s)).toThrow('fatal error: mSpanList.insertBack');
    expect(walk(l)).toEqual([1]);
  });

  test('remove of a span on no list throws', () => {
    const l = new MSpanList();
    l.insert(new MSpan(1));
    expect(() => l.remove(new MSpan(2))).toThrow(GoThrow);
    expect(walk(l)).toEqual([1]);
  });
});

describe('mSpanList edges', () => {
  test('remove from the front, the back and the middle keeps both directions linked', () => {
    const l = new MSpanList();
    const s = [1, 2, 3, 4, 5].map((i) => new MSpan(i));
    for (const x of s) l.insertBack(x);
    l.remove(s[0]!);
    expect(walk(l)).toEqual([2, 3, 4, 5]);
    l.remove(s[4]!);
    expect(walk(l)).toEqual([2, 3, 4]);
    l.remove(s[2]!);
    expect(walk(l)).toEqual([2, 4]);
    expect([s[2]!.next, s[2]!.prev, s[2]!.list]).toEqual([null, null, null]);
    l.insert(s[2]!);
    expect(walk(l)).toEqual([3, 2, 4]);
  });

  test('takeAll of an empty list changes nothing; into an empty list it takes the other whole', () => {
    const [l, o] = [new MSpanList(), new MSpanList()];
    l.insert(new MSpan(1));
    l.takeAll(o);
    expect(walk(l)).toEqual([1]);
    expect([o.first, o.last]).toEqual([null, null]);
    const e = new MSpanList();
    e.takeAll(l);
    expect(walk(e)).toEqual([1]);
    expect(l.isEmpty()).toBe(true);
    expect(l.last).toBeNull();
    // insertBack after takeAll: the last pointer came along.
    e.insertBack(new MSpan(2));
    expect(walk(e)).toEqual([1, 2]);
  });

  test('init empties the list', () => {
    const l = new MSpanList();
    l.insert(new MSpan(1));
    l.init();
    expect([l.first, l.last, l.isEmpty()]).toEqual([null, null, true]);
  });
});

test("the throws name Go's site and print what Go prints before them", () => {
  const l = new MSpanList();
  const s = new MSpan(1);
  s.npages = 3;
  const caught = (f: () => void): GoThrow => {
    try {
      f();
    } catch (e) {
      if (e instanceof GoThrow) return e;
    }
    throw new Error('no GoThrow');
  };
  expect([caught(() => l.remove(s)).site, caught(() => l.remove(s)).detail]).toEqual(['runtime/mheap.go · (*mSpanList).remove', 'span.npages=3']);
  l.insert(s);
  expect(caught(() => l.insert(s)).site).toBe('runtime/mheap.go · (*mSpanList).insert');
  expect(caught(() => l.insertBack(s)).site).toBe('runtime/mheap.go · (*mSpanList).insertBack');
});
