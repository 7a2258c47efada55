import type { LiveWindow } from './live-window.js';
import { createHistogram, encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import type { ReceiverView } from './ledger.js';

/** What a receiving side hands back at the end: its ledger view and its latency histogram (encoded). */
export interface ReceiptSnapshot extends ReceiverView {
  /** First receipts of pairs outside the stream (bad subscriber index or seq); never expected. */
  unexpected: number;
  /** t3 - t0 of every first receipt, µs, HdrHistogram base64. */
  latencyHdr: string;
  /** First receipts in each second since the stream's start (index = second); empty before `startAt`. */
  deliveredPerSecond: number[];
}

/**
 * The receiving side's record of a delivery run: one bit per (event, subscriber) pair, duplicates,
 * out-of-order first receipts (a lower seq after a higher one, per subscriber), and the latency of
 * each first receipt from the event's scheduled time (t3 - t0).
 */
export class ReceiptBook {
  private readonly received: Uint8Array;
  private readonly highestSeq: Int32Array;
  private readonly latency: Histogram = createHistogram();
  private duplicates = 0;
  private reordered = 0;
  private unexpected = 0;
  private streamStartUs: number | undefined;
  private readonly perSecond: number[] = [];

  constructor(
    private readonly events: number,
    private readonly subscribers: number,
  ) {
    this.received = new Uint8Array(Math.ceil((events * subscribers) / 8));
    this.highestSeq = new Int32Array(subscribers).fill(-1);
  }

  /** Set to watch first receipts live (progress line, dashboard). */
  live: LiveWindow | undefined;

  /** The stream starts at `startUs` (monotonic µs): first receipts are counted per second from then. */
  startAt(startUs: number): void {
    this.streamStartUs = startUs;
  }

  /** Records that `subscriber` got event `seq` (scheduled at `scheduledUs`) at `arrivedUs`; returns false for a duplicate. */
  record(subscriber: number, seq: number, scheduledUs: number, arrivedUs: number): boolean {
    if (!(subscriber >= 0 && subscriber < this.subscribers && seq >= 0 && seq < this.events)) {
      this.unexpected++;
      return false;
    }
    const pair = seq * this.subscribers + subscriber;
    const byte = pair >>> 3;
    const mask = 1 << (pair & 7);
    if ((this.received[byte]! & mask) !== 0) {
      this.duplicates++;
      return false;
    }
    this.received[byte]! |= mask;
    if (seq < this.highestSeq[subscriber]!) this.reordered++;
    else this.highestSeq[subscriber] = seq;
    recordUs(this.latency, arrivedUs - scheduledUs);
    this.live?.record(arrivedUs - scheduledUs);
    if (this.streamStartUs !== undefined) this.countSecond(Math.max(0, Math.floor((arrivedUs - this.streamStartUs) / 1_000_000)));
    return true;
  }

  private countSecond(second: number): void {
    while (this.perSecond.length <= second) this.perSecond.push(0);
    this.perSecond[second]!++;
  }

  snapshot(): ReceiptSnapshot {
    return {
      received: this.received.slice(),
      duplicates: this.duplicates,
      reordered: this.reordered,
      unexpected: this.unexpected,
      latencyHdr: encodeHistogram(this.latency),
      deliveredPerSecond: [...this.perSecond],
    };
  }
}
