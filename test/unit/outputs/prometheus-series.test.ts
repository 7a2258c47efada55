import fc from 'fast-check';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { createHistogram, recordUs } from '../../../src/metrics/histogram.js';
import { BUCKET_BOUNDS_US, cumulativeBuckets, readSlots } from '../../../src/outputs/prometheus/buckets.js';
import { buildSeries, counterName, histogramName, leLabel } from '../../../src/outputs/prometheus/series.js';
import { decodeWriteRequest, encodeWriteRequest } from '../../../src/outputs/prometheus/write-request.js';

/** Prometheus's histogram_quantile on one cumulative histogram (linear interpolation inside the bucket). */
function histogramQuantile(q: number, boundsUs: readonly number[], counts: readonly number[]): number {
  const total = counts.at(-1)!;
  const rank = q * total;
  let index = counts.findIndex((count) => count >= rank);
  if (index === boundsUs.length) index = boundsUs.length - 1; // +Inf: Prometheus answers the highest finite bound
  const lower = index === 0 ? 0 : boundsUs[index - 1]!;
  const below = index === 0 ? 0 : counts[index - 1]!;
  const inBucket = counts[index]! - below;
  return lower + (boundsUs[index]! - lower) * (inBucket === 0 ? 0 : (rank - below) / inBucket);
}

const bucketOf = (valueUs: number): number => BUCKET_BOUNDS_US.findIndex((bound) => bound >= valueUs - 1e-9);

