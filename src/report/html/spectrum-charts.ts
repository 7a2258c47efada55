import type { RunResult } from '../../result/run-result.js';
import type { LineChartSpec, LineSeries } from './chart-spec.js';
import { latencyScale, roundForChart } from './latency-scale.js';
import { latencyMetricNames } from './metric-names.js';
import { percentileSpectrum } from './percentile-spectrum.js';

/** One percentile-spectrum chart per latency metric, overlaying every run that has samples for it. */
export function spectrumCharts(results: readonly RunResult[]): LineChartSpec[] {
  return latencyMetricNames(results).flatMap((metric) => {
    const chart = spectrumChart(results, metric);
    return chart === undefined ? [] : [chart];
  });
}

function spectrumChart(results: readonly RunResult[], metric: string): LineChartSpec | undefined {
  const spectra = results.map((result) => {
    const summary = result.metrics[metric];
    return summary === undefined || summary.count === 0 ? [] : percentileSpectrum(summary.hdr);
  });
  const maxUs = Math.max(0, ...spectra.flat().map((point) => point.latencyUs));
  const scale = latencyScale(maxUs);
  const series: LineSeries[] = [];
  spectra.forEach((points, run) => {
    if (points.length === 0) return;
    series.push({ run, points: points.map((point) => [roundForChart(point.x), roundForChart(point.latencyUs / scale.divisor)]) });
  });
  if (series.length === 0) return undefined;
  return {
    kind: 'line',
    title: `${metric} by percentile`,
    xScale: 'percentile',
    xLabel: 'percentile',
    yLabel: `latency (${scale.unit})`,
    yUnit: scale.unit,
    series,
  };
}
