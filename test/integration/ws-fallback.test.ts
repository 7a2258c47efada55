import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A ws version whose internals differ from the one the lean upgrade was written against, simulated
 * by taking one field away: ws's constructor sets `_protocol` on every WebSocket; a setter on the
 * prototype drops that write, so no WebSocket of this process has the field. The swarm module
 * (and so lean-upgrade's once-per-process probe) is loaded only after that.
 */
const descriptor = Object.getOwnPropertyDescriptor(WebSocket.prototype, '_protocol');
Object.defineProperty(WebSocket.prototype, '_protocol', { configurable: true, get: () => undefined, set: () => {} });
afterAll(() => {
  if (descriptor) Object.defineProperty(WebSocket.prototype, '_protocol', descriptor);
  else delete (WebSocket.prototype as unknown as Record<string, unknown>)._protocol;
});

describe('ws internals that differ (one field deleted)', () => {
  it('the probe names the missing field; every ws:// connect falls back to ws own client, is counted, and still opens', async () => {
    const { WS_INTERNAL_MISSING } = await import('../../src/load/websocket/lean-upgrade.js');
    const { Swarm } = await import('../../src/load/websocket/swarm.js');
    expect(WS_INTERNAL_MISSING).toBe('_protocol');

    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await once(server, 'listening');
    let accepted = 0; // the server's own count, independent of the swarm's counters
    server.on('connection', () => accepted++);
    try {
      const CONNECTIONS = 25;
      const swarm = new Swarm({
        targets: [`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`],
        firstConnection: 0,
        connections: CONNECTIONS,
        connectRatePerSec: 1_000,
        maxConnectsInFlight: 50,
        connectTimeoutMs: 5_000,
      });
      await swarm.rampUp();
      const { counters } = swarm.measured;
      expect(counters.total('ws.connections.opened')).toBe(CONNECTIONS);
      expect(counters.total('ws.client.fallback')).toBe(CONNECTIONS);
      expect(swarm.open.size).toBe(CONNECTIONS);
      expect(accepted).toBe(CONNECTIONS);
      // Frames still flow both ways over a fallen-back connection.
      const [first] = swarm.open;
      const reply = new Promise<string>((resolve) => first!.once('message', (data: Buffer) => resolve(data.toString())));
      for (const client of server.clients) client.on('message', (data) => client.send(`echo ${String(data)}`));
      first!.send('ping');
      expect(await reply).toBe('echo ping');
      swarm.stopConnecting();
      swarm.terminateAll();
    } finally {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
