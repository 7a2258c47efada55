import { describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { closedPort, startHangingServer } from '../helpers/servers.js';
import { startClosingWsServer, startNonUpgradingServer } from '../helpers/ws-servers.js';

const CONNECTIONS = 40;

function failureCounters(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([name]) => /^ws\.connections\.(failed|dropped)\./.test(name)));
}

async function runAgainst(target: string, extra = ''): Promise<Record<string, number>> {
  const result = await runScenario(
    scenarioFrom(`name: ws-fault\nwebsocket: { target: "${target}", connections: ${CONNECTIONS}, connectRate: 400, hold: 300ms${extra} }\n`),
  );
  expect(liveChildren()).toBe(0);
  return result.counters;
}

describe('websocket failures are classified, never hidden', () => {
  it('a closed port: every connection fails as refused', async () => {
    const counters = await runAgainst(`ws://127.0.0.1:${await closedPort()}/`);
    expect(failureCounters(counters)).toEqual({ 'ws.connections.failed.refused': CONNECTIONS });
    expect(counters['ws.connections.opened']).toBeUndefined();
  });

  it('a server answering 403 instead of 101: every connection fails as http403', async () => {
    const server = await startNonUpgradingServer('403 Forbidden');
    try {
      const counters = await runAgainst(server.url);
      expect(failureCounters(counters)).toEqual({ 'ws.connections.failed.http403': CONNECTIONS });
    } finally {
      await server.close();
    }
  });

  it('a server that never answers the upgrade: every connection fails as timeout', async () => {
    const server = await startHangingServer();
    try {
      const counters = await runAgainst(`ws://127.0.0.1:${server.port}/`, ', connectTimeout: 300ms');
      expect(failureCounters(counters)).toEqual({ 'ws.connections.failed.timeout': CONNECTIONS });
    } finally {
      await server.close();
    }
  });

  it('a server that closes every connection with 1011 during the hold: each is a drop with its code', async () => {
    const server = await startClosingWsServer(1011, 100);
    try {
      const counters = await runAgainst(server.url, ', echo: { rate: 5 }');
      expect(counters['ws.connections.opened']).toBe(CONNECTIONS);
      expect(counters['ws.connections.peak']).toBeLessThanOrEqual(CONNECTIONS);
      expect(failureCounters(counters)).toEqual({ 'ws.connections.dropped.1011': CONNECTIONS });
    } finally {
      await server.close();
    }
  });
});
