import { afterEach, describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import type { RunResult } from '../../src/result/run-result.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { startDribblingSseServer, startEndlessLineSseServer, type HostileServer } from '../helpers/hostile-servers.js';

// As hostile-websocket.test.ts: 16 streams (one window of opens in flight), connect timeout 1 s.
// Each run must end within its ramp + hold + connect timeout + 2 s, plus the time to start its
// client shard (tsx on the shared 2-core box: measured 1-3 s).
const STREAMS = 16;
const CONNECT_RATE = 200;
const CONNECT_TIMEOUT_S = 1;
const CHILD_START_S = 3;
const MAX_RSS_BYTES = 300 * 1024 * 1024;
/**
 * The endless line's tighter bound: a client shard idles at ~90 MB here, and 16 streams cut at 1 Mi
 * characters each measured 118 MB at most. Without the bound each stream would buffer everything
 * the server writes until the run ends.
 */
const ENDLESS_LINE_MAX_RSS_BYTES = 160 * 1024 * 1024;

const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track<T extends HostileServer>(server: Promise<T>): Promise<T> {
  const started = await server;
  servers.push(started);
  return started;
}

async function hostileRun(url: string, holdS: number, extra = ''): Promise<{ result: RunResult; clientMaxRssBytes: number }> {
  const scenario = scenarioFrom(`
name: hostile-sse
sse:
  target: "${url}"
  connections: ${STREAMS}
  connectRate: ${CONNECT_RATE}
  connectTimeout: ${CONNECT_TIMEOUT_S}s
  hold: ${holdS}s
${extra}
`);
  const startedMs = Date.now();
  const result = await runScenario(scenario);
  expect(Date.now() - startedMs).toBeLessThan((STREAMS / CONNECT_RATE + holdS + CONNECT_TIMEOUT_S + 2 + CHILD_START_S) * 1_000);
  expect(liveChildren()).toBe(0);
  const clients = (result.validity.processes ?? []).filter((process) => process.role.startsWith('sse-client-'));
  expect(clients).toHaveLength(1);
  return { result, clientMaxRssBytes: clients[0]!.maxRssBytes };
}

function failures(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([name, count]) => /^sse\.(connections\.(failed|dropped)|reconnects\.failed)/.test(name) && count > 0));
}

describe(`hostile SSE servers (${STREAMS} streams): bounded, classified, counted`, () => {
  it('a valid stream dribbled one byte a second: nothing fails, every event the server completed is parsed exactly once', async () => {
    // "é" is two bytes: its halves arrive a second apart. The first event's blank line is byte 8 (8 s
    // after the head); the second event ends after 44 s, long after the run: it is never dispatched.
    const server = await track(startDribblingSseServer(Buffer.from('data:é\n\ndata: the rest comes after the run\n\n')));
    const { result, clientMaxRssBytes } = await hostileRun(server.url, 10, '  reconnect: { enabled: false }');
    const { counters } = result;
    expect(server.requests).toBe(STREAMS);
    expect(counters['sse.connections.opened']).toBe(STREAMS);
    expect(failures(counters)).toEqual({});
    expect(server.completed).toBe(STREAMS);
    expect(counters['sse.events.received']).toBe(server.completed);
    expect(result.metrics['sse.firstEvent']?.count).toBe(STREAMS);
    // The first event came 8 s after the headers, as dribbled (the box may add, never subtract).
    expect(result.metrics['sse.firstEvent']?.min).toBeGreaterThanOrEqual(7_900_000);
    expect(result.validity.shards?.find((shard) => shard.role === 'sse-client-0')?.connections).toBe(STREAMS);
    expect(result.causes).toBeUndefined();
    expect(result.validity.reasons).toEqual([]);
    expect(clientMaxRssBytes).toBeLessThan(MAX_RSS_BYTES);
  }, 30_000);

  it('an endless line: each stream is cut once its line passes 1 Mi characters, counted as tooLarge with its cause, and not reopened', async () => {
    const server = await track(startEndlessLineSseServer());
    const { result, clientMaxRssBytes } = await hostileRun(server.url, 2, '  reconnect: { retry: 200ms }');
    const { counters } = result;
    expect(counters['sse.connections.opened']).toBe(STREAMS);
    expect(failures(counters)).toEqual({ 'sse.connections.dropped': STREAMS, 'sse.connections.dropped.tooLarge': STREAMS });
    expect(counters['sse.reconnects']).toBe(0);
    expect(counters['sse.events.received']).toBe(0);
    expect(server.requests).toBe(STREAMS);
    expect(server.closed).toBe(STREAMS);
    const cause = [{ cause: 'a line longer than 1048576 characters', count: STREAMS }];
    expect(result.causes).toEqual({ 'sse.connections.dropped': cause, 'sse.connections.dropped.tooLarge': cause });
    expect(renderTextSummary(result)).toContain(`dropped ${STREAMS} (tooLarge ${STREAMS})`);
    // Streams opened: the run is not a failed one (exit 3 is for nothing opened).
    expect(result.validity.reasons).toEqual([]);
    expect(clientMaxRssBytes).toBeLessThan(ENDLESS_LINE_MAX_RSS_BYTES);
  }, 30_000);
});
