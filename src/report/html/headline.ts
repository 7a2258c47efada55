import type { RunResult } from '../../result/run-result.js';
import { ledgerProblems } from './ledger.js';
import { primaryMetricName } from './metric-names.js';

/** A run's headline numbers: the summary table of a report and the index of `pushbench publish` show these. */
export interface RunHeadline {
  /** Requests or messages sent per second (the achieved rate when the run measured it); delivery runs: pairs published per second of the run. */
  throughputPerSec: number;
  sent: number;
  ok: number;
  errors: number;
  /** The latency metric the percentiles below come from, or undefined when the run has none. */
  metric: string | undefined;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  valid: boolean;
  /** A delivery comparison: sent, ok and errors count (event, subscriber) pairs published, delivered and lost. */
  delivery: boolean;
  /** A WebSocket run: throughput is connections opened per second of the ramp; sent, ok and errors count connections (attempted, opened, failed or dropped). */
  websocket: boolean;
  /** Why the run is invalid: the run's own validity reasons plus any unbalanced delivery ledger. */
  invalidReasons: string[];
}

export function runHeadline(result: RunResult): RunHeadline {
  // A delivery run's unit is the (event, subscriber) pair: published, delivered, lost.
  const delivery = result.delivery !== undefined;
  const sent = sumCounters(result, delivery ? /^ledger\.[^.]+\.published$/ : /^[^.]+\.sent$/);
  const metric = primaryMetricName(result);
  const summary = metric === undefined ? undefined : result.metrics[metric];
  const invalidReasons = [...result.validity.reasons, ...ledgerProblems(result)];
  const seconds = result.durationMs / 1000;
  const area = result.counters['ws.connections.opened'] !== undefined ? 'ws' : result.counters['sse.connections.opened'] !== undefined ? 'sse' : undefined;
  const counts = area && !delivery ? connectionCounts(result, seconds, area) : loadCounts(result, delivery, sent, seconds);
  return {
    ...counts,
    metric,
    p50Us: summary?.p50 ?? 0,
    p99Us: summary?.p99 ?? 0,
    p999Us: summary?.p999 ?? 0,
    valid: result.validity.ok && invalidReasons.length === 0,
    delivery,
    invalidReasons,
  };
}

type HeadlineCounts = Pick<RunHeadline, 'throughputPerSec' | 'sent' | 'ok' | 'errors' | 'websocket'>;

/** Requests (load) or (event, subscriber) pairs (delivery). */
function loadCounts(result: RunResult, delivery: boolean, sent: number, seconds: number): HeadlineCounts {
  return {
    throughputPerSec: result.validity.achievedRatePerSec ?? (seconds > 0 ? sent / seconds : 0),
    sent,
    ok: sumCounters(result, delivery ? /^ledger\.[^.]+\.delivered$/ : /^[^.]+\.ok$/),
    errors: sumCounters(result, delivery ? /^ledger\.[^.]+\.lost$/ : /^[^.]+\.errors\./),
    websocket: false,
  };
}

/** Connections (ws) or streams (sse): attempted, opened, failed or dropped; throughput is the ramp's connect rate. */
function connectionCounts(result: RunResult, seconds: number, area: 'ws' | 'sse'): HeadlineCounts {
  const opened = result.counters[`${area}.connections.opened`] ?? 0;
  const failed = sumCounters(result, new RegExp(`^${area}\\.connections\\.failed\\.`));
  return {
    throughputPerSec: result.validity.connectRatePerSec ?? (seconds > 0 ? opened / seconds : 0),
    sent: opened + failed,
    ok: opened,
    errors: failed + sumCounters(result, new RegExp(`^${area}\\.connections\\.dropped(\\.|$)`)),
    websocket: true,
  };
}

function sumCounters(result: RunResult, pattern: RegExp): number {
  return Object.entries(result.counters).reduce((sum, [name, value]) => (pattern.test(name) ? sum + value : sum), 0);
}
