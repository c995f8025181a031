// runtime/mheap.go @ go1.21 · type mSpanList: a doubly-linked list of spans.

import type { MSpan } from './mspan.js';
import { throwGo } from './throw.js';

const site = 'runtime/mheap.go';

export class MSpanList {
  first: MSpan | null = null;
  last: MSpan | null = null;

  init(): void {
    this.first = null;
    this.last = null;
  }

  isEmpty(): boolean {
    return this.first === null;
  }

  /** remove takes span off this list; it must be on it. */
  remove(span: MSpan): void {
    if (span.list !== this) throwGo('mSpanList.remove', `${site} · (*mSpanList).remove`, `span.npages=${span.npages}`);
    if (this.first === span) this.first = span.next;
    else span.prev!.next = span.next;
    if (this.last === span) this.last = span.prev;
    else span.next!.prev = span.prev;
    span.next = null;
    span.prev = null;
    span.list = null;
  }

  /** insert puts span at the front; it must be on no list. */
  insert(span: MSpan): void {
    if (span.next !== null || span.prev !== null || span.list !== null) throwGo('mSpanList.insert', `${site} · (*mSpanList).insert`);
    span.next = this.first;
    if (this.first !== null) this.first.prev = span;
    else this.last = span;
    this.first = span;
    span.list = this;
  }

  /** insertBack puts span at the back; it must be on no list. */
  insertBack(span: MSpan): void {
    if (span.next !== null || span.prev !== null || span.list !== null) throwGo('mSpanList.insertBack', `${site} · (*mSpanList).insertBack`);
    span.prev = this.last;
    if (this.last !== null) this.last.next = span;
    else this.first = span;
    this.last = span;
    span.list = this;
  }

  /** takeAll moves every span of other to the front of this list. */
  takeAll(other: MSpanList): void {
    if (other.isEmpty()) return;
    for (let s = other.first; s !== null; s = s.next) s.list = this;
    if (this.isEmpty()) {
      this.first = other.first;
      this.last = other.last;
    } else {
      other.last!.next = this.first;
      this.first!.prev = other.last;
      this.first = other.first;
    }
    other.first = null;
    other.last = null;
  }
}
