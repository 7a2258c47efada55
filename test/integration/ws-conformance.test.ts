import { createServer, type Server as HttpServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server as SocketIoServer, type Socket as ServerSocket } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';

/**
 * Conformance: each adapter against its real server library, with the calls those libraries' docs
 * show first (`socket.emit('hello', 'world')`, `ws.send('something')`) and every JSON data type.
 * What pushbench puts on the wire must be byte for byte what the real client library sends for the
 * same calls, and the counts are the server's own.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

function listen(server: HttpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** The same emits, as socket.io-client calls and as scenario steps (one per data type, with and without ack, and several arguments). */
const CALLS: Array<{ event: string; args: unknown[]; ack: boolean; yaml: string }> = [
  { event: 'join', args: ['room1'], ack: false, yaml: '{ event: join, data: room1 }' },
  { event: 'join', args: ['room1'], ack: true, yaml: '{ event: join, data: room1, ack: true }' },
  { event: 'number', args: [42.5], ack: true, yaml: '{ event: number, data: 42.5, ack: true }' },
  { event: 'boolean', args: [false], ack: false, yaml: '{ event: boolean, data: false }' },
  { event: 'null', args: [null], ack: true, yaml: '{ event: "null", data: null, ack: true }' },
  { event: 'object', args: [{ room: 'r1', n: 1, nested: { ok: true, list: [1, 'two', null] } }], ack: false, yaml: '{ event: object, data: { room: r1, n: 1, nested: { ok: true, list: [1, two, null] } } }' },
  { event: 'array', args: [[1, 'two', { three: 3 }]], ack: true, yaml: '{ event: array, data: [1, two, { three: 3 }], ack: true }' },
  { event: 'quotes', args: ['say "hi"\\n'], ack: false, yaml: `{ event: quotes, data: 'say "hi"\\n' }` },
  { event: 'multi', args: [1, '2', { three: 3 }, [4], true, null], ack: true, yaml: '{ event: multi, args: [1, "2", { three: 3 }, [4], true, null], ack: true }' },
  { event: 'none', args: [], ack: false, yaml: '{ event: none }' },
];

interface SioServer {
  port: number;
  /** Engine.IO message packets received, per client tag (`who` query), as they came off the wire. */
  frames: Map<string, string[]>;
  /** Events handled by the server, per event name, and acks it sent. */
  events: Map<string, number>;
  acks: number;
  connections: number;
  /** Decoded arguments of each event, per client tag. */
  args: Map<string, unknown[][]>;
}

async function startSocketIoServer(): Promise<SioServer> {
  const http = createServer();
  const io = new SocketIoServer(http, { transports: ['websocket'] });
  const server: SioServer = { port: 0, frames: new Map(), events: new Map(), acks: 0, connections: 0, args: new Map() };
  io.engine.on('connection', (engineSocket: { request: { url?: string }; on(event: 'packet', listener: (packet: { type: string; data?: unknown }) => void): void }) => {
    const who = new URL(engineSocket.request.url ?? '/', 'http://x').searchParams.get('who') ?? '?';
    const frames: string[] = [];
    server.frames.set(who, frames);
    engineSocket.on('packet', (packet) => {
      if (packet.type === 'message' && typeof packet.data === 'string') frames.push(`4${packet.data}`);
    });
  });
  io.on('connection', (socket: ServerSocket) => {
    server.connections++;
    const who = String(socket.handshake.query.who);
    const received: unknown[][] = [];
    server.args.set(who, received);
    socket.onAny((event: string, ...args: unknown[]) => {
      server.events.set(event, (server.events.get(event) ?? 0) + 1);
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: unknown) => void) : undefined;
      received.push([event, ...args]);
      if (ack) {
        server.acks++;
        ack({ ok: true });
      }
    });
  });
  server.port = await listen(http);
  closers.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
  return server;
}

/** socket.io-client makes CALLS as its docs show them; resolves when every ack has come back. */
async function emitWithSocketIoClient(port: number): Promise<void> {
  const socket = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], query: { who: 'lib' }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  const acked: Array<Promise<unknown>> = [];
  for (const call of CALLS) {
    if (call.ack) acked.push(new Promise((resolve) => socket.emit(call.event, ...call.args, resolve)));
    else socket.emit(call.event, ...call.args);
  }
  await Promise.all(acked);
  socket.disconnect();
}

