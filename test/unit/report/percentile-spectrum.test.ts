import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, recordUs } from '../../../src/metrics/histogram.js';
import { percentileSpectrum } from '../../../src/report/html/percentile-spectrum.js';

describe('percentileSpectrum', () => {
  const histogram = createHistogram();
  for (let value = 1; value <= 10_000; value++) recordUs(histogram, value);
  const points = percentileSpectrum(encodeHistogram(histogram));

  it('places each percentile at x = 1/(1-p), from p0 up to the sample count, ending at the max', () => {
    expect(points[0]).toMatchObject({ percentile: 0, x: 1 });
    for (const point of points) expect(point.x).toBeCloseTo(1 / (1 - point.percentile / 100), 6);
    const last = points.at(-1)!;
    expect(last.x).toBe(10_000);
    // The max as the histogram holds it: the top of its bucket, within 3 significant digits.
    expect(last.latencyUs).toBeGreaterThanOrEqual(10_000);
    expect(last.latencyUs).toBeLessThanOrEqual(10_000 * (1 + 2 / 1024));
  });

  it('reads latencies from the histogram and never decreases', () => {
    const p90 = points.find((point) => Math.abs(point.x - 10) < 1e-9);
    expect(p90?.latencyUs).toBe(histogram.getValueAtPercentile(90));
    for (let i = 1; i < points.length; i++) expect(points[i]!.latencyUs).toBeGreaterThanOrEqual(points[i - 1]!.latencyUs);
  });

  it('is empty for an empty histogram', () => {
    expect(percentileSpectrum(encodeHistogram(createHistogram()))).toEqual([]);
  });
});
