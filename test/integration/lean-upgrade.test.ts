import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { classifyConnectError } from '../../src/load/websocket/connect-error.js';
import { missingWsInternal, parseUpgradeTarget, upgrade, UpgradeKeys, WS_INTERNAL_MISSING } from '../../src/load/websocket/lean-upgrade.js';

const OPTIONS = { timeoutMs: 2_000, maxPayloadBytes: 1 << 20, keys: new UpgradeKeys() };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function wsServer(): Promise<{ url: string; server: WebSocketServer }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => (protocols.has('chat.v2') ? 'chat.v2' : false) });
  await once(server, 'listening');
  server.on('connection', (socket, request) => {
    socket.send(`hello ${request.headers.authorization ?? '-'} ${request.url}`);
    socket.on('message', (data) => socket.send(data));
  });
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/feed?room=7`, server };
}

/** A raw TCP server that answers every request with `response` once the request head arrived. */
async function rawServer(response: string | undefined): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      if (response !== undefined && chunk.includes('\r\n\r\n')) socket.write(response);
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Resolves with the error and close code of a connection that never opens. */
async function failure(socket: WebSocket): Promise<{ error: Error; closeCode: number; opened: boolean }> {
  let opened = false;
  let error: Error | undefined;
  socket.on('open', () => (opened = true));
  socket.on('error', (cause: Error) => (error = cause));
  const closeCode = await new Promise<number>((resolve) => socket.on('close', resolve)); // once() would reject on 'error'
  return { error: error!, closeCode, opened };
}

describe('lean WebSocket upgrade', () => {
  it('opens against a real ws server with headers, query and a negotiated subprotocol; frames flow both ways', async () => {
    const { url } = await wsServer();
    const socket = upgrade(parseUpgradeTarget(url)!, { ...OPTIONS, headers: { Authorization: 'Bearer t0k' }, subprotocols: ['chat.v1', 'chat.v2'] });
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(data.toString()));
    await once(socket, 'open');
    expect(socket.protocol).toBe('chat.v2');
    socket.send('ping-1');
    while (messages.length < 2) await once(socket, 'message');
    expect(messages).toEqual(['hello Bearer t0k /feed?room=7', 'ping-1']);
    socket.terminate();
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(1006);
  });

  it('a non-101 answer fails as http<status>, then closes', async () => {
    const url = await rawServer('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    const { error, closeCode, opened } = await failure(upgrade(parseUpgradeTarget(url)!, OPTIONS));
    expect(opened).toBe(false);
    expect(classifyConnectError(error)).toBe('http401');
    expect(closeCode).toBe(1006);
  });

  it('a 101 with a wrong Sec-WebSocket-Accept is refused', async () => {
    const url = await rawServer('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90LXRoZS1yaWdodC1rZXk=\r\n\r\n');
    const { error, opened } = await failure(upgrade(parseUpgradeTarget(url)!, OPTIONS));
    expect(opened).toBe(false);
    expect(error.message).toBe('Invalid Sec-WebSocket-Accept header');
  });

  it('a server that never answers times out; terminate() while connecting aborts', async () => {
    const url = await rawServer(undefined);
    const timedOut = await failure(upgrade(parseUpgradeTarget(url)!, { ...OPTIONS, timeoutMs: 200 }));
    expect(classifyConnectError(timedOut.error)).toBe('timeout');
    const aborted = upgrade(parseUpgradeTarget(url)!, OPTIONS);
    setTimeout(() => aborted.terminate(), 50);
    const { error, opened } = await failure(aborted);
    expect(opened).toBe(false);
    expect(error.message).toBe('WebSocket was closed before the connection was established');
  });

  it('wss:// is left to ws’s own client', () => {
    expect(parseUpgradeTarget('wss://127.0.0.1:8443/')).toBeUndefined();
  });

  it('the once-per-process probe finds every ws internal it needs in the pinned ws, and names the first one missing otherwise', () => {
    expect(WS_INTERNAL_MISSING).toBeUndefined();
    expect(missingWsInternal()).toBeUndefined();
    class WithoutIsServer extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        delete (this as unknown as Record<string, unknown>)._isServer;
      }
    }
    expect(missingWsInternal(WithoutIsServer as unknown as typeof WebSocket)).toBe('_isServer');
    class WithoutEmitClose extends WebSocket {}
    Object.defineProperty(WithoutEmitClose.prototype, 'emitClose', { value: undefined });
    expect(missingWsInternal(WithoutEmitClose)).toBe('emitClose');
    // Fields ws sets on client instances only, which the lean upgrade writes: a real client has them.
    const client = new WebSocket('ws://127.0.0.1:9/');
    client.on('error', () => {});
    expect(Object.hasOwn(client, '_req')).toBe(true);
    expect(Object.hasOwn(client, '_bufferedAmount')).toBe(true);
    client.terminate();
  });

  it('a header value with CR/LF is never written: the connect fails as badHeader and the server sees no connection', async () => {
    const { url, server } = await wsServer();
    let connections = 0;
    server.on('connection', () => connections++);
    const { error, opened } = await failure(upgrade(parseUpgradeTarget(url)!, { ...OPTIONS, headers: { 'X-Token': 'a\r\nX-Injected: 1' } }));
    expect(opened).toBe(false);
    expect(classifyConnectError(error)).toBe('badHeader');
    expect(error.message).toBe('Invalid value of header "X-Token": it holds a CR or LF');
    const aborted = upgrade(parseUpgradeTarget(url)!, { ...OPTIONS, headers: { 'X-Token': 'a\nb' } });
    aborted.terminate(); // before the failure is emitted: still one error, one close
    expect((await failure(aborted)).opened).toBe(false);
    // A clean connect afterwards shows the server was listening all along.
    const clean = upgrade(parseUpgradeTarget(url)!, OPTIONS);
    await once(clean, 'open');
    clean.terminate();
    expect(connections).toBe(1);
  });
});
