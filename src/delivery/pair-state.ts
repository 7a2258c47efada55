/**
 * What the sending side knows of one (event, subscriber) pair at the cut-off, one byte per pair.
 * The ledger joins these with what the receiving side recorded.
 */
export const PairState = {
  /** Never sent: the stream was cut off before its time. */
  Unsent: 0,
  /** The sender still owns it: queued, in flight, waiting for a retry, or unacknowledged in a replay log. */
  Pending: 1,
  /** The subscriber acknowledged it (webhook 2xx, WebSocket ack). */
  Acked: 2,
  /** Sent, and the sender will not try again (webhook gave up or endpoint disabled; WebSocket connection dropped). */
  Abandoned: 3,
  /** Never sent because the subscriber was away (plain WebSocket push). */
  Skipped: 4,
} as const;

export type PairStateCode = (typeof PairState)[keyof typeof PairState];
