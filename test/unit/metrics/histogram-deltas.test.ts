import { describe, expect, it } from 'vitest';
import { HistogramDeltas } from '../../../src/metrics/histogram-deltas.js';
import { createHistogram, decodeHistogram, mergeEncoded, recordUs, summarizeHistogram } from '../../../src/metrics/histogram.js';
import { nowUs } from '../../../src/metrics/clock.js';
import { Recorder } from '../../../src/metrics/recorder.js';

describe('a child\'s histogram deltas', () => {
  it('carry each report\'s new samples only, skip a histogram with none, and add up to the whole exactly', () => {
    const echo = createHistogram();
    const connect = createHistogram();
    const deltas = new HistogramDeltas();
    for (let value = 1; value <= 1_000; value++) recordUs(echo, value * 10);
    recordUs(connect, 4_000);
    const first = deltas.take({ echo, connect });
    expect(decodeHistogram(first.echo!).totalCount).toBe(1_000);
    expect(decodeHistogram(first.connect!).totalCount).toBe(1);

    for (let value = 1; value <= 100; value++) recordUs(echo, 50_000 + value);
    const second = deltas.take({ echo, connect });
    expect(Object.keys(second)).toEqual(['echo']); // connect gained nothing
    const secondEcho = decodeHistogram(second.echo!);
    expect(secondEcho.totalCount).toBe(100);
    expect(secondEcho.getValueAtPercentile(0)).toBeGreaterThan(49_000); // none of the first report's samples
    expect(deltas.take({ echo, connect })).toEqual({});

    recordUs(echo, 7);
    const third = deltas.take({ echo, connect });
    const summed = summarizeHistogram(mergeEncoded([first.echo!, second.echo!, third.echo!]));
    const whole = summarizeHistogram(echo);
    expect({ ...summed, hdr: '' }).toEqual({ ...whole, hdr: '' });
  });

  it('reach the recorder\'s timeline and live histograms, never close()\'s metrics (those come whole, once)', async () => {
    const recorder = new Recorder(nowUs() - 1_500_000); // in second 1
    const echo = createHistogram();
    const deltas = new HistogramDeltas();
    for (let value = 1; value <= 100; value++) recordUs(echo, value * 100);
    recorder.addLiveHistogram('ws.echo', deltas.take({ echo }).echo!);
    expect(recorder.histogramEntries().map(([name, histogram]) => [name, histogram.totalCount])).toEqual([['ws.echo', 100]]);
    await new Promise((resolve) => setTimeout(resolve, 600)); // into second 2
    recordUs(echo, 90_000);
    recorder.addLiveHistogram('ws.echo', deltas.take({ echo }).echo!);
    expect(recorder.histogramEntries()[0]![1].totalCount).toBe(101);

    recorder.addEncodedHistogram('ws.echo', summarizeHistogram(echo).hdr); // the shard's final report
    expect(recorder.histogramEntries().map(([name, histogram]) => [name, histogram.totalCount])).toEqual([['ws.echo', 101]]);
    const { metrics, timeline } = recorder.close();
    expect(metrics['ws.echo']!.count).toBe(101);
    expect(timeline[1]!.p99Us['ws.echo']).toBe(9_903); // 9,900 µs in its 3-digit bucket
    expect(timeline[1]!.p50Us['ws.echo']).toBe(5_003);
    expect(timeline[2]!.p99Us['ws.echo']).toBe(90_047);
  });
});
