import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Swarm } from '../../src/load/websocket/swarm.js';

describe('ws internals that differ for the fast frame reader (its socket reader renamed)', () => {
  it('every connection is counted as a fallback once, and its messages still arrive through ws', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // A ws whose socket 'data' handler has another name: the fast reader looks for `socketOnData`.
    const probe = new WebSocket(url);
    await once(probe, 'open');
    const wsOnData = (probe as unknown as { _socket: Socket })._socket.listeners('data').find((listener) => listener.name === 'socketOnData')!;
    Object.defineProperty(wsOnData, 'name', { value: 'renamedInAnotherVersion' });
    probe.terminate();
    let accepted = 0;
    server.on('connection', () => accepted++);
    try {
      const CONNECTIONS = 20;
      const swarm = new Swarm({ targets: [url], firstConnection: 0, connections: CONNECTIONS, connectRatePerSec: 1_000, maxConnectsInFlight: 50, connectTimeoutMs: 5_000 });
      await swarm.rampUp();
      const { counters } = swarm.measured;
      expect(counters.total('ws.connections.opened')).toBe(CONNECTIONS);
      expect(counters.total('ws.client.fallback')).toBe(CONNECTIONS);
      expect(accepted).toBe(CONNECTIONS);
      // One binary frame to each connection: all of them reach the swarm through ws's own Receiver.
      const before = counters.total('ws.messages.received');
      const arrived = Promise.all([...swarm.open].map((socket) => once(socket, 'message')));
      for (const client of server.clients) client.send(Buffer.alloc(32, 7));
      await arrived;
      expect(counters.total('ws.messages.received')).toBe(before + CONNECTIONS);
      swarm.stopConnecting();
      swarm.terminateAll();
    } finally {
      Object.defineProperty(wsOnData, 'name', { value: 'socketOnData' });
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
