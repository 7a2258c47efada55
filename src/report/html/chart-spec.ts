/** The chart descriptions embedded in a report as JSON; the in-page script turns each into a Chart.js chart. */

/** What the legend shows for a series and how it is drawn. */
export interface SeriesStyle {
  label: string;
  colour: string;
  /** Chart.js borderDash in px; absent for a solid line. */
  dash?: number[];
}

/** The style of run `run` when the runs are a chart's series. */
export type RunStyle = (run: number) => SeriesStyle;

/** One line: [x, y] pairs, y already in the axis unit. */
export interface LineSeries extends SeriesStyle {
  points: Array<[number, number]>;
}

/** A shaded x range drawn behind the lines (an outage window), with its caption. */
export interface XBand {
  fromX: number;
  toX: number;
  label: string;
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
  bands?: XBand[];
  /** A log y axis: for series that differ by orders of magnitude (transports' latency). */
  yLog?: boolean;
}

export interface BarSeries extends SeriesStyle {
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

/** A style without an empty dash (keeps the embedded JSON small). */
export function seriesStyle(label: string, colour: string, dash: readonly number[] = []): SeriesStyle {
  return dash.length > 0 ? { label, colour, dash: [...dash] } : { label, colour };
}
