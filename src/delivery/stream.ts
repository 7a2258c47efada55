import { EventFactory } from '../load/webhook/event-factory.js';
import { burstSchedule, constantSchedule, type Schedule } from '../load/schedule.js';
import type { DeliveryConfig } from '../scenario/schema.js';

/** What every process of a delivery run needs to rebuild the same stream (plain data, sent over IPC). */
export interface StreamSpec {
  seed: number;
  ratePerSec: number;
  durationUs: number;
  sizeBytes: number;
  /** Present for pattern "burst". */
  burst?: { periodUs: number; burstUs: number; multiplier: number };
  subscribers: number;
}

/**
 * The one seeded event stream of a delivery run. Event `seq` has the same id, size and scheduled
 * offset whichever transport carries it; its body carries its scheduled time (t0, monotonic µs), so
 * any process on the host can measure delivery latency. The ledger counts (event, subscriber)
 * pairs, numbered `seq * subscribers + subscriber`.
 */
export class EventStream {
  readonly schedule: Schedule;
  readonly factory: EventFactory;
  readonly events: number;
  readonly subscribers: number;
  readonly pairs: number;

  constructor(readonly spec: StreamSpec) {
    const { burst } = spec;
    this.schedule = burst
      ? burstSchedule(spec.ratePerSec, burst.multiplier, burst.periodUs, burst.burstUs, spec.durationUs)
      : constantSchedule(spec.ratePerSec, spec.durationUs);
    this.factory = new EventFactory(spec.seed, spec.sizeBytes);
    this.events = this.schedule.expectedCount;
    this.subscribers = spec.subscribers;
    this.pairs = this.events * spec.subscribers;
  }

  /** t0 of event `seq` for a stream that starts at `startUs`. */
  scheduledUs(seq: number, startUs: number): number {
    return startUs + (this.schedule.offsetUs(seq) ?? this.spec.durationUs);
  }

  /** The body of event `seq` (same bytes on every transport and every attempt). */
  body(seq: number, startUs: number): string {
    return this.factory.build(seq, this.scheduledUs(seq, startUs)).body;
  }

  /** How many events are scheduled in [fromUs, toUs) of the stream. */
  countBetween(fromUs: number, toUs: number): number {
    let count = 0;
    for (let seq = 0; seq < this.events; seq++) {
      const offset = this.schedule.offsetUs(seq)!;
      if (offset >= fromUs && offset < toUs) count++;
    }
    return count;
  }
}

export function streamSpecOf(delivery: DeliveryConfig, seed: number): StreamSpec {
  const { events } = delivery;
  return {
    seed,
    ratePerSec: events.ratePerSec,
    durationUs: events.durationUs,
    sizeBytes: events.sizeBytes,
    ...(events.burst ? { burst: events.burst } : {}),
    subscribers: delivery.subscribers,
  };
}
