import type { GeneratorReport } from '../load/pace-figures.js';
import type { Causes } from '../metrics/causes.js';
import { nowUs } from '../metrics/clock.js';
import type { DeliveryTransport } from '../scenario/schema.js';
import type { ProcessStats } from '../result/run-result.js';
import type { ProgressSnapshot } from '../load/progress.js';
import type { Ledger } from './ledger.js';
import type { EventStream } from './stream.js';
import type { OutageWindow } from './outage.js';
import type { LiveWindow } from './live-window.js';

/** What one transport run needs: the shared stream and the scenario's knobs. */
export interface TransportRunOptions {
  stream: EventStream;
  seed: number;
  outage: OutageWindow | undefined;
  drainUs: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProgressSnapshot) => void;
}

/** Everything one transport measured: the joined ledger and what delivering cost. */
export interface TransportReport {
  transport: DeliveryTransport;
  ledger: Ledger;
  /** t3 - t0 of every delivered pair (µs, HdrHistogram base64). */
  latencyHdr: string;
  /** First receipts in each second since the stream's start. */
  deliveredPerSecond: number[];
  /** t1 - t0 of every pair's first send (µs, HdrHistogram base64). */
  sendDelayHdr: string;
  /** CPU of the process(es) doing the sending and the receiving, from the start of the stream to the cut-off. */
  sendCpuMs: number;
  receiveCpuMs: number;
  /** Bytes on the wire both ways, HTTP headers / WebSocket handshakes and framing included (TCP/IP headers not). */
  bytesOnWire: number;
  peakSockets: number;
  /**
   * Requests the receiving side's delivery took: HTTP requests (webhook attempts, SSE stream GETs,
   * polls, failed ones included) plus WebSocket upgrades (the first connects and every reconnect).
   */
  requests: number;
  /** Webhook only: attempts made (first tries and retries). */
  attempts?: number;
  dispatched: number;
  /** The process that paced the stream, for the validity rule. */
  generator: GeneratorReport;
  processes: ProcessStats[];
  /** Reasons the run is void (backlog over its limit). */
  invalidReasons: string[];
  /** Extra counters worth keeping (receiver fault counts, reconnects, replays). */
  counters: Record<string, number>;
  /** Per failure counter, its first few distinct causes (webhook: `delivery.webhook.errors.<class>`). */
  causes?: Causes;
}

/** Gap between sending the start time to the children and the stream's first event. */
export const START_LEAD_US = 200_000;
const PROGRESS_INTERVAL_MS = 1_000;

/** Calls `onProgress` once a second with the transport's name and live state until the returned stop is called. */
export function startProgress(
  transport: DeliveryTransport,
  options: TransportRunOptions,
  startUs: number,
  live: () => { sentTotal: number; inFlight: number; openConnections: number },
  window?: LiveWindow,
): () => void {
  const { onProgress, stream, drainUs } = options;
  if (!onProgress) return () => undefined;
  let lastSent = 0;
  const timer = setInterval(() => {
    const state = live();
    onProgress({
      label: transport,
      elapsedUs: Math.max(0, nowUs() - startUs),
      totalUs: stream.spec.durationUs + drainUs,
      sentPerSec: state.sentTotal - lastSent,
      ...(window ? liveDeliveries(window) : { p99Us: undefined }),
      errors: 0,
      inFlight: state.inFlight,
      openConnections: state.openConnections,
    });
    lastSent = state.sentTotal;
  }, PROGRESS_INTERVAL_MS);
  return () => clearInterval(timer);
}

function liveDeliveries(window: LiveWindow): { p99Us: number | undefined; deliveredPerSec: number } {
  const { delivered, p99Us } = window.take();
  return { p99Us, deliveredPerSec: delivered };
}

/** Milliseconds of CPU (user + system) of this process since `since`. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}