describe('latency buckets', () => {
  it('are log-spaced ~15.5% apart from 10 µs to past 60 s', () => {
    expect(BUCKET_BOUNDS_US[0]).toBe(10);
    expect(BUCKET_BOUNDS_US.at(-1)).toBeGreaterThanOrEqual(60_000_000);
    expect(BUCKET_BOUNDS_US.at(-2)).toBeLessThan(60_000_000);
    for (let i = 1; i < BUCKET_BOUNDS_US.length; i++) {
      const ratio = BUCKET_BOUNDS_US[i]! / BUCKET_BOUNDS_US[i - 1]!;
      expect(ratio).toBeGreaterThan(1.05);
      expect(ratio).toBeLessThanOrEqual(1.2);
    }
    expect(BUCKET_BOUNDS_US.length).toBe(110);
  });

  it('count each recorded value under the first bound at or above its HDR value, exactly; p50/p99 read back land within one bucket', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120_000_000 }), { minLength: 1, maxLength: 400 }), (values) => {
        const histogram = createHistogram();
        for (const value of values) recordUs(histogram, value);
        const { counts, count } = cumulativeBuckets(readSlots(histogram));
        expect(count).toBe(values.length);
        expect(counts.at(-1)).toBe(values.length);
        const hdr = histogram as unknown as { highestEquivalentValue(value: number): number };
        BUCKET_BOUNDS_US.forEach((bound, index) => {
          expect(counts[index]).toBe(values.filter((value) => hdr.highestEquivalentValue(value) <= bound).length);
        });
        for (const q of [0.5, 0.99]) {
          const hdrValue = histogram.getValueAtPercentile(q * 100);
          if (hdrValue > BUCKET_BOUNDS_US.at(-1)!) continue; // beyond the last bound Prometheus can only say "above 60 s"
          const prometheusValue = histogramQuantile(q, BUCKET_BOUNDS_US, counts);
          expect(Math.abs(bucketOf(prometheusValue) - bucketOf(hdrValue))).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('read as slot counts, a histogram survives a transfer to another thread: the copy is its own buffer, ends at the highest value, and folds to the same buckets', () => {
    const histogram = createHistogram();
    for (const value of [12, 950, 950, 41_000, 2_500_000]) recordUs(histogram, value);
    const slots = readSlots(histogram);
    const hdr = histogram as unknown as { countsArrayIndex(value: number): number };
    expect(slots.slots).toBeInstanceOf(Uint32Array);
    expect(slots.slots.length).toBe(hdr.countsArrayIndex(histogram.maxValue) + 1);
    expect(slots.slots.buffer.byteLength).toBe(slots.slots.length * 4);
    const before = cumulativeBuckets(slots);
    recordUs(histogram, 3_000); // a sample recorded after the snapshot is not in it
    const moved = structuredClone(slots, { transfer: [slots.slots.buffer as ArrayBuffer] });
    expect(slots.slots.length).toBe(0); // detached: handed over, not copied
    expect(cumulativeBuckets(moved)).toEqual(before);
    expect(before.count).toBe(5);
    expect(before.counts.at(-1)).toBe(5);
    expect(cumulativeBuckets(readSlots(histogram)).count).toBe(6);
  });

  it('refuses slots of another HDR layout rather than misplace them', () => {
    expect(() => cumulativeBuckets({ slots: new Uint32Array(4), count: 0, layoutLength: 17 })).toThrow(/not pushbench's layout/);
  });

  it('an empty histogram has all-zero buckets', () => {
    expect(cumulativeBuckets(readSlots(createHistogram()))).toEqual({ counts: new Array(BUCKET_BOUNDS_US.length + 1).fill(0), count: 0, sumUs: 0 });
  });
});

describe('series', () => {
  it('maps dots to underscores: the names outside checks use', () => {
    expect(histogramName('webhook.latency')).toBe('pushbench_webhook_latency_seconds');
    expect(counterName('ws.connections.opened')).toBe('pushbench_ws_connections_opened_total');
    expect(counterName('webhook.ok')).toBe('pushbench_webhook_ok_total');
    expect(histogramName('delivery.websocket-ack.latency')).toBe('pushbench_delivery_websocket_ack_latency_seconds');
    expect(leLabel(10)).toBe('0.00001');
    expect(leLabel(1_000_000)).toBe('1');
  });

  it('writes every histogram bucket, _sum, _count, every counter and gauge, each with the common labels, sorted by name', () => {
    const histogram = createHistogram();
    recordUs(histogram, 1_500);
    recordUs(histogram, 250_000);
    const series = buildSeries(
      { histograms: [['webhook.latency', readSlots(histogram)]], counters: [['webhook.ok', 2], ['webhook.errors.5xx', 0]], gauges: [['pushbench_open_connections', 3]] },
      { testid: 't-1', scenario: 's', shard: '2', team: 'bench' },
      1_700_000_000_000,
    );
    expect(series).toHaveLength(BUCKET_BOUNDS_US.length + 1 + 2 + 2 + 1);
    for (const one of series) {
      const names = one.labels.map((label) => label.name);
      expect(names).toEqual([...names].sort());
      expect(one.labels).toEqual(expect.arrayContaining([{ name: 'testid', value: 't-1' }, { name: 'shard', value: '2' }, { name: 'scenario', value: 's' }, { name: 'team', value: 'bench' }]));
      expect(one.samples).toEqual([{ value: expect.any(Number), timestamp: 1_700_000_000_000 }]);
    }
    const value = (name: string, le?: string): number | undefined =>
      series.find((one) => one.labels.some((l) => l.name === '__name__' && l.value === name) && (le === undefined || one.labels.some((l) => l.name === 'le' && l.value === le)))?.samples[0]!.value;
    expect(value('pushbench_webhook_latency_seconds_count')).toBe(2);
    expect(value('pushbench_webhook_latency_seconds_bucket', '+Inf')).toBe(2);
    expect(value('pushbench_webhook_latency_seconds_bucket', '0.001')).toBe(0);
    expect(value('pushbench_webhook_latency_seconds_bucket', leLabel(BUCKET_BOUNDS_US[bucketOf(1_501)]!))).toBe(1);
    expect(value('pushbench_webhook_latency_seconds_sum')).toBeCloseTo(0.2515, 3);
    expect(value('pushbench_webhook_errors_5xx_total')).toBe(0); // unchanged series are written too
    expect(value('pushbench_open_connections')).toBe(3);
  });

  it('encodes a WriteRequest in protobuf, snappy block-compressed, that decodes back to the same series', () => {
    const series = [
      { labels: [{ name: '__name__', value: 'pushbench_webhook_ok_total' }, { name: 'testid', value: 'x' }], samples: [{ value: 41, timestamp: 1_700_000_000_123 }] },
      { labels: [{ name: '__name__', value: 'pushbench_open_connections' }], samples: [{ value: 0.5, timestamp: 1_700_000_000_124 }] },
    ];
    const body = encodeWriteRequest(series);
    const raw = snappy.uncompress(new Uint8Array(body));
    expect(raw[0]).toBe(0x0a); // field 1 (timeseries), wire type 2
    expect(decodeWriteRequest(body)).toEqual(series);
  });
});
