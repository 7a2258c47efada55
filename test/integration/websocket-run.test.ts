import { afterEach, describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { parseResult } from '../../src/result/read-result.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { isAlive } from '../helpers/processes.js';

afterEach(() => {
  delete process.env.PUSHBENCH_WS_PER_PROCESS;
});

describe('websocket runs against the built-in ws server (real child processes on 127.0.0.1:0)', () => {
  it('300 connections over 2 client shards and 2 server processes: exact counts on both sides, exact merge', async () => {
    process.env.PUSHBENCH_WS_PER_PROCESS = '150';
    const scenario = scenarioFrom(`
name: ws-three-hundred
websocket:
  connections: 300
  connectRate: 1500
  hold: 2s
  echo: { rate: 2, sizeBytes: 128 }
  broadcast: { every: 500ms, sizeBytes: 200 }
`);
    const result = await runScenario(scenario);
    const { counters, metrics, validity, timeline } = result;
    expect(counters['ws.connections.opened']).toBe(300);
    expect(counters['ws.connections.peak']).toBe(300);
    expect(counters['ws.server.connections.opened']).toBe(300);
    expect(counters['ws.server.connections.peak']).toBe(300);
    expect(Object.keys(counters).filter((name) => /^ws\.connections\.(failed|dropped)\./.test(name))).toEqual([]);
    expect(metrics['ws.connect']?.count).toBe(300);
    // Every echo sent was received by a server, echoed, and came back.
    const sent = counters['ws.messages.sent']!;
    expect(sent).toBeGreaterThan(300 * 2 * 1.5);
    expect(counters['ws.server.messages.received']).toBe(sent);
    expect(counters['ws.echo.received']).toBe(sent);
    expect(counters['ws.echo.unanswered']).toBe(0);
    expect(metrics['ws.echo']?.count).toBe(sent);
    // Every frame a server wrote (echoes + broadcast recipients) arrived.
    expect(counters['ws.messages.received']).toBe(counters['ws.server.messages.sent']);
    expect(counters['ws.broadcast.received']).toBe(counters['ws.broadcast.sent']);
    expect(counters['ws.broadcast.missing']).toBe(0);
    expect(metrics['ws.broadcast']?.count).toBe(counters['ws.broadcast.received']);
    // One value per broadcast: both servers send broadcast k at the same intended time.
    const rounds = counters['ws.server.broadcasts']! / 2;
    // Broadcasts start with the hold and end half an interval before it: at +0.5, +1.0 and +1.5 s of a 2 s hold.
    expect(counters['ws.server.broadcasts']).toBe(6);
    expect(metrics['ws.broadcast.last']?.count).toBe(3);
    expect(rounds).toBe(3);
    expect(metrics['ws.broadcast.last']!.max).toBe(metrics['ws.broadcast']!.max);
    // Timeline: open connections on both sides, and connects per second adding up to the total.
    expect(Math.max(...timeline.map((point) => point.gauges['ws.connections'] ?? 0))).toBe(300);
    expect(Math.max(...timeline.map((point) => point.gauges['ws.server.connections'] ?? 0))).toBe(300);
    expect(timeline.reduce((sum, point) => sum + (point.counts['ws.connections.opened'] ?? 0), 0)).toBe(300);
    expect(timeline.reduce((sum, point) => sum + (point.counts['ws.messages.sent'] ?? 0), 0)).toBe(sent);
    // Validity: every shard and server, with its connections; memory per connection; no child left.
    expect(validity.shards?.map((shard) => [shard.role, shard.connections])).toEqual([
      ['ws-client-0', 150],
      ['ws-client-1', 150],
      ['ws-server-0', 150],
      ['ws-server-1', 150],
    ]);
    expect(validity.clientBytesPerConnection).toBeGreaterThan(0);
    expect(validity.connectRatePerSec).toBeGreaterThan(0);
    for (const shard of validity.shards!) expect(isAlive(shard.pid)).toBe(false);
    expect(liveChildren()).toBe(0);
    expect(parseResult(JSON.stringify(result), 'result.json').validity.shards).toEqual(validity.shards);
    expect(renderTextSummary(result)).toMatch(/ws {9}opened 300 {2}peak 300 {2}failed 0 {2}dropped 0/);
  });

  it('without echo or broadcast: connect, hold, close', async () => {
    const result = await runScenario(scenarioFrom('name: ws-plain\nwebsocket: { connections: 50, connectRate: 500, hold: 200ms }\n'));
    expect(result.counters['ws.connections.opened']).toBe(50);
    expect(result.counters['ws.server.connections.opened']).toBe(50);
    expect(result.counters['ws.messages.sent']).toBeUndefined();
    expect(result.counters['ws.messages.received']).toBeUndefined();
    expect(Object.keys(result.metrics)).toEqual(['ws.connect']);
    expect(result.validity.ok).toBe(true);
    expect(liveChildren()).toBe(0);
  });
});
