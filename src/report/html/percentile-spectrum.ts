import { decodeHistogram } from '../../metrics/histogram.js';

/** One point of a latency percentile spectrum, as HdrHistogram's plotter draws it. */
export interface SpectrumPoint {
  /** Percentile, 0..100. */
  percentile: number;
  /** 1 / (1 - percentile/100): the log-scale x position (1 = p0, 10 = p90, 100 = p99, 1000 = p99.9). */
  x: number;
  latencyUs: number;
}

/** Points per decade of 1/(1-p): 0, 43.8, 68.4, 82.2, 90, 94.4, ... — smooth on a log axis. */
const POINTS_PER_DECADE = 8;

/**
 * The percentile spectrum of one encoded histogram: latency at log-spaced percentiles up to the
 * resolution the sample count supports (beyond 1/count every percentile is the max), then the max.
 */
export function percentileSpectrum(hdrBase64: string): SpectrumPoint[] {
  const histogram = decodeHistogram(hdrBase64);
  const count = histogram.totalCount;
  if (count === 0) return [];
  const points: SpectrumPoint[] = [];
  for (let step = 0; ; step++) {
    const x = 10 ** (step / POINTS_PER_DECADE);
    if (x >= count) break;
    const percentile = 100 * (1 - 1 / x);
    points.push({ percentile, x, latencyUs: histogram.getValueAtPercentile(percentile) });
  }
  points.push({ percentile: 100 * (1 - 1 / count), x: count, latencyUs: histogram.maxValue });
  return points;
}
