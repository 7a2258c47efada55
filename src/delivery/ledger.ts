import { PairState } from './pair-state.js';

/** One bit per (event, subscriber) pair: set when the subscriber received it at least once. */
export type ReceivedBits = Uint8Array;

export function hasBit(bits: ReceivedBits, pair: number): boolean {
  return ((bits[pair >>> 3] ?? 0) & (1 << (pair & 7))) !== 0;
}

/** The receiving side's view: which pairs arrived, and how many extra or out-of-order receipts. */
export interface ReceiverView {
  received: ReceivedBits;
  duplicates: number;
  reordered: number;
}

/**
 * The per-event ledger of one transport, in (event, subscriber) pairs.
 * published = delivered + lost + inflight when balanced; duplicates and reordered are counted apart.
 */
export interface Ledger {
  published: number;
  /** Received at least once (counted once). */
  delivered: number;
  /** Not received, and the sender no longer tries. */
  lost: number;
  /** Not received, and the sender still owned it at the cut-off. */
  inflight: number;
  duplicates: number;
  reordered: number;
  /** The sender saw an acknowledgement but the subscriber never recorded the pair. */
  ackedNotReceived: number;
  /** The subscriber recorded a pair the sender never sent. */
  receivedNotSent: number;
  balanced: boolean;
}

/**
 * Joins the sender's per-pair states with the receiver's bitset. Published pairs are those the
 * stream reached (all but Unsent: a run cut short publishes fewer). Each lands in exactly one of
 * delivered / inflight / lost, unless the two views contradict each other (acked but never received,
 * received but never sent): such a pair is counted apart and leaves the ledger unbalanced.
 */
export function joinLedger(senderStates: Uint8Array, receiver: ReceiverView): Ledger {
  let published = 0;
  let delivered = 0;
  let lost = 0;
  let inflight = 0;
  let ackedNotReceived = 0;
  let receivedNotSent = 0;
  for (let pair = 0; pair < senderStates.length; pair++) {
    const state = senderStates[pair];
    if (state !== PairState.Unsent) published++;
    if (hasBit(receiver.received, pair)) {
      if (state === PairState.Unsent || state === PairState.Skipped) receivedNotSent++;
      else delivered++;
    } else if (state === PairState.Acked) ackedNotReceived++;
    else if (state === PairState.Pending) inflight++;
    else if (state !== PairState.Unsent) lost++;
  }
  const extraReceived = countBits(receiver.received) - (delivered + receivedNotSent);
  receivedNotSent += extraReceived;
  return {
    published,
    delivered,
    lost,
    inflight,
    duplicates: receiver.duplicates,
    reordered: receiver.reordered,
    ackedNotReceived,
    receivedNotSent,
    balanced: ackedNotReceived === 0 && receivedNotSent === 0 && published === delivered + lost + inflight,
  };
}

function countBits(bits: ReceivedBits): number {
  let count = 0;
  for (const byte of bits) {
    let rest = byte;
    while (rest !== 0) {
      rest &= rest - 1;
      count++;
    }
  }
  return count;
}
