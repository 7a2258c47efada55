import { afterEach, describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import type { RunResult } from '../../src/result/run-result.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import {
  startEchoWsServer,
  startHugeFrameServer,
  startNeverUpgradingServer,
  startStopReadingWsServer,
  startUnaskedDeflateServer,
  type HostileServer,
} from '../helpers/hostile-servers.js';

// Small and short for `npm test`: 16 connections (one window of connects in flight) held 2 s,
// connect timeout 1 s. Each run must end within its ramp + hold + connect timeout + 2 s, plus the
// time to start its client process (tsx on the shared 2-core box: measured 1-3 s), with every
// client process under 300 MB RSS.
const CONNECTIONS = 16;
const CONNECT_RATE = 200;
const HOLD_S = 2;
const CONNECT_TIMEOUT_S = 1;
const CHILD_START_S = 3;
const BOUND_MS = (CONNECTIONS / CONNECT_RATE + HOLD_S + CONNECT_TIMEOUT_S + 2 + CHILD_START_S) * 1_000;
const MAX_RSS_BYTES = 300 * 1024 * 1024;

const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track<T extends HostileServer>(server: Promise<T>): Promise<T> {
  const started = await server;
  servers.push(started);
  return started;
}

async function hostileRun(url: string, extra = '', connections = CONNECTIONS): Promise<RunResult> {
  const scenario = scenarioFrom(`
name: hostile-ws
websocket:
  target: "${url}"
  connections: ${connections}
  connectRate: ${CONNECT_RATE}
  connectTimeout: ${CONNECT_TIMEOUT_S}s
  hold: ${HOLD_S}s
${extra}
`);
  const startedMs = Date.now();
  const result = await runScenario(scenario);
  expect(Date.now() - startedMs).toBeLessThan(BOUND_MS);
  expect(liveChildren()).toBe(0);
  const clients = (result.validity.processes ?? []).filter((process) => process.role.startsWith('ws-client-'));
  expect(clients.length).toBeGreaterThan(0);
  for (const client of clients) expect(client.maxRssBytes).toBeLessThan(MAX_RSS_BYTES);
  return result;
}

function failures(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([name]) => /^ws\.connections\.(failed|dropped)\./.test(name)));
}

describe(`hostile WebSocket servers (${CONNECTIONS} connections, hold ${HOLD_S} s): bounded, classified, counted`, () => {
  it('an upgrade that never completes fails every connection as timeout; nothing opened is a failed run', async () => {
    const server = await track(startNeverUpgradingServer());
    const result = await hostileRun(server.url);
    expect(failures(result.counters)).toEqual({ 'ws.connections.failed.timeout': CONNECTIONS });
    expect(server.requests).toBe(CONNECTIONS);
    expect(result.validity.ok).toBe(false);
    expect(result.validity.reasons[0]).toMatch(new RegExp(`^no connection opened: ${CONNECTIONS} timeout by `));
  });

  it('a 64 MB frame: maxPayload (1 MiB) closes each connection with 1009, counted as a drop', async () => {
    const result = await hostileRun((await track(startHugeFrameServer())).url);
    expect(result.counters['ws.connections.opened']).toBe(CONNECTIONS);
    expect(failures(result.counters)).toEqual({ 'ws.connections.dropped.1009': CONNECTIONS });
  });

  it('a ping flood: every ping is answered, connections hold and echoes still come back', async () => {
    const server = await track(startEchoWsServer({ pingsPerMs: 5 }));
    const result = await hostileRun(server.url, '  echo: { rate: 20 }');
    const { counters } = result;
    expect(counters['ws.connections.opened']).toBe(CONNECTIONS);
    expect(failures(counters)).toEqual({});
    expect(server.pongs).toBeGreaterThan(CONNECTIONS * 100);
    expect(counters['ws.echo.received']).toBeGreaterThan(0);
    expect(counters['ws.echo.received']! + (counters['ws.echo.unanswered'] ?? 0)).toBe(counters['ws.messages.sent']);
  });

  it('a server that stops reading: the send buffer stays bounded, skipped sends and timed-out requests are counted', async () => {
    const pad = 'x'.repeat(32 * 1024);
    const server = await track(startStopReadingWsServer());
    const result = await hostileRun(
      server.url,
      `  request: { rate: 100, send: '{"id":"{{requestId}}","pad":"${pad}"}', correlate: id, timeout: 500ms }`,
      4,
    );
    const { counters } = result;
    expect(counters['ws.connections.opened']).toBe(4);
    expect(counters['ws.requests.answered'] ?? 0).toBe(0);
    // Every request sent either timed out or was still waiting at the end; none was answered.
    expect((counters['ws.requests.timeouts'] ?? 0) + (counters['ws.requests.unanswered'] ?? 0)).toBe(counters['ws.requests.sent']);
    expect(counters['ws.requests.timeouts']).toBeGreaterThan(0);
    // 4 connections x 100/s x 32 KiB outgrow the socket buffers: later sends are skipped, not queued.
    expect(counters['ws.requests.backpressured']).toBeGreaterThan(0);
  });

  it('permessage-deflate offered by a server that supports it: not negotiated (pushbench does not ask), echoes work', async () => {
    const server = await track(startEchoWsServer({ perMessageDeflate: true }));
    const result = await hostileRun(server.url, '  echo: { rate: 20 }');
    expect(result.counters['ws.connections.opened']).toBe(CONNECTIONS);
    expect(failures(result.counters)).toEqual({});
    expect(result.counters['ws.echo.received']).toBeGreaterThan(0);
  });

  it('permessage-deflate forced on a client that did not ask: every connection fails, classified', async () => {
    const server = await track(startUnaskedDeflateServer());
    const result = await hostileRun(server.url);
    expect(failures(result.counters)).toEqual({ 'ws.connections.failed.other': CONNECTIONS });
    expect(result.validity.reasons[0]).toMatch(new RegExp(`^no connection opened: ${CONNECTIONS} other by `));
  });
});
