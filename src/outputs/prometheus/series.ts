import { BUCKET_BOUNDS_US, cumulativeBuckets, type HdrSlots } from './buckets.js';
import type { TimeSeries } from './write-request.js';

/** Everything one write carries, read from the recorder (and the live levels) at one instant. */
export interface SeriesSnapshot {
  /** Each latency metric's HDR slot counts (readSlots). */
  histograms: ReadonlyArray<readonly [string, HdrSlots]>;
  counters: ReadonlyArray<readonly [string, number]>;
  /** Gauges by their Prometheus name (see gaugeName). */
  gauges: ReadonlyArray<readonly [string, number]>;
}

/** A pushbench name (`webhook.latency`, `ws.connections.opened`) as a Prometheus metric name part: dots (and anything else) to underscores. */
export function promName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

export function histogramName(metric: string): string {
  return `pushbench_${promName(metric)}_seconds`;
}

export function counterName(counter: string): string {
  return `pushbench_${promName(counter)}_total`;
}

export function gaugeName(gauge: string): string {
  return `pushbench_${promName(gauge)}`;
}

/** `le` as Prometheus writes it: seconds, shortest exact decimal. */
export function leLabel(boundUs: number): string {
  return String(boundUs / 1e6);
}

/**
 * Every series of one write, each with one sample at `timestampMs` and the common labels plus its
 * own, sorted by name as the spec asks. Histograms and counters are cumulative since the run
 * started, so shards add up with sum() and sum by (le).
 */
export function buildSeries(snapshot: SeriesSnapshot, commonLabels: Readonly<Record<string, string>>, timestampMs: number): TimeSeries[] {
  const series: TimeSeries[] = [];
  const add = (name: string, value: number, extra?: [string, string]): void => {
    const labels = Object.entries(commonLabels).map(([labelName, labelValue]) => ({ name: labelName, value: labelValue }));
    labels.push({ name: '__name__', value: name });
    if (extra) labels.push({ name: extra[0], value: extra[1] });
    labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    series.push({ labels, samples: [{ value, timestamp: timestampMs }] });
  };
  for (const [metric, histogram] of snapshot.histograms) {
    const name = histogramName(metric);
    const buckets = cumulativeBuckets(histogram);
    BUCKET_BOUNDS_US.forEach((boundUs, index) => add(`${name}_bucket`, buckets.counts[index]!, ['le', leLabel(boundUs)]));
    add(`${name}_bucket`, buckets.count, ['le', '+Inf']);
    add(`${name}_sum`, buckets.sumUs / 1e6);
    add(`${name}_count`, buckets.count);
  }
  for (const [counter, value] of snapshot.counters) add(counterName(counter), value);
  for (const [name, value] of snapshot.gauges) add(name, value);
  return series;
}
