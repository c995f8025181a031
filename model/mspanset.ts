// runtime/mspanset.go @ go1.21 · type spanSet: a set of spans, pushed at the
// tail and popped from the head (a lock-free queue in Go; its blocks and
// spine are not modelled).

import type { MSpan } from './mspan.js';
import { throwGo } from './throw.js';

export class SpanSet {
  private spans: MSpan[] = [];
  private head = 0;
  /** Spans dropped from the front of spans since the last reset: Go's head and tail count from the reset. */
  private dropped = 0;

  /** push adds span s to the set. */
  push(s: MSpan): void {
    this.spans.push(s);
  }

  /** pop removes and returns a span, or null if the set is empty. */
  pop(): MSpan | null {
    if (this.head === this.spans.length) return null;
    const s = this.spans[this.head++]!;
    // Keep the array short: drop what was popped once half of it is.
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,ArithmeticOperator,BlockStatement: when (or whether) to compact is unobservable: spans.slice(head) with head = 0 keeps pop's order, contents() and length, and reset prints dropped + head and dropped + spans.length, which compaction leaves unchanged (dropped grows by what head loses and spans loses); only memory and time differ
    if (this.head > 32 && this.head * 2 > this.spans.length) {
      this.spans = this.spans.slice(this.head);
      this.dropped += this.head;
      this.head = 0;
    }
    return s;
  }

  /** reset: the set must be empty (finishsweep_m resets the unswept sets). */
  reset(): void {
    if (this.head < this.spans.length) throwGo('attempt to clear non-empty span set', 'runtime/mspanset.go · (*spanSet).reset', `head = ${this.dropped + this.head}, tail = ${this.dropped + this.spans.length}`);
    this.spans = [];
    this.head = 0;
    this.dropped = 0;
  }

  /** The spans in the set, head first (for invariants and fingerprints). */
  contents(): readonly MSpan[] {
    return this.spans.slice(this.head);
  }

  get length(): number {
    return this.spans.length - this.head;
  }
}
