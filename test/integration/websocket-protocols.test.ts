import { createServer, type Server as HttpServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

function listen(server: HttpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/**
 * A raw JSON server as real ones are: it wants an auth header and a subprotocol, answers a
 * subscribe with an acknowledgement, answers requests by id with noise in between, and pushes
 * numbered messages per connection with a deliberate gap (seq 4 never sent) and a duplicate (seq 7 twice).
 */
async function startRawServer(token: string) {
  const counts = { upgrades: 0, rejected: 0, subscribed: 0, answered: 0, pushes: 0, gaps: 0, duplicates: 0 };
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has('feed.v1') ? 'feed.v1' : false),
    verifyClient: (info, done) => {
      const header = info.req.headers['x-token'];
      if (header !== `${token}-${/-(\d+)$/.exec(String(header))?.[1]}` || header.endsWith('-3')) {
        counts.rejected++;
        return done(false, 401, 'Unauthorized');
      }
      counts.upgrades++;
      done(true);
    },
  });
  const SEQS = [0, 1, 2, 3, 5, 6, 7, 7, 8, 9];
  wss.on('connection', (socket: WebSocket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: string };
      socket.send(JSON.stringify({ type: 'noise', at: Date.now() }));
      if (message.type === 'subscribe') {
        counts.subscribed++;
        socket.send(JSON.stringify({ type: 'subscribed', channel: 'prices' }));
        let index = 0;
        const timer = setInterval(() => {
          if (index >= SEQS.length || socket.readyState !== socket.OPEN) return clearInterval(timer);
          socket.send(JSON.stringify({ type: 'price', seq: SEQS[index], sentAt: Date.now() }));
          counts.pushes++;
          index++;
        }, 40);
        counts.gaps++;
        counts.duplicates++;
      } else if (message.type === 'ask') {
        socket.send(JSON.stringify({ type: 'noise', between: true }));
        socket.send(JSON.stringify({ type: 'answer', re: message.id }));
        counts.answered++;
      }
    });
  });
  const port = await listen(http);
  closers.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
  });
  return { port, counts };
}

