import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startShardProcess } from '../../src/load/websocket/shard-handle.js';
import { liveChildren } from '../../src/process/child-process.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A WebSocket server that upgrades every connection and then never answers anything, close frames
 * included: a peer that makes a closing handshake wait for its full timeout.
 */
function startSilentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket>; closedAt: number[] }> {
  const sockets = new Set<Socket>();
  const closedAt: number[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      closedAt.push(Date.now());
    });
    let head = '';
    socket.on('data', (chunk) => {
      if (head.endsWith('\r\n\r\n')) return; // frames after the upgrade: ignored, never answered
      head += chunk.toString('latin1');
      const key = /sec-websocket-key: *(.+)\r\n/i.exec(head)?.[1]?.trim();
      if (!head.includes('\r\n\r\n') || !key) return;
      const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, sockets, closedAt })));
}

describe('a client shard reports before it tears down', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('the result arrives with every held connection counted, before any connection is torn down, and teardown needs no handshake', async () => {
    const silent = await startSilentServer();
    server = silent.server;
    const shard = await startShardProcess('ws-client-0', () => {});
    const ramped = await shard.start(
      { swarm: { targets: [`ws://127.0.0.1:${silent.port}/`], firstConnection: 0, connections: 50, connectRatePerSec: 1_000, maxConnectsInFlight: 50, connectTimeoutMs: 5_000 } },
      20_000,
    );
    expect(ramped.open, JSON.stringify(ramped)).toBe(50);
    expect(silent.sockets.size).toBe(50);
    const result = await shard.finish();
    const resultAt = Date.now();
    expect(result.heldConnections).toBe(50);
    expect(result.counters['ws.connections.opened']).toBe(50);
    expect(result.counters['ws.connections.dropped.1006'] ?? 0).toBe(0);
    // No connection had closed when the result came back: teardown follows the report.
    expect(silent.closedAt.filter((at) => at < resultAt - 50)).toEqual([]);
    // And it is a teardown, not a closing handshake: the silent server never answers one, yet every socket goes.
    const deadline = Date.now() + 5_000;
    while (silent.sockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(silent.sockets.size).toBe(0);
    // The shard exits once its sockets are gone (not at the same instant): it must not outlive them by long.
    const exitDeadline = Date.now() + 5_000;
    while (liveChildren() > 0 && Date.now() < exitDeadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(liveChildren()).toBe(0);
  });
});
