import type { RunResult } from '../../result/run-result.js';

/**
 * Reports render from names, not from a fixed list, so metrics added later (ws.connect, ws.echo,
 * delivery.<transport>.latency) appear on their own. These helpers collect and order those names.
 */

/** Every latency metric of any run, most telling first: delivery, then *latency*, then the rest, generator.* last. */
export function latencyMetricNames(results: readonly RunResult[]): string[] {
  return unionInOrder(results.map((result) => Object.keys(result.metrics))).sort((a, b) => metricRank(a) - metricRank(b));
}

function metricRank(name: string): number {
  if (name.startsWith('delivery.')) return 0;
  if (name.startsWith('generator.')) return 3;
  return name.includes('latency') || name === 'sse.push' ? 1 : 2;
}

/** The metric a run's headline quotes: the first of latencyMetricNames that has samples. */
export function primaryMetricName(result: RunResult): string | undefined {
  return latencyMetricNames([result]).find((name) => (result.metrics[name]?.count ?? 0) > 0);
}

/** Per-second count names that are event rates (not bytes, errors or connection churn), in first-seen order. */
export function rateCountNames(results: readonly RunResult[]): string[] {
  const names = timelineKeys(results, (point) => Object.keys(point.counts));
  return names.filter((name) => !isErrorCount(name) && !/bytes/i.test(name) && !name.includes('.connections.'));
}

/** Areas (the part before `.errors.`) that count errors per second, or that send and so could have errors. */
export function errorAreas(results: readonly RunResult[]): string[] {
  const counters = unionInOrder(results.map((result) => Object.keys(result.counters)));
  // The delivery comparison's failure counters (`delivery.webhook.errors.*`) are per-transport totals, not per second: its own section shows them.
  const areas = counters.filter((name) => (isErrorCount(name) && !name.startsWith('delivery.')) || /^[^.]+\.sent$/.test(name)).map(areaOf);
  return [...new Set(areas)];
}

/** Rate names grouped by area (`webhook`, `ws`), the asked count (`.scheduled`) first in its area (Chart.js draws the first dataset on top). */
export function rateAreas(rateNames: readonly string[]): Array<[string, string[]]> {
  const byArea = new Map<string, string[]>();
  for (const name of rateNames) byArea.set(areaOf(name), [...(byArea.get(areaOf(name)) ?? []), name]);
  return [...byArea].map(([area, names]) => [area, [...names].sort((a, b) => Number(b.endsWith('.scheduled')) - Number(a.endsWith('.scheduled')))]);
}

/** The error classes an area counted (`webhook.errors.timeout`, ...), from the run totals, in first-seen order. */
export function errorClassNames(results: readonly RunResult[], area: string): string[] {
  const counters = unionInOrder(results.map((result) => Object.keys(result.counters)));
  return counters.filter((name) => name.startsWith(`${area}.errors.`));
}

/** `ws.connections.dropped.<close code>` counts of any second. */
export function closeCodeNames(results: readonly RunResult[]): string[] {
  return timelineKeys(results, (point) => Object.keys(point.counts)).filter((name) => name.startsWith('ws.connections.dropped.'));
}

export function isErrorCount(name: string): boolean {
  return name.includes('.errors.');
}

/** `webhook.errors.timeout` -> `webhook`. */
export function areaOf(name: string): string {
  return name.split('.')[0] ?? name;
}

/** Per-second p99 names (latency metrics with a timeline). */
export function timelineP99Names(results: readonly RunResult[]): string[] {
  return timelineKeys(results, (point) => Object.keys(point.p99Us)).sort((a, b) => metricRank(a) - metricRank(b));
}

/** `webhook.connections.open`, `ws.connections` (client side), `ws.server.connections` (server side), `sse.connections`, `sse.server.streams`. */
const OPEN_CONNECTIONS_GAUGE = /(^|\.)(connections|streams)(\.open)?$/;

/** Gauges of open connections: the connection ramp. */
export function connectionGaugeNames(results: readonly RunResult[]): string[] {
  return timelineKeys(results, (point) => Object.keys(point.gauges)).filter((name) => OPEN_CONNECTIONS_GAUGE.test(name));
}

type TimelinePoint = RunResult['timeline'][number];

function timelineKeys(results: readonly RunResult[], keysOf: (point: TimelinePoint) => string[]): string[] {
  return unionInOrder(results.flatMap((result) => result.timeline.map(keysOf)));
}

function unionInOrder(lists: readonly string[][]): string[] {
  const seen = new Set<string>();
  for (const list of lists) for (const name of list) seen.add(name);
  return [...seen];
}