describe('socketio adapter conforms to socket.io-client against a real socket.io server', () => {
  it('every data type, data and args, with and without ack: the same bytes as socket.io-client, and the server counts each', async () => {
    const server = await startSocketIoServer();
    await emitWithSocketIoClient(server.port);
    const connections = 3;
    const result = await runScenario(
      scenarioFrom(`
name: sio-conformance
websocket:
  target: ws://127.0.0.1:${server.port}
  protocol: socketio
  connect: { query: { who: "pb{{conn}}" } }
  connections: ${connections}
  connectRate: 100
  hold: 200ms
  onOpen:
${CALLS.map((call) => `    - emit: ${call.yaml}`).join('\n')}
`),
    );
    const libFrames = server.frames.get('lib')!;
    expect(libFrames.pop()).toBe('41'); // socket.disconnect(); pushbench ends its connections without it
    expect(libFrames[0]).toBe('40');
    expect(libFrames.slice(1, 3)).toEqual(['42["join","room1"]', '420["join","room1"]']);
    expect(libFrames).toHaveLength(1 + CALLS.length);
    for (let conn = 0; conn < connections; conn++) {
      expect(server.frames.get(`pb${conn}`)).toEqual(libFrames);
      expect(server.args.get(`pb${conn}`)).toEqual(server.args.get('lib'));
    }
    expect(server.args.get('lib')).toEqual(CALLS.map((call) => [call.event, ...call.args]));
    const ackedPerClient = CALLS.filter((call) => call.ack).length;
    expect(server.connections).toBe(connections + 1);
    expect(server.acks).toBe((connections + 1) * ackedPerClient);
    for (const call of new Set(CALLS.map((c) => c.event))) expect(server.events.get(call)).toBe((connections + 1) * CALLS.filter((c) => c.event === call).length);
    expect(result.counters['ws.connections.opened']).toBe(connections);
    expect(result.metrics['ws.handshake']?.count).toBe(connections);
    expect(result.counters['ws.connections.failed.handshake'] ?? 0).toBe(0);
    expect(liveChildren()).toBe(0);
  });

  it('requests: templates inside strings stay strings, a whole {{sentAtUs}} or {{conn}} is a number; answered equals the server\'s acks', async () => {
    const server = await startSocketIoServer();
    const result = await runScenario(
      scenarioFrom(`
name: sio-request-types
websocket:
  target: ws://127.0.0.1:${server.port}
  protocol: socketio
  connect: { query: { who: "pb{{conn}}" } }
  connections: 2
  connectRate: 100
  hold: 1s
  request: { rate: 5, emit: { event: ask, args: ["{{requestId}}", "{{sentAtUs}}", "{{conn}}", "conn {{conn}}", { at: "{{sentAtUs}}" }], ack: true }, timeout: 2s }
`),
    );
    const asks = [...server.args.values()].flat();
    expect(asks.length).toBe(server.events.get('ask'));
    expect(result.counters['ws.requests.answered']).toBe(server.acks);
    expect(result.counters['ws.requests.sent']).toBe(server.acks);
    expect(server.acks).toBeGreaterThanOrEqual(2 * 4);
    for (const [event, requestId, sentAtUs, conn, text, object] of asks) {
      expect(event).toBe('ask');
      expect(requestId).toMatch(/^[01]-\d+$/);
      expect(typeof sentAtUs).toBe('number');
      expect(Number.isInteger(sentAtUs)).toBe(true);
      expect(conn === 0 || conn === 1).toBe(true);
      expect(text).toBe(`conn ${String(conn)}`);
      expect((object as { at: unknown }).at).toEqual(expect.any(Number));
    }
    expect(liveChildren()).toBe(0);
  });
});

describe('raw adapter conforms to ws against a plain ws server', () => {
  it('strings go out as written (ws.send), other values as their JSON; templated match objects; the server counts each message', async () => {
    const received = new Map<string, string[]>();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket, request) => {
      const who = new URL(request.url ?? '/', 'http://x').searchParams.get('who') ?? '?';
      const frames: string[] = [];
      received.set(who, frames);
      socket.on('message', (data, isBinary) => {
        frames.push(`${isBinary ? 'binary' : 'text'}:${data.toString()}`);
        if (frames.length === 1) socket.send(JSON.stringify({ type: 'welcome', conn: Number(who.replace('pb', '')), name: `user-${who}` }));
      });
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    closers.push(() => new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    }));
    const port = (wss.address() as { port: number }).port;
    const values: unknown[] = ['something', 7, true, null, { a: 'b "c"', n: [1, 2] }, ['x', 1]];
    const lib = new WebSocket(`ws://127.0.0.1:${port}/?who=lib`);
    await new Promise((resolve) => lib.once('open', resolve));
    for (const value of values) lib.send(typeof value === 'string' ? value : JSON.stringify(value));
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
    lib.close();
    const connections = 3;
    const result = await runScenario(
      scenarioFrom(`
name: raw-conformance
websocket:
  target: ws://127.0.0.1:${port}/
  protocol: raw
  connect: { query: { who: "pb{{conn}}" } }
  connections: ${connections}
  connectRate: 100
  hold: 200ms
  onOpen:
    - send: something
    - expect: { match: { type: welcome, conn: "{{conn}}", name: "user-pb{{conn}}" }, timeout: 2s }
    - send: 7
    - send: true
    - send: null
    - send: { a: 'b "c"', n: [1, 2] }
    - send: [x, 1]
`),
    );
    const libFrames = received.get('lib')!;
    expect(libFrames).toEqual(['text:something', 'text:7', 'text:true', 'text:null', 'text:{"a":"b \\"c\\"","n":[1,2]}', 'text:["x",1]']);
    for (let conn = 0; conn < connections; conn++) expect(received.get(`pb${conn}`)).toEqual(libFrames);
    expect(result.counters['ws.connections.opened']).toBe(connections);
    expect(result.metrics['ws.handshake']?.count).toBe(connections);
    expect(liveChildren()).toBe(0);
  });
});