describe('real WebSocket servers', () => {
  it('raw: auth header, subprotocol, subscribe + ack, correlated requests through noise, pushes with a gap and a duplicate; counts equal the server\'s', async () => {
    process.env.PB_TEST_TOKEN = 'sekret-token-42';
    const server = await startRawServer('sekret-token-42');
    const result = await runScenario(
      scenarioFrom(`
name: raw-real
websocket:
  target: ws://127.0.0.1:${server.port}/feed
  protocol: raw
  connect:
    headers: { x-token: "{{env.PB_TEST_TOKEN}}-{{conn}}" }
    subprotocols: [feed.v1]
  connections: 12
  connectRate: 200
  hold: 1500ms
  onOpen:
    - send: { type: subscribe, channel: prices }
    - expect: { match: { type: subscribed }, timeout: 2s }
  request: { rate: 4, send: { type: ask, id: "{{requestId}}" }, correlate: re, timeout: 2s }
  push: { match: { type: price }, sentAt: sentAt, sentAtUnit: ms, seq: seq }
`),
    );
    const { counters, metrics } = result;
    expect(server.counts.rejected).toBe(1);
    expect(counters['ws.connections.failed.http401']).toBe(1);
    expect(counters['ws.connections.opened']).toBe(server.counts.upgrades);
    expect(server.counts.upgrades).toBe(11);
    expect(metrics['ws.handshake']?.count).toBe(server.counts.subscribed);
    expect(server.counts.subscribed).toBe(11);
    expect(counters['ws.requests.answered']).toBe(server.counts.answered);
    expect(counters['ws.requests.sent']).toBe(server.counts.answered);
    expect(server.counts.answered).toBeGreaterThan(11 * 4);
    expect(metrics['ws.request']?.count).toBe(server.counts.answered);
    expect(counters['ws.requests.timeouts'] ?? 0).toBe(0);
    expect(counters['ws.push.received']).toBe(server.counts.pushes);
    expect(server.counts.pushes).toBe(11 * 10);
    expect(counters['ws.push.gaps']).toBe(server.counts.gaps);
    expect(counters['ws.push.duplicates']).toBe(server.counts.duplicates);
    expect(counters['ws.push.reordered'] ?? 0).toBe(0);
    expect(metrics['ws.push']?.count).toBe(server.counts.pushes);
    expect(metrics['ws.push']!.p50).toBeLessThan(1_000_000);
    const text = JSON.stringify(result);
    expect(text).not.toContain('sekret-token-42');
    expect(result.scenario.config).toMatchObject({ websocket: { connect: { headers: { 'x-token': '<redacted>' } } } });
    expect(liveChildren()).toBe(0);
  });

  it('socketio: namespace handshake, an acked join step, acked requests, pushed events and triggered broadcasts; counts equal the server\'s', async () => {
    const counts = { connections: 0, joins: 0, asks: 0, ticks: 0, broadcasts: 0, recipients: 0 };
    const http = createServer((request, response) => {
      const id = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('id'));
      const sockets = io.of('/live').sockets.size;
      io.of('/live').emit('news', { id, title: `broadcast ${id}` });
      counts.broadcasts++;
      counts.recipients += sockets;
      response.end('ok');
    });
    const io = new SocketIoServer(http, { transports: ['websocket'] });
    io.of('/live').on('connection', (socket) => {
      counts.connections++;
      socket.on('join', (_room: unknown, ack: (reply: unknown) => void) => {
        counts.joins++;
        ack({ joined: true });
        let seq = 0;
        const timer = setInterval(() => {
          if (seq >= 5 || socket.disconnected) return clearInterval(timer);
          socket.emit('tick', { seq, sentAt: Date.now() });
          counts.ticks++;
          seq++;
        }, 50);
      });
      socket.on('ask', (_question: unknown, ack: (reply: unknown) => void) => {
        counts.asks++;
        ack({ ok: true });
      });
    });
    const port = await listen(http);
    closers.push(async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
    const result = await runScenario(
      scenarioFrom(`
name: sio-real
websocket:
  target: ws://127.0.0.1:${port}
  protocol: socketio
  namespace: /live
  connections: 10
  connectRate: 200
  hold: 1500ms
  onOpen:
    - emit: { event: join, data: { room: r1 }, ack: true }
  request: { rate: 4, emit: { event: ask, data: { q: "{{requestId}}" }, ack: true }, timeout: 2s }
  push: { event: tick, sentAt: sentAt, seq: seq }
  broadcast:
    every: 300ms
    trigger: { url: "http://127.0.0.1:${port}/broadcast?id={{broadcastId}}", method: POST }
    event: news
    id: id
`),
    );
    const { counters, metrics } = result;
    expect(counters['ws.connections.opened']).toBe(10);
    expect(counts.connections).toBe(10);
    expect(metrics['ws.handshake']?.count).toBe(counts.joins);
    expect(counts.joins).toBe(10);
    expect(counters['ws.requests.answered']).toBe(counts.asks);
    expect(counts.asks).toBeGreaterThan(10 * 4);
    expect(counters['ws.push.received']).toBe(counts.ticks);
    expect(counters['ws.push.gaps'] ?? 0).toBe(0);
    expect(counters['ws.broadcast.triggers.sent']).toBe(4);
    expect(counts.broadcasts).toBe(4);
    expect(counters['ws.broadcast.received']).toBe(counts.recipients);
    expect(counts.recipients).toBe(40);
    expect(counters['ws.broadcast.missing']).toBe(0);
    expect(metrics['ws.broadcast']?.count).toBe(40);
    expect(metrics['ws.broadcast.last']?.count).toBe(4);
    expect(liveChildren()).toBe(0);
  });
});
