import { createServer, type Server as HttpServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { liveChildren } from '../../src/process/child-process.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { closedPort, startServer, type TestServer } from '../helpers/servers.js';

/** Every failure says why: the cause lands in result.json `causes` and in the summary under the error headline. */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

function listen(server: HttpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

async function started(server: Promise<TestServer>): Promise<TestServer> {
  const running = await server;
  closers.push(() => running.close());
  return running;
}

describe('failure causes', () => {
  it('socketio: a connect_error of the server\'s middleware is the handshake failures\' cause', async () => {
    const http = createServer();
    const io = new SocketIoServer(http, { transports: ['websocket'] });
    let refused = 0;
    io.of('/admin').use((_socket, next) => {
      refused++;
      next(new Error('not authorized'));
    });
    const port = await listen(http);
    closers.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
    const result = await runScenario(
      scenarioFrom(`
name: sio-refused
websocket:
  target: ws://127.0.0.1:${port}
  protocol: socketio
  namespace: /admin
  connections: 4
  connectRate: 100
  hold: 100ms
  onOpen: [ { emit: { event: join, data: room1, ack: true } } ]
`),
    );
    expect(refused).toBe(4);
    expect(result.counters['ws.connections.failed.handshake']).toBe(4);
    expect(result.causes).toEqual({ 'ws.connections.failed.handshake': [{ cause: 'socketio handshake: socket.io connect_error: not authorized', count: 4 }] });
    const summary = renderTextSummary(result).split('\n');
    expect(summary[0]).toMatch(/ERRORS: 4 of 4 connections failed/);
    expect(summary[1]).toMatch(/^ {2}causes {5}ws\.connections\.failed\.handshake: +4 x socketio handshake: socket\.io connect_error: not authorized$/);
    expect(liveChildren()).toBe(0);
  });

  it('socketio: a held connection the server disconnects is a drop whose cause is the socket.io disconnect', async () => {
    const http = createServer();
    const io = new SocketIoServer(http, { transports: ['websocket'] });
    let kicked = 0;
    io.on('connection', (socket) => {
      socket.on('join', (_room: unknown, ack: () => void) => {
        ack();
        setTimeout(() => {
          kicked++;
          socket.disconnect(true);
        }, 300);
      });
    });
    const port = await listen(http);
    closers.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
    const result = await runScenario(
      scenarioFrom(`name: sio-kicked\nwebsocket:\n  target: ws://127.0.0.1:${port}\n  protocol: socketio\n  connections: 3\n  connectRate: 100\n  hold: 1s\n  onOpen: [ { emit: { event: join, data: room1, ack: true } } ]\n`),
    );
    expect(kicked).toBe(3);
    const dropped = Object.entries(result.counters).filter(([name]) => name.startsWith('ws.connections.dropped.'));
    expect(dropped.reduce((sum, [, count]) => sum + count, 0)).toBe(3);
    // Socket.IO sends `41` and then closes: a connection that reads the 41 first names it; one whose close came first names the close.
    const causes = dropped.flatMap(([name]) => result.causes?.[name] ?? []);
    expect(causes.reduce((sum, { count }) => sum + count, 0)).toBe(3);
    for (const { cause } of causes) expect(cause).toMatch(/^(socket\.io disconnect \(the server ended the session\)|close \d+.*)$/);
    expect(causes.map(({ cause }) => cause)).toContain('socket.io disconnect (the server ended the session)');
    expect(liveChildren()).toBe(0);
  });

  it('raw: an expect step that times out names the step and what arrived instead; a close during the handshake gives its code and reason', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    const accepted = { quiet: 0, closing: 0 };
    wss.on('connection', (socket, request) => {
      if (request.url?.includes('close')) {
        accepted.closing++;
        socket.close(1008, 'subscription refused');
        return;
      }
      accepted.quiet++;
      socket.on('message', () => socket.send('{"type":"error","reason":"unknown channel"}'));
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    closers.push(() => new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    }));
    const port = (wss.address() as { port: number }).port;
    const run = (path: string) =>
      runScenario(
        scenarioFrom(`
name: raw-steps
websocket:
  target: ws://127.0.0.1:${port}/${path}
  connections: 3
  connectRate: 100
  hold: 100ms
  onOpen:
    - send: { type: subscribe, channel: prices }
    - expect: { match: { type: subscribed }, timeout: 300ms }
`),
      );
    const timedOut = await run('quiet');
    expect(accepted.quiet).toBe(3);
    expect(timedOut.counters['ws.connections.failed.handshake']).toBe(3);
    expect(timedOut.causes?.['ws.connections.failed.handshake']).toEqual([
      { cause: 'onOpen step 1 (expect {"type":"subscribed"}) timed out; last arrived: {"type":"error","reason":"unknown channel"}', count: 3 },
    ]);
    const closed = await run('close');
    expect(accepted.closing).toBe(3);
    expect(closed.counters['ws.connections.failed.handshake']).toBe(3);
    expect(closed.causes?.['ws.connections.failed.handshake']).toEqual([
      { cause: 'onOpen step 1 (expect {"type":"subscribed"}): the server closed the connection: close 1008 "subscription refused"', count: 3 },
    ]);
    expect(liveChildren()).toBe(0);
  });

  it('a refused upgrade keeps the first bytes of its body (secrets redacted); a refused connection keeps the OS message', async () => {
    process.env.PB_CAUSE_TOKEN = 'tok-very-secret-1';
    const http = createServer((request, response) => {
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end(`bad token ${String(request.headers['x-token'])}; see docs`);
    });
    http.on('upgrade', (request, socket) => {
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nbad token ${String(request.headers['x-token'])}; see docs`);
    });
    const port = await listen(http);
    closers.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const result = await runScenario(
      scenarioFrom(`
name: ws-401
websocket:
  target: ws://127.0.0.1:${port}/
  connect: { headers: { x-token: "{{env.PB_CAUSE_TOKEN}}" } }
  connections: 2
  connectRate: 100
  hold: 100ms
`),
    );
    expect(result.counters['ws.connections.failed.http401']).toBe(2);
    expect(result.causes?.['ws.connections.failed.http401']).toEqual([{ cause: 'Unexpected server response: 401: bad token <redacted>; see docs', count: 2 }]);
    expect(JSON.stringify(result)).not.toContain('tok-very-secret-1');
    const refusedPort = await closedPort();
    const refused = await runScenario(scenarioFrom(`name: ws-refused\nwebsocket:\n  target: ws://127.0.0.1:${refusedPort}/\n  connections: 2\n  connectRate: 100\n  hold: 100ms\n`));
    expect(refused.counters['ws.connections.failed.refused']).toBe(2);
    expect(refused.causes?.['ws.connections.failed.refused']).toEqual([{ cause: `connect ECONNREFUSED 127.0.0.1:${refusedPort}`, count: 2 }]);
    expect(liveChildren()).toBe(0);
  });

  it('webhook: 4xx/5xx bodies by class, timeouts and refused connections', async () => {
    let requests = 0;
    const server = await started(
      startServer((_request, response) => {
        requests++;
        if (requests % 2 === 0) {
          response.writeHead(503, { 'content-type': 'text/plain', 'content-length': '25' });
          response.end('overloaded, retry later\r\n');
        } else {
          response.writeHead(404, { 'transfer-encoding': 'chunked' });
          response.write('no such ');
          response.end('hook');
        }
      }),
    );
    const result = await runScenario(scenarioFrom(`name: hook-errors\nwebhook:\n  target: ${server.url}\n  load: { model: open, rate: 20, duration: 1s }\n`));
    expect(requests).toBe(20);
    expect(result.counters['webhook.errors.5xx']).toBe(10);
    expect(result.counters['webhook.errors.4xx']).toBe(10);
    expect(result.causes).toEqual({
      'webhook.errors.4xx': [{ cause: 'HTTP 404: no such hook', count: 10 }],
      'webhook.errors.5xx': [{ cause: 'HTTP 503: overloaded, retry later', count: 10 }],
    });
    const refusedPort = await closedPort();
    const refused = await runScenario(scenarioFrom(`name: hook-refused\nwebhook:\n  target: http://127.0.0.1:${refusedPort}/hook\n  load: { model: open, rate: 10, duration: 500ms }\n`));
    expect(refused.counters['webhook.errors.refused']).toBe(5);
    expect(refused.causes?.['webhook.errors.refused']).toEqual([{ cause: `connect ECONNREFUSED 127.0.0.1:${refusedPort}`, count: 5 }]);
    expect(renderTextSummary(refused)).toContain(`webhook.errors.refused:       5 x connect ECONNREFUSED 127.0.0.1:${refusedPort}`);
  });
});
