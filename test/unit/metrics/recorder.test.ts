import { afterEach, describe, expect, it, vi } from 'vitest';
import { nowUs } from '../../../src/metrics/clock.js';
import { Recorder } from '../../../src/metrics/recorder.js';

describe('Recorder', () => {
  afterEach(() => vi.useRealTimers());

  it('turns samples into histograms, counters and gauges with peaks', () => {
    const recorder = new Recorder();
    const latency = recorder.metric('webhook.latency');
    for (let i = 1; i <= 100; i++) latency.record(i * 10);
    recorder.count('webhook.sent', 100);
    recorder.counterHandle('webhook.ok').add(99);
    recorder.count('webhook.errors.5xx');
    recorder.gauge('webhook.connections.open', 7);
    recorder.gauge('webhook.connections.open', 3);
    const output = recorder.close();
    expect(output.metrics['webhook.latency']).toMatchObject({ unit: 'us', count: 100, min: 10, max: 1000, p50: 500 });
    expect(output.counters).toEqual({ 'webhook.sent': 100, 'webhook.ok': 99, 'webhook.errors.5xx': 1, 'webhook.connections.open.peak': 7 });
    expect(recorder.counterPrefixSum('webhook.errors.')).toBe(1);
  });

  it('buckets counts, p50 and p99 per second of the run and keeps the last gauge value', async () => {
    const recorder = new Recorder(nowUs() - 1_950_000); // the run started 1.95 s ago: we are in second 1
    recorder.count('webhook.sent', 5);
    recorder.record('webhook.latency', 2_000);
    recorder.gauge('ws.connections.open', 4);
    await new Promise((resolve) => setTimeout(resolve, 250)); // cross into second 2
    recorder.count('webhook.sent', 2);
    recorder.record('webhook.latency', 9_000);
    const { timeline, counters } = recorder.close();
    expect(timeline.map((point) => point.second)).toEqual([0, 1, 2]);
    expect(timeline[0]).toEqual({ second: 0, counts: {}, p50Us: {}, p99Us: {}, gauges: {} });
    expect(timeline[1]).toEqual({
      second: 1,
      counts: { 'webhook.sent': 5 },
      p50Us: { 'webhook.latency': 2_000 },
      p99Us: { 'webhook.latency': 2_000 },
      gauges: { 'ws.connections.open': 4 },
    });
    expect(timeline[2]?.counts).toEqual({ 'webhook.sent': 2 });
    expect(timeline[2]?.p99Us['webhook.latency']).toBe(9_007); // 3 significant digits: 9000 lands in the 9000..9007 bucket
    expect(counters['webhook.sent']).toBe(7);
  });

  it('merges histograms and counters recorded in another process', () => {
    const child = new Recorder();
    child.record('webhook.delivery', 100);
    child.record('webhook.delivery', 300);
    child.count('receiver.received', 2);
    const childOutput = child.close();
    const parent = new Recorder();
    parent.record('webhook.delivery', 200);
    parent.addEncodedHistogram('webhook.delivery', childOutput.metrics['webhook.delivery']!.hdr);
    parent.addCounters(childOutput.counters);
    const output = parent.close();
    expect(output.metrics['webhook.delivery']).toMatchObject({ count: 3, min: 100, max: 300, p50: 200 });
    expect(output.counters['receiver.received']).toBe(2);
  });
});
