/** What a live progress line shows, once a second. */
export interface ProgressSnapshot {
  /** Which part of the run (a delivery transport), when the run has several. */
  label?: string;
  elapsedUs: number;
  totalUs: number;
  /** Requests started in the last complete second. */
  sentPerSec: number;
  /** p99 of `webhook.latency` in the last complete second (µs), undefined when nothing completed. */
  p99Us: number | undefined;
  /** Errors since the start. */
  errors: number;
  inFlight: number;
  openConnections: number;
  /** WebSocket runs: connections the built-in servers hold (the other side of `openConnections`). */
  serverConnections?: number;
}
