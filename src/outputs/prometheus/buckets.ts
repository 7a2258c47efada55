import type { Histogram } from '../../metrics/histogram.js';

/** Buckets per decade: each bucket's upper bound is 10^(1/16) ≈ 1.155 times the last (~15.5% wide). */
export const BUCKETS_PER_DECADE = 16;
export const LOWEST_BOUND_US = 10;
export const HIGHEST_BOUND_US = 60_000_000;

/**
 * The `le` bounds of every latency histogram pushbench writes, in integer µs: log-spaced from
 * 10 µs to past 60 s, ~15.5% apart, so histogram_quantile's linear interpolation stays inside the
 * bucket that holds the HDR percentile (a value above the last bound lands in +Inf only).
 */
export const BUCKET_BOUNDS_US: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let k = 0; ; k++) {
    const bound = Math.round(LOWEST_BOUND_US * 10 ** (k / BUCKETS_PER_DECADE));
    if (bound !== bounds.at(-1)) bounds.push(bound);
    if (bound >= HIGHEST_BOUND_US) return bounds;
  }
})();

/** What a classic Prometheus histogram needs of one HDR histogram. */
export interface CumulativeBuckets {
  /** counts[i]: values <= BUCKET_BOUNDS_US[i]; the last entry (+Inf) is the total count. */
  counts: number[];
  count: number;
  sumUs: number;
}

/** The HdrHistogram JS internals walked here (public members of its JsHistogram class). */
interface HdrIndexed {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  medianEquivalentValue(value: number): number;
}

/**
 * Cumulative bucket counts of an HDR histogram. A recorded HDR bucket counts under the first bound
 * at or above its highest equivalent value, the value HDR reports for a percentile in it, so a
 * percentile read back with histogram_quantile falls in the same bucket. One walk of the HDR
 * counts (~23k slots): well under a millisecond, done once per write, never per sample.
 */
export function cumulativeBuckets(histogram: Histogram, boundsUs: readonly number[] = BUCKET_BOUNDS_US): CumulativeBuckets {
  const perBucket = new Array<number>(boundsUs.length + 1).fill(0);
  const count = histogram.totalCount;
  let sumUs = 0;
  if (count > 0) {
    const hdr = histogram as unknown as HdrIndexed;
    let bucket = 0;
    let seen = 0;
    for (let index = 0; index < hdr.countsArrayLength && seen < count; index++) {
      const n = hdr.getCountAtIndex(index);
      if (n === 0) continue;
      seen += n;
      const value = hdr.valueFromIndex(index);
      const highest = hdr.highestEquivalentValue(value);
      while (bucket < boundsUs.length && boundsUs[bucket]! < highest) bucket++;
      perBucket[bucket]! += n;
      sumUs += n * hdr.medianEquivalentValue(value);
    }
  }
  const counts: number[] = [];
  let running = 0;
  for (const n of perBucket) counts.push((running += n));
  return { counts, count, sumUs };
}
