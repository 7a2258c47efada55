import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, recordUs } from '../../../src/metrics/histogram.js';
import { Recorder } from '../../../src/metrics/recorder.js';
import type { ShardResult } from '../../../src/load/websocket/shard-messages.js';
import { mergeBroadcastLast, mergeShardResults } from '../../../src/load/websocket/shard-results.js';
import { DeltaCounters } from '../../../src/load/websocket/delta-counters.js';

function shard(connectUs: number[], counters: Record<string, number>, broadcastLastUs: Array<[number, number]>): ShardResult {
  const connect = createHistogram();
  for (const value of connectUs) recordUs(connect, value);
  return {
    type: 'result',
    counters,
    histograms: { 'ws.connect': encodeHistogram(connect) },
    broadcastLastUs,
    heldConnections: connectUs.length,
    heldRssBytes: 0,
    baselineRssBytes: 0,
    health: { eventLoopDelayP50Us: 0, eventLoopDelayP90Us: 0, eventLoopDelayP99Us: 0, eventLoopDelayMaxUs: 0, eventLoopUtilization: 0, cpuUserMs: 0, cpuSystemMs: 0, cpuShare: 0, wallUs: 1, maxRssBytes: 0 },
    cpuMs: 0,
    maxRssBytes: 0,
  };
}

describe('merging client shard results', () => {
  it('equals the sum of the parts: counters add, histograms add bucket by bucket, broadcast.last is the max per broadcast', () => {
    const a = shard([100, 200, 300], { 'ws.connections.opened': 3, 'ws.messages.sent': 30, 'ws.connections.dropped.1011': 1 }, [[0, 5_000], [1, 7_000]]);
    const b = shard([150, 250_000], { 'ws.connections.opened': 2, 'ws.messages.sent': 20, 'ws.connections.failed.refused': 4 }, [[0, 9_000], [2, 3_000]]);
    const recorder = new Recorder();
    mergeShardResults(recorder, [a, b]);
    const { metrics, counters } = recorder.close();
    expect(counters).toEqual({
      'ws.connections.opened': 5,
      'ws.messages.sent': 50,
      'ws.connections.dropped.1011': 1,
      'ws.connections.failed.refused': 4,
    });
    const all = createHistogram();
    for (const value of [100, 200, 300, 150, 250_000]) recordUs(all, value);
    expect(metrics['ws.connect']?.count).toBe(5);
    expect(decodeHistogram(metrics['ws.connect']!.hdr).getValueAtPercentile(50)).toBe(all.getValueAtPercentile(50));
    expect(metrics['ws.connect']?.max).toBe(all.getValueAtPercentile(100));
    expect(metrics['ws.connect']?.min).toBe(all.getValueAtPercentile(0));
    // One value per broadcast: 0 -> 9 ms (shard b was later), 1 -> 7 ms, 2 -> 3 ms.
    const last = createHistogram();
    for (const value of [9_000, 7_000, 3_000]) recordUs(last, value);
    expect(metrics['ws.broadcast.last']?.count).toBe(3);
    expect(metrics['ws.broadcast.last']?.max).toBe(last.getValueAtPercentile(100));
    expect(metrics['ws.broadcast.last']?.p50).toBe(last.getValueAtPercentile(50));
    expect(metrics['ws.broadcast.last']?.min).toBe(last.getValueAtPercentile(0));
  });

  it('takes the latest arrival of each broadcast over every shard', () => {
    expect([...mergeBroadcastLast([[[4, 10], [5, 1]], [[4, 30]], []])].sort()).toEqual([[4, 30], [5, 1]]);
  });

  it('delta counters: the sum of every delta is the total', () => {
    const counters = new DeltaCounters();
    counters.add('a', 3);
    const first = counters.takeDelta();
    counters.add('a');
    counters.add('b', 2);
    const second = counters.takeDelta();
    expect(first).toEqual({ a: 3 });
    expect(second).toEqual({ a: 1, b: 2 });
    expect(counters.takeDelta()).toEqual({});
    expect(counters.total('a')).toBe(4);
  });
});
