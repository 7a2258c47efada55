import hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** 1 µs .. 1 h at 3 significant digits: the range every pushbench latency histogram shares. */
export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 3_600_000_000;
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;

/** A summary of one latency histogram as stored in result.json. All values are integer microseconds. */
export interface MetricSummary {
  unit: 'us';
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** The whole histogram, HdrHistogram V2 compressed and base64 encoded: merge runs or re-derive any percentile. */
  hdr: string;
}

/**
 * A histogram of microsecond values, 32-bit counts. (hdr-histogram-js's `packed` counts save memory
 * but cost ~9 ms per percentile read and reset at this range: a 1 s stall of the loop that reads them.)
 */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** Records a value, rounding to an integer and clamping into the trackable range rather than throwing. */
export function recordUs(histogram: Histogram, valueUs: number): void {
  const value = valueUs <= 0 ? 0 : valueUs >= HISTOGRAM_HIGHEST_US ? HISTOGRAM_HIGHEST_US : Math.round(valueUs);
  histogram.recordValue(value);
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(base64: string): Histogram {
  const standard = createHistogram();
  addEncodedInto(base64, [standard]);
  return standard;
}

/**
 * Adds one encoded histogram into each of `targets` (standard-range histograms), decoding it once.
 * A decoded histogram is sized to its content: it is only ever added into the standard range, so add() never overflows.
 */
export function addEncodedInto(base64: string, targets: readonly Histogram[]): void {
  const decoded = hdr.decodeFromCompressedBase64(base64, 32, false);
  for (const target of targets) target.add(decoded);
}

/** Adds every encoded histogram into one (exact: HDR buckets add). */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const merged = createHistogram();
  for (const one of encoded) addEncodedInto(one, [merged]);
  return merged;
}

export function summarizeHistogram(histogram: Histogram): MetricSummary {
  const count = histogram.totalCount;
  const at = (percentile: number): number => (count === 0 ? 0 : histogram.getValueAtPercentile(percentile));
  return {
    unit: 'us',
    count,
    min: count === 0 ? 0 : histogram.getValueAtPercentile(0),
    mean: count === 0 ? 0 : Math.round(histogram.mean),
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    // The bucket's highest equivalent value, like the percentiles, so a merged histogram reports the same max.
    max: at(100),
    hdr: encodeHistogram(histogram),
  };
}

/** The HDR settings an encoded histogram was recorded with: histograms add exactly only when these match. */
export interface HistogramSettings {
  lowestUs: number;
  highestUs: number;
  significantDigits: number;
}

export function histogramSettings(base64: string): HistogramSettings {
  const decoded = hdr.decodeFromCompressedBase64(base64, 32, false) as Histogram & {
    lowestDiscernibleValue: number;
    highestTrackableValue: number;
    numberOfSignificantValueDigits: number;
  };
  return { lowestUs: decoded.lowestDiscernibleValue, highestUs: decoded.highestTrackableValue, significantDigits: decoded.numberOfSignificantValueDigits };
}

export const STANDARD_HISTOGRAM_SETTINGS: HistogramSettings = {
  lowestUs: HISTOGRAM_LOWEST_US,
  highestUs: HISTOGRAM_HIGHEST_US,
  significantDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
};
