import { describe, expect, it } from 'vitest';
import { mergeShardResults } from '../../src/result/merge-results.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { startBetterSseServer } from '../helpers/sse-servers.js';
import { scenarioFrom } from '../helpers/scenarios.js';

describe('sse --shard I/N and merge', () => {
  it('2 shards open streams 0..39 between them, each once; the merge equals the server\'s counts', async () => {
    const server = await startBetterSseServer({ streams: 40, everyMs: 150, broadcasts: 8, cutAfter: Number.POSITIVE_INFINITY });
    const seen: number[] = [];
    server.onRequest = (url) => seen.push(Number(new URL(url, 'http://x').searchParams.get('conn')));
    try {
      const scenario = scenarioFrom(`
name: sse-sharded
sse:
  target: ${server.url}
  connections: 40
  connectRate: 200
  hold: 2500ms
  connect: { query: { conn: '{{conn}}' } }
  push: { sentAt: sentAt, sentAtUnit: us, seq: seq }
`);
      const shards = await Promise.all([0, 1].map((index) => runScenario(scenario, { shard: { index, count: 2 } })));
      await server.done;
      const merged = mergeShardResults(shards.map((result, index) => ({ file: `shard-${index}.json`, result })));
      expect(shards.map((result) => result.counters['sse.connections.opened'])).toEqual([20, 20]);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_unused, conn) => conn));
      expect(merged.counters['sse.connections.opened']).toBe(40);
      expect(merged.counters['sse.events.received']).toBe(server.counts.written);
      expect(merged.counters['sse.events.received']).toBe(40 * 8);
      expect(merged.counters['sse.push.gaps']).toBe(0);
      expect(merged.metrics['sse.connect']?.count).toBe(40);
      expect(merged.metrics['sse.push']?.count).toBe(40 * 8);
    } finally {
      await server.close();
    }
  }, 40_000);
});
