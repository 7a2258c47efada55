import type { RunResult } from '../../result/run-result.js';
import type { LineChartSpec, RunStyle } from './chart-spec.js';
import { latencyScale, roundForChart } from './latency-scale.js';
import { closeCodeNames, connectionGaugeNames, errorAreas, errorClassNames, rateAreas, rateCountNames, timelineP99Names } from './metric-names.js';
import { keyedLines, secondsChart, type PointValue } from './seconds-chart.js';

/** Per-second charts: the rates of each area (asked vs achieved where the run counts both), p50/p99 of each latency metric, errors by class. */
export function timelineCharts(results: readonly RunResult[], styleOf: RunStyle): LineChartSpec[] {
  const rateNames = rateCountNames(results);
  const rates = rateAreas(rateNames).map(([area, names]) => {
    const asked = names.some((name) => name.endsWith('.scheduled'));
    const keys = comparedRateKeys(names, results.length);
    const title = asked && keys.length > 1 ? `${area} requests per second: asked (scheduled, dashed) vs achieved (sent, ok)` : `${area} ${keys.length === 1 ? keys[0]!.slice(area.length + 1) : 'events'} per second`;
    return secondsChart(title, 'events per second', '/s', keyedLines(results, styleOf, keys, countOf, (result) => countsAny(result, keys)));
  });
  const latencies = timelineP99Names(results).map((name) => latencyChart(results, styleOf, name));
  const errors = errorAreas(results).map((area) => {
    const classes = errorClassNames(results, area);
    const keys = classes.length > 0 ? classes : [`${area}.errors`];
    const inArea = (result: RunResult): boolean => Object.keys(result.counters).some((name) => name.startsWith(`${area}.`));
    return secondsChart(`${area} errors per second, by class`, 'errors per second', '/s', keyedLines(results, styleOf, keys, countOf, inArea));
  });
  return [...rates, ...latencies, ...errors];
}

/** Open connections over time: client and server gauges in one chart. */
export function connectionRampCharts(results: readonly RunResult[], styleOf: RunStyle): LineChartSpec[] {
  const gauges = connectionGaugeNames(results);
  if (gauges.length === 0) return [];
  const lines = keyedLines(results, styleOf, gauges, (name) => (point) => point.gauges[name]);
  return [secondsChart(gauges.length > 1 ? 'open connections: client and server' : `${gauges[0]} (open connections)`, 'open connections', '', lines)];
}

/** Connections dropped (by WebSocket close code) or failed (by class) per second; none when nothing dropped. */
export function dropCharts(results: readonly RunResult[], styleOf: RunStyle): LineChartSpec[] {
  const names = closeCodeNames(results);
  if (names.length === 0) return [];
  return [secondsChart('connections dropped per second, by close code', 'connections per second', '/s', keyedLines(results, styleOf, names, countOf))];
}

/** Runs compared side by side keep their charts legible: up to 3 runs show asked and achieved, more show achieved (ok) alone. */
function comparedRateKeys(names: readonly string[], runs: number): string[] {
  if (runs === 1) return [...names];
  const asked = names.filter((name) => name.endsWith('.scheduled'));
  const achieved = names.filter((name) => name.endsWith('.ok'));
  const kept = runs <= 3 ? [...asked, ...achieved] : achieved;
  return kept.length > 0 ? kept : names.slice(0, 1);
}

function countsAny(result: RunResult, names: readonly string[]): boolean {
  return result.timeline.some((point) => names.some((name) => point.counts[name] !== undefined));
}

function countOf(name: string): PointValue {
  return (point) => point.counts[name] ?? 0;
}

function latencyChart(results: readonly RunResult[], styleOf: RunStyle, name: string): LineChartSpec {
  const maxUs = Math.max(0, ...results.flatMap((result) => result.timeline.map((point) => point.p99Us[name] ?? 0)));
  const scale = latencyScale(maxUs);
  const hasMedian = results.some((result) => result.timeline.some((point) => point.p50Us?.[name] !== undefined));
  const keys = hasMedian ? ['p50', 'p99'] : ['p99'];
  const valueOf = (key: string): PointValue => (point) => {
    const us = key === 'p50' ? point.p50Us?.[name] : point.p99Us[name];
    return us === undefined ? undefined : roundForChart(us / scale.divisor);
  };
  return secondsChart(`${name} ${keys.join('/')} per second`, `latency (${scale.unit})`, scale.unit, keyedLines(results, styleOf, keys, valueOf));
}
