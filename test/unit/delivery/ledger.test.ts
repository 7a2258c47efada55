import { describe, expect, it } from 'vitest';
import { joinLedger } from '../../../src/delivery/ledger.js';
import { PairState } from '../../../src/delivery/pair-state.js';
import { ReceiptBook } from '../../../src/delivery/receipt-book.js';

const { Unsent, Pending, Acked, Abandoned, Skipped } = PairState;

/** Bits for the given pairs, in a bitset sized for `pairs`. */
function bitsOf(pairs: number, received: number[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(pairs / 8));
  for (const pair of received) bits[pair >>> 3]! |= 1 << (pair & 7);
  return bits;
}

describe('ledger join (sender states x receiver bitset)', () => {
  it('balances: delivered = received, in flight = pending and not received, lost = the rest; never-sent pairs are not published', () => {
    const states = Uint8Array.from([Acked, Acked, Pending, Pending, Abandoned, Abandoned, Skipped, Unsent, Acked, Pending]);
    const ledger = joinLedger(states, { received: bitsOf(10, [0, 1, 2, 4, 8]), duplicates: 3, reordered: 2 });
    expect(ledger).toEqual({
      published: 9,
      delivered: 5,
      lost: 2,
      inflight: 2,
      duplicates: 3,
      reordered: 2,
      ackedNotReceived: 0,
      receivedNotSent: 0,
      balanced: true,
    });
  });

  it('is unbalanced when the sender saw an ack the receiver never recorded', () => {
    const states = Uint8Array.from([Acked, Acked, Acked, Pending]);
    const ledger = joinLedger(states, { received: bitsOf(4, [0, 2]), duplicates: 0, reordered: 0 });
    expect(ledger).toMatchObject({ published: 4, delivered: 2, inflight: 1, lost: 0, ackedNotReceived: 1, receivedNotSent: 0, balanced: false });
  });

  it('is unbalanced when the receiver recorded a pair the sender skipped, never sent, or that is outside the stream', () => {
    const states = Uint8Array.from([Skipped, Unsent, Acked, Acked, Acked, Acked, Acked, Acked]);
    const ledger = joinLedger(states, { received: bitsOf(16, [0, 1, 2, 3, 4, 5, 6, 7, 12]), duplicates: 0, reordered: 0 });
    expect(ledger).toMatchObject({ published: 7, delivered: 6, lost: 0, inflight: 0, ackedNotReceived: 0, receivedNotSent: 3, balanced: false });
  });

  it('joins with a ReceiptBook: duplicates and out-of-order first receipts per subscriber', () => {
    const book = new ReceiptBook(4, 2);
    expect(book.record(0, 0, 1_000, 1_500)).toBe(true);
    expect(book.record(0, 2, 2_000, 2_700)).toBe(true);
    expect(book.record(0, 1, 1_500, 3_000)).toBe(true); // after seq 2: reordered
    expect(book.record(0, 2, 2_000, 3_100)).toBe(false); // duplicate
    expect(book.record(1, 3, 3_000, 3_050)).toBe(true);
    expect(book.record(2, 0, 0, 10)).toBe(false); // no subscriber 2
    expect(book.record(1, 4, 0, 10)).toBe(false); // no seq 4
    const snapshot = book.snapshot();
    expect(snapshot).toMatchObject({ duplicates: 1, reordered: 1, unexpected: 2 });
    // pairs: seq * 2 + subscriber -> 0, 4, 2, 7 received
    const states = Uint8Array.from([Acked, Abandoned, Acked, Pending, Acked, Abandoned, Skipped, Acked]);
    expect(joinLedger(states, snapshot)).toMatchObject({ published: 8, delivered: 4, lost: 3, inflight: 1, duplicates: 1, reordered: 1, balanced: true });
  });
});
