import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, mergeEncoded, recordUs, summarizeHistogram } from '../../../src/metrics/histogram.js';
import { mulberry32 } from '../../../src/template/render.js';

describe('latency histograms', () => {
  it('keep every percentile within one bucket of the exact value (3 significant digits: 2/1024 relative)', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 20; trial++) {
      const values = Array.from({ length: 2_000 }, () => 1 + Math.floor(random() ** 3 * 5_000_000));
      const histogram = createHistogram();
      for (const value of values) recordUs(histogram, value);
      const sorted = [...values].sort((a, b) => a - b);
      for (const percentile of [50, 90, 99, 99.9]) {
        // Rank conventions differ by one sample; accept either neighbour, each within one bucket.
        const rank = (percentile / 100) * sorted.length;
        const candidates = [sorted[Math.floor(rank) - 1]!, sorted[Math.min(Math.ceil(rank), sorted.length - 1)]!];
        const measured = histogram.getValueAtPercentile(percentile);
        const error = Math.min(...candidates.map((exact) => Math.abs(measured - exact) / exact));
        expect(error).toBeLessThanOrEqual(2 / 1024);
      }
    }
  });

  it('merge exactly: the merge of encoded parts equals one histogram of all samples', () => {
    const whole = createHistogram();
    const parts = [createHistogram(), createHistogram(), createHistogram()];
    const random = mulberry32(9);
    for (let i = 0; i < 30_000; i++) {
      const value = Math.floor(random() * 1_000_000);
      recordUs(whole, value);
      recordUs(parts[i % 3]!, value);
    }
    const merged = summarizeHistogram(mergeEncoded(parts.map((part) => summarizeHistogram(part).hdr)));
    const expected = summarizeHistogram(whole);
    expect({ ...merged, hdr: '' }).toEqual({ ...expected, hdr: '' });
    expect(decodeHistogram(merged.hdr).totalCount).toBe(30_000);
  });

  it('summarize in integer microseconds and clamp out-of-range values instead of throwing', () => {
    const histogram = createHistogram();
    recordUs(histogram, 12.7);
    recordUs(histogram, -5);
    recordUs(histogram, 9e12);
    const summary = summarizeHistogram(histogram);
    expect(summary.count).toBe(3);
    for (const key of ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) expect(Number.isInteger(summary[key])).toBe(true);
    expect(summary.min).toBe(0);
    expect(summary.max).toBeGreaterThanOrEqual(3_600_000_000);
    expect(summarizeHistogram(createHistogram())).toMatchObject({ count: 0, p99: 0, max: 0 });
  });
});
