import type { RunResult } from '../../result/run-result.js';
import { seriesStyle, type LineChartSpec, type LineSeries, type RunStyle, type SeriesStyle, type XBand } from './chart-spec.js';
import { OKABE_ITO, runLook } from './palette.js';

export type TimelinePoint = RunResult['timeline'][number];
/** Reads one value from a per-second point; undefined leaves a gap in the line. */
export type PointValue = (point: TimelinePoint) => number | undefined;

/** One line of a per-second chart: whose timeline, which value, how it is drawn. */
export interface SecondsLine {
  style: SeriesStyle;
  timeline: readonly TimelinePoint[];
  valueOf: PointValue;
}

/** A per-second chart of the given lines; lines with no value in any second are left out. */
export function secondsChart(title: string, yLabel: string, yUnit: string, lines: readonly SecondsLine[], bands?: XBand[]): LineChartSpec {
  const series: LineSeries[] = [];
  for (const line of lines) {
    const points: Array<[number, number]> = [];
    for (const point of line.timeline) {
      const value = line.valueOf(point);
      if (value !== undefined) points.push([point.second, value]);
    }
    if (points.length > 0) series.push({ ...line.style, points });
  }
  return { kind: 'line', title, xScale: 'seconds', xLabel: 'time (s)', yLabel, yUnit, series, ...(bands && bands.length > 0 ? { bands } : {}) };
}

/**
 * Lines for several quantities (keys) of every run. One run: a colour per key, labelled by the key.
 * Several runs: the run's colour, a dash per key, labelled "run · key". One key: the runs' own styles.
 */
export function keyedLines(
  results: readonly RunResult[],
  styleOf: RunStyle,
  keys: readonly string[],
  valueOf: (key: string) => PointValue,
  include: (result: RunResult) => boolean = () => true,
): SecondsLine[] {
  return results.flatMap((result, run) =>
    include(result)
      ? keys.map((key, keyIndex) => ({ style: keyedStyle(results.length, styleOf(run), run, key, keyIndex, keys.length), timeline: result.timeline, valueOf: valueOf(key) }))
      : [],
  );
}

function keyedStyle(runCount: number, runStyle: SeriesStyle, run: number, key: string, keyIndex: number, keyCount: number): SeriesStyle {
  if (keyCount === 1) return runStyle;
  // The asked rate is a reference: black and dashed, so the achieved line shows through where they agree.
  if (runCount === 1 && key.endsWith('.scheduled')) return seriesStyle(key, OKABE_ITO.black, [6, 4]);
  if (runCount === 1) return seriesStyle(key, runLook(keyIndex).colour, runLook(keyIndex).dash);
  const dashes = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];
  return seriesStyle(`${runStyle.label} · ${key}`, runLook(run).colour, dashes[keyIndex % dashes.length]);
}
