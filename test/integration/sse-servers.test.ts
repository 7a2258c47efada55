import { afterEach, describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { startSseChannelServer, startBetterSseServer, type BroadcastPlan } from '../helpers/sse-servers.js';
import { scenarioFrom } from '../helpers/scenarios.js';

const STREAMS = 40;
const PLAN: BroadcastPlan = { streams: STREAMS, everyMs: 150, broadcasts: 16, cutAfter: 5 };

function scenarioAgainst(url: string): string {
  return `
name: sse-library
sse:
  target: ${url}
  connections: ${STREAMS}
  connectRate: 400
  hold: 4s
  reconnect: { retry: 300ms }
  push: { sentAt: sentAt, sentAtUnit: us, seq: seq }
`;
}

afterEach(() => {
  expect(liveChildren()).toBe(0);
});

describe('SSE load against real SSE server libraries (node:http on 127.0.0.1:0), counts from their own counters', () => {
  it('sse-channel (history replay): every stream opened once, gets every event once, 0 gaps across the cut once resumed', async () => {
    const server = await startSseChannelServer(PLAN);
    try {
      const result = await runScenario(scenarioFrom(scenarioAgainst(server.url)));
      await server.done;
      const { counters, metrics } = result;
      expect(server.counts.broadcasts).toBe(PLAN.broadcasts);
      expect(server.counts.cut).toBe(STREAMS);
      expect(counters['sse.connections.opened']).toBe(STREAMS);
      expect(counters['sse.connections.peak']).toBe(STREAMS);
      expect(counters['sse.connections.dropped']).toBe(server.counts.cut);
      expect(counters['sse.reconnects']).toBe(server.counts.opened - STREAMS);
      expect(counters['sse.reconnects']).toBe(STREAMS);
      expect(counters['sse.resumed']).toBe(server.counts.resumed);
      expect(counters['sse.resumed']).toBe(STREAMS);
      // Every stream got every event the server sent, once: the ones sent during the cut by replay.
      expect(counters['sse.events.received']).toBe(STREAMS * server.counts.broadcasts);
      expect(counters['sse.push.gaps']).toBe(0);
      expect(counters['sse.push.duplicates']).toBe(0);
      expect(counters['sse.push.reordered']).toBe(0);
      expect(metrics['sse.connect']?.count).toBe(STREAMS);
      expect(metrics['sse.firstEvent']?.count).toBe(STREAMS);
      expect(metrics['sse.reconnect']?.count).toBe(STREAMS);
      expect(metrics['sse.push']?.count).toBe(STREAMS * server.counts.broadcasts);
      // A reconnect waits the retry time (300 ms) at least.
      expect(metrics['sse.reconnect']!.min).toBeGreaterThanOrEqual(300_000);
      expect(result.validity.reasons.filter((reason) => !/event loop stalled/.test(reason))).toEqual([]);
      expect(renderTextSummary(result)).toMatch(/sse {8}opened 40 {2}peak 40 {2}failed 0 {2}dropped 40/);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('better-sse (no history): the gaps equal exactly what the server broadcast while the streams were away', async () => {
    const server = await startBetterSseServer(PLAN);
    try {
      const result = await runScenario(scenarioFrom(scenarioAgainst(server.url)));
      await server.done;
      const { counters } = result;
      expect(server.counts.cut).toBe(STREAMS);
      expect(counters['sse.connections.opened']).toBe(STREAMS);
      expect(counters['sse.reconnects']).toBe(STREAMS);
      expect(counters['sse.resumed']).toBe(server.counts.resumed);
      // What the server wrote arrived, and nothing else.
      expect(counters['sse.events.received']).toBe(server.counts.written);
      const lostDuringCut = STREAMS * server.counts.broadcasts - server.counts.written;
      expect(lostDuringCut).toBeGreaterThan(0);
      expect(counters['sse.push.gaps']).toBe(lostDuringCut);
      expect(counters['sse.push.duplicates']).toBe(0);
    } finally {
      await server.close();
    }
  }, 30_000);
});
