import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { broadcastPayload, serverBinaryFrame } from '../load/websocket/frames.js';
import { DeltaCounters } from '../load/websocket/delta-counters.js';
import { nowUs } from '../metrics/clock.js';

export interface WsBroadcastOptions {
  everyUs: number;
  sizeBytes: number;
}

export interface WsServerOptions {
  broadcast?: WsBroadcastOptions;
}

/** The built-in ws server: echoes every message and broadcasts on a schedule. One per process. */
export interface BuiltinWsServer {
  port: number;
  counters: DeltaCounters;
  openConnections(): number;
  /**
   * Starts the broadcast schedule: broadcast k (0 .. count-1) goes out at firstAtUs + k x everyUs
   * (monotonic µs, shared by every server process, so k is one event to every connection, and every
   * server sends the same k). Needs `broadcast` options.
   */
  startBroadcast(firstAtUs: number, count: number): void;
  /** Stops the broadcast schedule; no frame is sent after it returns. */
  stopBroadcast(): void;
  /** Closes every remaining connection and the listening socket. */
  close(): Promise<void>;
  /** Tears every connection down at once (no closing handshake) and stops listening; for a process about to exit. */
  terminate(): void;
}

/** The accept queue: a connect burst beyond it waits for SYN retransmits (1 s and more). */
const LISTEN_BACKLOG = 4_096;
const MAX_PAYLOAD_BYTES = 1 << 20;
const CLOSE_GRACE_MS = 1_000;

/** Counters of the one server in this process, reachable from the named per-connection handlers. */
let counters: DeltaCounters | undefined;

function onServerMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  counters!.add('ws.server.messages.received');
  this.send(data, { binary: isBinary });
  counters!.add('ws.server.messages.sent');
}

function onServerError(): void {
  // A reset socket emits 'error' then 'close'; 'close' is what counts.
}

function onServerConnection(socket: WebSocket): void {
  counters!.add('ws.server.connections.opened');
  socket.on('message', onServerMessage);
  socket.on('error', onServerError);
}

/** ws keeps the TCP socket private; the broadcast writes one pre-framed Buffer to it directly. */
function rawSocket(socket: WebSocket): Duplex {
  return (socket as unknown as { _socket: Duplex })._socket;
}

export async function startBuiltinWsServer(options: WsServerOptions, port = 0): Promise<BuiltinWsServer> {
  if (counters) throw new Error('one built-in ws server per process');
  const ownCounters = new DeltaCounters();
  counters = ownCounters;
  const server = new WebSocketServer({ host: '127.0.0.1', port, backlog: LISTEN_BACKLOG, perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES });
  server.on('connection', onServerConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  let broadcastTimer: NodeJS.Timeout | undefined;
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    counters: ownCounters,
    openConnections: () => server.clients.size,
    startBroadcast(firstAtUs, count) {
      if (!options.broadcast || broadcastTimer || count <= 0) return;
      broadcastTimer = scheduleBroadcasts(server, options.broadcast, firstAtUs, count, ownCounters, (timer) => (broadcastTimer = timer));
    },
    stopBroadcast() {
      clearTimeout(broadcastTimer);
      broadcastTimer = undefined;
    },
    async close() {
      clearTimeout(broadcastTimer);
      for (const client of server.clients) client.close(1001);
      const killer = setTimeout(() => {
        for (const client of server.clients) client.terminate();
      }, CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearTimeout(killer);
      counters = undefined;
    },
    terminate() {
      clearTimeout(broadcastTimer);
      for (const client of server.clients) client.terminate();
      server.close();
    },
  };
}

/**
 * Broadcast k is framed once and written to every open connection at its intended time
 * firstAtUs + k x everyUs; the frame carries that time, so a late server shows in the latency.
 */
function scheduleBroadcasts(
  server: WebSocketServer,
  broadcast: WsBroadcastOptions,
  firstAtUs: number,
  count: number,
  serverCounters: DeltaCounters,
  setTimer: (timer: NodeJS.Timeout) => void,
): NodeJS.Timeout | undefined {
  let sequence = Math.max(0, Math.ceil((nowUs() - firstAtUs) / broadcast.everyUs));
  const next = (): NodeJS.Timeout => setTimeout(fire, Math.max(0, (firstAtUs + sequence * broadcast.everyUs - nowUs()) / 1000));
  function fire(): void {
    const intendedUs = firstAtUs + sequence * broadcast.everyUs;
    // Timers may fire a little before their time on the monotonic clock: never send before it.
    if (nowUs() < intendedUs) return setTimer(next());
    const frame = serverBinaryFrame(broadcastPayload(broadcast.sizeBytes, sequence, intendedUs));
    let recipients = 0;
    for (const client of server.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      rawSocket(client).write(frame);
      recipients++;
    }
    serverCounters.add('ws.server.broadcasts');
    serverCounters.add('ws.broadcast.sent', recipients);
    serverCounters.add('ws.server.messages.sent', recipients);
    sequence++;
    if (sequence < count) setTimer(next());
  }
  return sequence < count ? next() : undefined;
}
