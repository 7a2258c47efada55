/** The chart descriptions embedded in a report as JSON; the in-page script turns each into a Chart.js chart. */

/** One run's line: [x, y] pairs, y already in the axis unit. */
export interface LineSeries {
  /** Index into ReportData.runs (its label and colour). */
  run: number;
  points: Array<[number, number]>;
}

export interface LineChartSpec {
  kind: 'line';
  title: string;
  /** 'percentile': log scale of 1/(1-p), ticks labelled 0%, 90%, 99%, 99.9%...; 'seconds': run time. */
  xScale: 'percentile' | 'seconds';
  xLabel: string;
  yLabel: string;
  /** Unit appended to values in tooltips ('ms', 'µs', '/s', ''). */
  yUnit: string;
  series: LineSeries[];
}

export interface BarSeries {
  run: number;
  values: number[];
}

export interface BarChartSpec {
  kind: 'bar';
  title: string;
  categories: string[];
  yLabel: string;
  yUnit: string;
  series: BarSeries[];
}

export type ChartSpec = LineChartSpec | BarChartSpec;
