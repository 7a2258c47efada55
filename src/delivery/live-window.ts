import { createHistogram, recordUs, type Histogram } from '../metrics/histogram.js';

/**
 * Deliveries seen since the last progress tick, for the live line and dashboard only (result.json
 * takes its numbers from the receipt books and ledgers at the end): a count and the p99 of their
 * latency from the scheduled time.
 */
export class LiveWindow {
  private readonly latency: Histogram = createHistogram();
  private delivered = 0;

  record(latencyUs: number): void {
    this.delivered++;
    recordUs(this.latency, latencyUs);
  }

  /** What arrived since the last take; starts a new window. */
  take(): { delivered: number; p99Us: number | undefined } {
    const taken = { delivered: this.delivered, p99Us: this.delivered > 0 ? this.latency.getValueAtPercentile(99) : undefined };
    this.delivered = 0;
    this.latency.reset();
    return taken;
  }
}
