/** What a live progress line shows, once a second. */
export interface ProgressSnapshot {
  /** Which part of the run (a delivery transport), when the run has several. */
  label?: string;
  elapsedUs: number;
  totalUs: number;
  /** Requests started in the last complete second. */
  sentPerSec: number;
  /** p99 of the last second's latency (µs): `webhook.latency`; delivery runs: scheduled -> receipt (webhook: -> 2xx). Undefined when nothing completed. */
  p99Us: number | undefined;
  /** Delivery runs: (event, subscriber) pairs delivered in the last second (webhook: acknowledged with a 2xx). */
  deliveredPerSec?: number;
  /** Errors since the start. */
  errors: number;
  inFlight: number;
  openConnections: number;
  /** WebSocket runs: connections the built-in servers hold (the other side of `openConnections`). */
  serverConnections?: number;
}
