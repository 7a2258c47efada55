import type { MetricSummary, RunResult } from '../../result/run-result.js';
import type { LineChartSpec, LineSeries, RunStyle, SeriesStyle } from './chart-spec.js';
import { latencyScale, roundForChart } from './latency-scale.js';
import { latencyMetricNames } from './metric-names.js';
import { percentileSpectrum } from './percentile-spectrum.js';

/** One line of a spectrum chart: a histogram and how to draw it. */
export interface SpectrumLine {
  style: SeriesStyle;
  summary: MetricSummary | undefined;
}

/** One percentile-spectrum chart per latency metric the filter keeps, overlaying every run that has samples for it. */
export function spectrumCharts(results: readonly RunResult[], styleOf: RunStyle, keep: (metric: string) => boolean = () => true): LineChartSpec[] {
  return latencyMetricNames(results)
    .filter(keep)
    .flatMap((metric) => {
      const lines = results.map((result, run) => ({ style: styleOf(run), summary: result.metrics[metric] }));
      const chart = spectrumChart(`${metric} by percentile`, lines);
      return chart === undefined ? [] : [chart];
    });
}

/** A latency-by-percentile chart of the given lines (lines without samples are left out); undefined when none has samples. */
export function spectrumChart(title: string, lines: readonly SpectrumLine[]): LineChartSpec | undefined {
  const spectra = lines.map((line) => (line.summary === undefined || line.summary.count === 0 ? [] : percentileSpectrum(line.summary.hdr)));
  const maxUs = Math.max(0, ...spectra.flat().map((point) => point.latencyUs));
  const scale = latencyScale(maxUs);
  const series: LineSeries[] = [];
  spectra.forEach((points, index) => {
    const style = lines[index]?.style;
    if (points.length === 0 || style === undefined) return;
    series.push({ ...style, points: points.map((point) => [roundForChart(point.x), roundForChart(point.latencyUs / scale.divisor)]) });
  });
  if (series.length === 0) return undefined;
  return { kind: 'line', title, xScale: 'percentile', xLabel: 'percentile', yLabel: `latency (${scale.unit})`, yUnit: scale.unit, series };
}
