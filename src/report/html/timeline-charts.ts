import type { RunResult } from '../../result/run-result.js';
import type { LineChartSpec, LineSeries } from './chart-spec.js';
import { latencyScale, roundForChart } from './latency-scale.js';
import { areaOf, connectionGaugeNames, errorAreas, isErrorCount, rateCountNames, timelineP99Names } from './metric-names.js';

type TimelinePoint = RunResult['timeline'][number];
/** Reads one value from a per-second point; undefined leaves a gap in the line. */
type PointValue = (point: TimelinePoint) => number | undefined;

/** Per-second charts: each rate, each p99 latency, errors per area. */
export function timelineCharts(results: readonly RunResult[]): LineChartSpec[] {
  const rates = rateCountNames(results).map((name) =>
    secondsChart(results, `${name} per second`, 'events per second', '/s', (point) => point.counts[name] ?? 0),
  );
  const p99s = timelineP99Names(results).map((name) => p99Chart(results, name));
  const errors = errorAreas(results).map((area) =>
    secondsChart(results, `${area} errors per second`, 'errors per second', '/s', (point) => areaErrors(point, area)),
  );
  return [...rates, ...p99s, ...errors];
}

/** Open connections over time, one chart per open-connections gauge (client and server side). */
export function connectionRampCharts(results: readonly RunResult[]): LineChartSpec[] {
  return connectionGaugeNames(results).map((name) =>
    secondsChart(results, `${name} (connection ramp)`, 'open connections', '', (point) => point.gauges[name]),
  );
}

function p99Chart(results: readonly RunResult[], name: string): LineChartSpec {
  const maxUs = Math.max(0, ...results.flatMap((result) => result.timeline.map((point) => point.p99Us[name] ?? 0)));
  const scale = latencyScale(maxUs);
  const valueOf: PointValue = (point) => {
    const us = point.p99Us[name];
    return us === undefined ? undefined : roundForChart(us / scale.divisor);
  };
  return secondsChart(results, `${name} p99 per second`, `p99 latency (${scale.unit})`, scale.unit, valueOf);
}

function areaErrors(point: TimelinePoint, area: string): number {
  let errors = 0;
  for (const [name, count] of Object.entries(point.counts)) if (isErrorCount(name) && areaOf(name) === area) errors += count;
  return errors;
}

function secondsChart(results: readonly RunResult[], title: string, yLabel: string, yUnit: string, valueOf: PointValue): LineChartSpec {
  const series: LineSeries[] = [];
  results.forEach((result, run) => {
    const points: Array<[number, number]> = [];
    for (const point of result.timeline) {
      const value = valueOf(point);
      if (value !== undefined) points.push([point.second, value]);
    }
    if (points.length > 0) series.push({ run, points });
  });
  return { kind: 'line', title, xScale: 'seconds', xLabel: 'time (s)', yLabel, yUnit, series };
}
