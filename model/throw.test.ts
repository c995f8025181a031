// The model's two refusals: Go's throw (runtime/panic.go · throw, printed as
// "fatal error: <msg>") and a model precondition (ModelError "<op>: <reason>").

import { describe, expect, test } from 'vitest';
import { GoThrow, ModelError, refuse, throwGo } from './throw.js';

function caught(f: () => void): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('GoThrow', () => {
  test('name, message and fields, as printed by Go\'s fatal error', () => {
    const e = new GoThrow('span has no free space', 'runtime/mcache.go · (*mcache).refill');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('GoThrow');
    expect(e.message).toBe('fatal error: span has no free space');
    expect(String(e)).toBe('GoThrow: fatal error: span has no free space');
    expect(e.goMessage).toBe('span has no free space');
    expect(e.site).toBe('runtime/mcache.go · (*mcache).refill');
    expect(e.detail).toBe('');
    expect(new GoThrow('m', 's', 'base = 0x1').detail).toBe('base = 0x1');
  });

  test('throwGo raises a GoThrow, with no detail unless given one', () => {
    const e = caught(() => throwGo('out of memory', 'runtime/mcache.go · (*mcache).allocLarge'));
    expect(e).toBeInstanceOf(GoThrow);
    expect((e as GoThrow).name).toBe('GoThrow');
    expect((e as GoThrow).detail).toBe('');
    expect((caught(() => throwGo('m', 's', 'npages = 3')) as GoThrow).detail).toBe('npages = 3');
  });
});

describe('ModelError', () => {
  test('name, message and fields', () => {
    const e = caught(() => refuse('pageAlloc.free', 'pages are not allocated'));
    expect(e).toBeInstanceOf(ModelError);
    expect(e).not.toBeInstanceOf(GoThrow);
    const m = e as ModelError;
    expect(m.name).toBe('ModelError');
    expect(m.message).toBe('pageAlloc.free: pages are not allocated');
    expect(String(m)).toBe('ModelError: pageAlloc.free: pages are not allocated');
    expect([m.op, m.reason]).toEqual(['pageAlloc.free', 'pages are not allocated']);
  });
});
