import { createHistogram, encodeHistogram, recordUs } from '../metrics/histogram.js';
import type { Recorder } from '../metrics/recorder.js';

/** Counters a pipeline run always reports (0 when nothing happened), the names. */
export const PIPELINE_COUNTERS = [
  'pipeline.events',
  'pipeline.expected',
  'pipeline.delivered',
  'pipeline.missing',
  'pipeline.duplicates',
  'pipeline.unmatched',
  'pipeline.ingest.ok',
  'pipeline.refusedDelivered',
  'pipeline.unexpected',
] as const;

/** Per event: when it was meant to be sent, whether the backend accepted it, and each subscriber's first receipt. */
interface EventEntry {
  intendedUs: number;
  /** undefined: not settled yet; '' accepted; otherwise the error class. */
  outcome: string | undefined;
  /** Latency (µs) of subscriber i's first receipt, -1 before it. Allocated at the first receipt. */
  receiptUs: Int32Array | undefined;
}

/**
 * The pipeline's correlation ledger. Each webhook event is registered by its correlation value
 * when its request is written; each push is matched by the same value. At the end, every accepted
 * event expects every subscriber held at its intended send time: such a pair is delivered (its
 * latency recorded in `pipeline.latency`) or missing, so expected = delivered + missing by
 * construction. `pipeline.last` gets one sample per event that reached all its expected subscribers.
 */
export class PipelineLedger {
  private readonly events = new Map<string, EventEntry>();
  private readonly bySeq = new Map<number, EventEntry>();
  /** Per subscriber: held intervals [readyUs, droppedUs) flattened; droppedUs Infinity while held. */
  private readonly held: number[][];

  constructor(
    private readonly recorder: Recorder,
    readonly subscribers: number,
  ) {
    this.held = Array.from({ length: subscribers }, () => []);
  }

  /** The webhook for event `seq` is written with this correlation value (undefined: the body has none). */
  written(seq: number, value: string | undefined, intendedUs: number): void {
    if (value === undefined) {
      this.recorder.count('pipeline.ingest.uncorrelated');
      return;
    }
    const entry: EventEntry = { intendedUs, outcome: undefined, receiptUs: undefined };
    this.events.set(value, entry);
    this.bySeq.set(seq, entry);
  }

  /** The webhook for event `seq` settled: accepted (errorClass undefined) or refused/failed. */
  settled(seq: number, latencyUs: number | undefined, errorClass: string | undefined): void {
    const entry = this.bySeq.get(seq);
    if (entry) entry.outcome = errorClass ?? '';
    if (latencyUs !== undefined) this.recorder.record('pipeline.ingest', latencyUs);
    if (errorClass === undefined) this.recorder.count('pipeline.ingest.ok');
    else this.recorder.count(`pipeline.ingest.errors.${errorClass}`);
  }

  subscriberReady(index: number, atUs: number): void {
    this.held[index]!.push(atUs, Infinity);
  }

  subscriberDropped(index: number, atUs: number): void {
    const intervals = this.held[index]!;
    if (intervals.length > 0 && intervals[intervals.length - 1] === Infinity) intervals[intervals.length - 1] = atUs;
  }

  /** Subscriber `index` received a push carrying `value` at `receivedUs`. */
  received(index: number, value: string | undefined, receivedUs: number): void {
    const entry = value === undefined ? undefined : this.events.get(value);
    if (!entry) {
      this.recorder.count('pipeline.unmatched');
      return;
    }
    entry.receiptUs ??= new Int32Array(this.subscribers).fill(-1);
    if (entry.receiptUs[index]! >= 0) {
      this.recorder.count('pipeline.duplicates');
      return;
    }
    entry.receiptUs[index] = Math.max(0, Math.min(receivedUs - entry.intendedUs, 2 ** 31 - 1));
    this.recorder.count('pipeline.received');
  }

  /**
   * Settles the ledger into counters and histograms. They go into the run's totals only: settled
   * at the end, they would all land in the timeline's last second (`pipeline.received` is the
   * per-second curve). Events whose webhook never settled count as `pipeline.ingest.errors.unfinished`.
   */
  close(): void {
    const counts: Record<string, number> = Object.fromEntries(PIPELINE_COUNTERS.map((name) => [name, 0]));
    const add = (name: string, by = 1): void => void (counts[name] = (counts[name] ?? 0) + by);
    const latency = createHistogram();
    const last = createHistogram();
    for (const entry of this.events.values()) {
      if (entry.outcome === undefined) add('pipeline.ingest.errors.unfinished');
      if (entry.outcome !== '') {
        const pushed = entry.receiptUs ? entry.receiptUs.reduce((sum, us) => sum + (us >= 0 ? 1 : 0), 0) : 0;
        add('pipeline.refusedDelivered', pushed);
        continue;
      }
      add('pipeline.events');
      let expected = 0;
      let missing = 0;
      let lastUs = 0;
      for (let index = 0; index < this.subscribers; index++) {
        const us = entry.receiptUs?.[index] ?? -1;
        if (!this.heldAt(index, entry.intendedUs)) {
          if (us >= 0) add('pipeline.unexpected');
          continue;
        }
        expected++;
        if (us < 0) {
          missing++;
          continue;
        }
        recordUs(latency, us);
        if (us > lastUs) lastUs = us;
      }
      add('pipeline.expected', expected);
      add('pipeline.delivered', expected - missing);
      add('pipeline.missing', missing);
      if (expected > 0 && missing === 0) recordUs(last, lastUs);
    }
    this.recorder.addCounters(counts);
    this.recorder.addEncodedHistogram('pipeline.latency', encodeHistogram(latency));
    this.recorder.addEncodedHistogram('pipeline.last', encodeHistogram(last));
  }

  private heldAt(index: number, atUs: number): boolean {
    const intervals = this.held[index]!;
    for (let i = 0; i < intervals.length; i += 2) {
      if (intervals[i]! <= atUs && atUs < intervals[i + 1]!) return true;
    }
    return false;
  }
}
