import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';

describe('websocket phase counts, checked against a server that is not pushbench', () => {
  it('every connection the run says it opened and held, a plain ws server accepted and saw held through the hold', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await once(server, 'listening');
    let accepted = 0;
    let closedEarly = 0;
    let holding = false;
    let peakOpen = 0;
    server.on('connection', (socket) => {
      accepted++;
      peakOpen = Math.max(peakOpen, server.clients.size);
      socket.on('close', () => {
        if (holding) closedEarly++;
      });
    });
    try {
      const CONNECTIONS = 60;
      const run = runScenario(
        scenarioFrom(`name: ws-independent\nwebsocket: { target: "ws://127.0.0.1:${(server.address() as AddressInfo).port}/", connections: ${CONNECTIONS}, connectRate: 300, hold: 1s }\n`),
      );
      // The ramp takes 0.2 s; while the hold runs, no connection may close.
      const watch = setInterval(() => {
        if (server.clients.size === CONNECTIONS) holding = true;
      }, 5);
      const result = await run;
      clearInterval(watch);
      expect(result.counters['ws.connections.opened']).toBe(CONNECTIONS);
      expect(result.counters['ws.connections.peak']).toBe(CONNECTIONS);
      expect(accepted).toBe(CONNECTIONS);
      expect(peakOpen).toBe(CONNECTIONS);
      expect(holding).toBe(true);
      expect(Object.keys(result.counters).filter((name) => /^ws\.connections\.(failed|dropped)\./.test(name))).toEqual([]);
      expect(liveChildren()).toBe(0);
    } finally {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
