import type { TimelinePoint } from '../../metrics/recorder.js';
import type { LiveLevels } from '../../outputs/live-output.js';

/** One second as the live page draws it: the recorder's closed second and the run's live levels. */
export interface DashboardPoint {
  /** The run's second (0 = the first measured second). */
  second: number;
  /** The part of the run under way (a delivery transport), when it has several. */
  label?: string;
  /** Sends in the last second (requests, messages, published events) as the progress line counts them. */
  sentPerSec: number;
  /** Delivery runs: pairs delivered in the last second, by the transport under way (`label`). */
  deliveredPerSec?: number;
  /** The run's live p99 (µs) when the recorder has no per-second latency (delivery runs). */
  liveP99Us?: number;
  inFlight: number;
  openConnections: number;
  serverConnections?: number;
  /** Per latency metric: p50 and p99 of the samples recorded in this second (µs). */
  p50Us: Record<string, number>;
  p99Us: Record<string, number>;
  /** Counters incremented in this second, by name (errors are those under `.errors.`, `.failed.`, `.dropped.`). */
  counts: Record<string, number>;
}

export function toDashboardPoint(point: TimelinePoint, levels: LiveLevels | undefined): DashboardPoint {
  return {
    second: point.second,
    ...(levels?.label !== undefined ? { label: levels.label } : {}),
    sentPerSec: levels?.sentPerSec ?? 0,
    ...(levels?.deliveredPerSec !== undefined ? { deliveredPerSec: levels.deliveredPerSec } : {}),
    ...(levels?.deliveredPerSec !== undefined && levels.p99Us !== undefined ? { liveP99Us: levels.p99Us } : {}),
    inFlight: levels?.inFlight ?? 0,
    openConnections: levels?.openConnections ?? 0,
    ...(levels?.serverConnections !== undefined ? { serverConnections: levels.serverConnections } : {}),
    p50Us: point.p50Us,
    p99Us: point.p99Us,
    counts: point.counts,
  };
}
