/** What a live progress line shows, once a second. */
export interface ProgressSnapshot {
  /** Which part of the run (a delivery transport), when the run has several. */
  label?: string;
  elapsedUs: number;
  totalUs: number;
  /** Requests started in the last complete second. */
  sentPerSec: number;
  /**
   * p99 of the last second's latency (µs): `webhook.latency`; delivery runs: scheduled -> receipt
   * (webhook: -> 2xx); WebSocket and SSE runs: the first of their metrics (LIVE_LATENCY_ORDER) with
   * samples reported that second. Undefined when nothing completed.
   */
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

/** Which metric a WebSocket or SSE run's progress line shows the p99 of: the first with samples in the second. */
export const LIVE_LATENCY_ORDER = {
  websocket: ['ws.echo', 'ws.request', 'ws.broadcast', 'ws.push', 'ws.connect'],
  sse: ['sse.push', 'sse.firstEvent', 'sse.connect'],
} as const;

/** The p99 of the first of `names` with samples in `p99Us` (one timeline second's). */
export function firstP99Us(p99Us: Record<string, number> | undefined, names: readonly string[]): number | undefined {
  for (const name of names) if (p99Us?.[name] !== undefined) return p99Us[name];
  return undefined;
}
