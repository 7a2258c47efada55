import { createHistogram, recordUs, type Histogram } from '../../metrics/histogram.js';

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

/**
 * One HDR histogram's slot counts, copied out at one instant: what the generator's thread hands the
 * remote-write worker (its buffer is transferred, not cloned). Every pushbench histogram shares one
 * layout (metrics/histogram.ts), so the slots alone say which values they count.
 */
export interface HdrSlots {
  /** slots[i]: the count in HDR slot i, up to the slot of the highest recorded value. */
  slots: Uint32Array | Float64Array;
  count: number;
  /** The histogram's countsArrayLength: the layout the slots index into. */
  layoutLength: number;
}

/** The HdrHistogram JS internals walked here (members of its JsHistogram / TypedArrayHistogram classes). */
interface HdrIndexed {
  countsArrayLength: number;
  /** The slot counts (a Uint32Array in the 32-bit histograms pushbench builds). */
  _counts?: ArrayLike<number>;
  maxValue: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  medianEquivalentValue(value: number): number;
}

/** For the standard layout and a set of bounds: each bound's last slot, and each slot's median value. */
interface SlotMap {
  lastSlotOfBucket: Int32Array;
  medianUs: Float64Array;
}
const slotMaps = new Map<string, SlotMap>();
const standardLayout = createHistogram() as unknown as HdrIndexed;

function slotMap(boundsUs: readonly number[]): SlotMap {
  const key = `${boundsUs.length}:${boundsUs[0]}:${boundsUs.at(-1)}`;
  let map = slotMaps.get(key);
  if (!map) {
    const hdr = standardLayout;
    const medianUs = new Float64Array(hdr.countsArrayLength);
    const lastSlotOfBucket = new Int32Array(boundsUs.length).fill(-1);
    let bucket = 0;
    for (let index = 0; index < hdr.countsArrayLength; index++) {
      const value = hdr.valueFromIndex(index);
      medianUs[index] = hdr.medianEquivalentValue(value);
      const highest = hdr.highestEquivalentValue(value);
      while (bucket < boundsUs.length && boundsUs[bucket]! < highest) bucket++;
      if (bucket < boundsUs.length) lastSlotOfBucket[bucket] = index;
    }
    // A bound with no slot of its own ends where the bound below it ends.
    for (let k = 1; k < lastSlotOfBucket.length; k++) if (lastSlotOfBucket[k]! < lastSlotOfBucket[k - 1]!) lastSlotOfBucket[k] = lastSlotOfBucket[k - 1]!;
    map = { lastSlotOfBucket, medianUs };
    slotMaps.set(key, map);
  }
  return map;
}

/**
 * Copies a histogram's slot counts up to its highest recorded value: a typed-array copy, the only
 * per-histogram work a write costs the generator's thread (the bucket walk happens in the worker).
 */
export function readSlots(histogram: Histogram): HdrSlots {
  const hdr = histogram as unknown as HdrIndexed;
  const count = histogram.totalCount;
  const end = count === 0 ? 0 : Math.min(hdr.countsArrayLength, hdr.countsArrayIndex(hdr.maxValue) + 1);
  const counts = hdr._counts;
  const slots =
    counts instanceof Uint32Array ? counts.slice(0, end) : Float64Array.from({ length: end }, (_unused, index) => hdr.getCountAtIndex(index));
  return { slots, count, layoutLength: hdr.countsArrayLength };
}

/**
 * Cumulative bucket counts of an HDR histogram's slots. A recorded HDR slot counts under the first
 * bound at or above its highest equivalent value, the value HDR reports for a percentile in it, so
 * a percentile read back with histogram_quantile falls in the same bucket. One pass over the slots,
 * done once per write, never per sample.
 */
export function cumulativeBuckets(histogram: HdrSlots, boundsUs: readonly number[] = BUCKET_BOUNDS_US): CumulativeBuckets {
  if (histogram.layoutLength !== standardLayout.countsArrayLength) {
    throw new Error(`a histogram of ${histogram.layoutLength} slots is not pushbench's layout (${standardLayout.countsArrayLength})`);
  }
  const perBucket = new Array<number>(boundsUs.length + 1).fill(0);
  let sumUs = 0;
  const { lastSlotOfBucket, medianUs } = slotMap(boundsUs);
  const { slots } = histogram;
  let bucket = 0;
  for (let index = 0; index < slots.length; index++) {
    const n = slots[index]!;
    if (n === 0) continue;
    while (bucket < boundsUs.length && index > lastSlotOfBucket[bucket]!) bucket++;
    perBucket[bucket]! += n;
    sumUs += n * medianUs[index]!;
  }
  const counts: number[] = [];
  let running = 0;
  for (const n of perBucket) counts.push((running += n));
  return { counts, count: histogram.count, sumUs };
}

/** Builds the slot map before the first write, so that write does not pay for it. */
export function warmUpBuckets(): void {
  const histogram = createHistogram();
  recordUs(histogram, 1_000);
  cumulativeBuckets(readSlots(histogram));
}
