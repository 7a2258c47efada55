import { createHistogram, encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import type { Recorder } from '../metrics/recorder.js';
import { EVENT_ACCEPTED, EVENT_FAILED, EVENT_NOT_SENT_HERE, EVENT_UNFINISHED, type PipelineEventColumns } from '../result/pipeline-events.js';

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

/**
 * Per event: when it was meant to be sent, how its webhook went, and each subscriber's first receipt.
 * `foreign`: another shard sends it (its outcome is unknown here); `unsent`: this shard's, not written.
 */
interface EventEntry {
  seq: number;
  /** Its correlation value. */
  value: string;
  intendedUs: number;
  /** undefined: not settled yet; '' accepted; 'foreign' or 'unsent' (sharded runs); otherwise the error class. */
  outcome: string | undefined;
  /** Latency (µs) of subscriber i's first receipt, -1 before it. Allocated at the first receipt. */
  receiptUs: Int32Array | undefined;
}

const FOREIGN = 'foreign';
const UNSENT = 'unsent';

/**
 * The pipeline's correlation ledger. Each webhook event is registered by its correlation value
 * when its request is written; each push is matched by the same value. At the end, every accepted
 * event expects every subscriber held at its intended send time: such a pair is delivered (its
 * latency recorded in `pipeline.latency`) or missing, so expected = delivered + missing by
 * construction. `pipeline.last` gets one sample per event that reached all its expected subscribers.
 *
 * A shard (`--shard I/N`) holds only its share of the subscribers and sends only its stripe, but it
 * registers every event of the global schedule before the start (`expect`: the correlation value
 * and intended time derive from the seed), so its subscribers time events any shard sent. Its
 * counters take another shard's events as accepted; merge adds up the per-event columns that
 * `close()` returns.
 */
export class PipelineLedger {
  private readonly events = new Map<string, EventEntry>();
  private readonly bySeq = new Map<number, EventEntry>();
  /** Per subscriber: held intervals [readyUs, droppedUs) flattened; droppedUs Infinity while held. */
  private readonly held: number[][];
  /** Sharded runs: every event of the global schedule by its index, and the start its intended times count from. */
  private readonly byIndex: (EventEntry | undefined)[] = [];
  private sharded = false;
  private startUs: number | undefined;
  /** Receipts before this shard's start (another shard started a little earlier): timed once the start is known. */
  private early: { index: number; value: string; receivedUs: number }[] = [];
  /** A written event whose correlation value differs from the one derived from the seed (the first one). */
  unpredicted: { seq: number; written: string | undefined; predicted: string } | undefined;

  constructor(
    private readonly recorder: Recorder,
    readonly subscribers: number,
  ) {
    this.held = Array.from({ length: subscribers }, () => []);
  }

  /** Sharded runs, before the start: the global schedule has `count` events (`expect` registers them). */
  expectSchedule(count: number): void {
    this.sharded = true;
    this.byIndex.length = count;
  }

  /**
   * Sharded runs, before the start: event `seq` of the global schedule will carry `value` and is
   * meant to be sent `offsetUs` after the start; `own`: this shard sends it.
   */
  expect(seq: number, value: string, offsetUs: number, own: boolean): void {
    const entry: EventEntry = { seq, value, intendedUs: offsetUs, outcome: own ? UNSENT : FOREIGN, receiptUs: undefined };
    this.events.set(value, entry);
    this.bySeq.set(seq, entry);
    this.byIndex[seq] = entry;
  }

  /** Sharded runs: the schedule started at `startUs` (this process's clock); expected events' intended times count from it. */
  started(startUs: number): void {
    if (this.startUs !== undefined) return;
    this.startUs = startUs;
    for (const entry of this.byIndex) if (entry) entry.intendedUs += startUs;
    const early = this.early;
    this.early = [];
    for (const receipt of early) this.received(receipt.index, receipt.value, receipt.receivedUs);
  }

  /** The webhook for event `seq` is written with this correlation value (undefined: the body has none). */
  written(seq: number, value: string | undefined, intendedUs: number): void {
    const expected = this.bySeq.get(seq);
    if (expected) {
      if (value !== expected.value) this.unpredicted ??= { seq, written: value, predicted: expected.value };
      expected.outcome = undefined;
      if (value === undefined) this.recorder.count('pipeline.ingest.uncorrelated');
      return;
    }
    if (value === undefined) {
      this.recorder.count('pipeline.ingest.uncorrelated');
      return;
    }
    const entry: EventEntry = { seq, value, intendedUs, outcome: undefined, receiptUs: undefined };
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
    if (this.sharded && this.startUs === undefined) {
      this.early.push({ index, value: value!, receivedUs });
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
   * A shard takes another shard's events as accepted, and counts receipts of its own events that it
   * never sent as unmatched; it returns its per-event columns for merge (undefined unsharded).
   */
  close(): PipelineEventColumns | undefined {
    const counts: Record<string, number> = Object.fromEntries(PIPELINE_COUNTERS.map((name) => [name, 0]));
    const add = (name: string, by = 1): void => void (counts[name] = (counts[name] ?? 0) + by);
    const latency = createHistogram();
    const last = createHistogram();
    const figures = new Map<EventEntry, EventFigures>();
    for (const entry of this.events.values()) {
      if (entry.outcome === undefined) add('pipeline.ingest.errors.unfinished');
      const accepted = entry.outcome === '' || entry.outcome === FOREIGN;
      const event = this.figuresOf(entry, accepted ? latency : undefined);
      figures.set(entry, event);
      if (entry.outcome === UNSENT) {
        add('pipeline.unmatched', event.received);
        continue;
      }
      if (!accepted) {
        add('pipeline.refusedDelivered', event.received);
        continue;
      }
      add('pipeline.events');
      add('pipeline.expected', event.held);
      add('pipeline.delivered', event.delivered);
      add('pipeline.missing', event.held - event.delivered);
      add('pipeline.unexpected', event.received - event.delivered);
      if (event.held > 0 && event.delivered === event.held) recordUs(last, event.lastUs);
    }
    this.recorder.addCounters(counts);
    this.recorder.addEncodedHistogram('pipeline.latency', encodeHistogram(latency));
    this.recorder.addEncodedHistogram('pipeline.last', encodeHistogram(last));
    return this.sharded ? this.columns(figures) : undefined;
  }

  /** One event's figures over this process's subscribers; held receipts' latencies go into `latency` when given. */
  private figuresOf(entry: EventEntry, latency: Histogram | undefined): EventFigures {
    const figures: EventFigures = { held: 0, delivered: 0, received: 0, lastUs: 0 };
    for (let index = 0; index < this.subscribers; index++) {
      const us = entry.receiptUs?.[index] ?? -1;
      if (us >= 0) figures.received++;
      if (!this.heldAt(index, entry.intendedUs)) continue;
      figures.held++;
      if (us < 0) continue;
      figures.delivered++;
      if (latency) recordUs(latency, us);
      if (us > figures.lastUs) figures.lastUs = us;
    }
    return figures;
  }

  /** Per event of the global schedule: whether this shard sent it and how that went, and its figures here. */
  private columns(figures: Map<EventEntry, EventFigures>): PipelineEventColumns {
    const count = this.byIndex.length;
    const columns: PipelineEventColumns = {
      subscribers: this.subscribers,
      status: new Uint8Array(count),
      held: new Uint16Array(count),
      delivered: new Uint16Array(count),
      received: new Uint16Array(count),
      lastUs: new Uint32Array(count),
    };
    for (let seq = 0; seq < count; seq++) {
      const entry = this.byIndex[seq];
      if (!entry) continue;
      const event = figures.get(entry) ?? this.figuresOf(entry, undefined);
      columns.status[seq] = statusCode(entry.outcome);
      columns.held[seq] = event.held;
      columns.delivered[seq] = event.delivered;
      columns.received[seq] = event.received;
      columns.lastUs[seq] = event.lastUs;
    }
    return columns;
  }

  private heldAt(index: number, atUs: number): boolean {
    const intervals = this.held[index]!;
    for (let i = 0; i < intervals.length; i += 2) {
      if (intervals[i]! <= atUs && atUs < intervals[i + 1]!) return true;
    }
    return false;
  }
}

/** One event over one process's subscribers: held at its intended time, of them reached, reached at all, latest held receipt (µs). */
interface EventFigures {
  held: number;
  delivered: number;
  received: number;
  lastUs: number;
}

function statusCode(outcome: string | undefined): number {
  if (outcome === '') return EVENT_ACCEPTED;
  if (outcome === undefined) return EVENT_UNFINISHED;
  if (outcome === FOREIGN || outcome === UNSENT) return EVENT_NOT_SENT_HERE;
  return EVENT_FAILED;
}
