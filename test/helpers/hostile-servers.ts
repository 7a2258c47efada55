import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { TestServer } from './servers.js';

/** A hostile target: a TestServer that also counts the requests (first bytes of each) it saw. */
export interface HostileServer extends TestServer {
  /** Connections accepted so far. */
  readonly connections: number;
  /** Requests whose first bytes arrived (counted by "HTTP/1.1\r\n" request lines). */
  readonly requests: number;
}

/** What a hostile server does with one connection; `stop` callbacks run when it closes (timers, streams). */
type Behaviour = (socket: Socket, counter: { requests: number }, onClose: (stop: () => void) => void) => void;

const REQUEST_LINE_END = / HTTP\/1\.[01]\r\n/g;

/** A raw TCP server on 127.0.0.1:0; `behaviour` decides what each connection gets. Closing it destroys every socket. */
export async function startRawServer(behaviour: Behaviour): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const counter = { requests: 0, connections: 0 };
  const server = createServer((socket) => {
    counter.connections++;
    sockets.add(socket);
    const stops: (() => void)[] = [];
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      for (const stop of stops) stop();
    });
    behaviour(socket, counter, (stop) => stops.push(stop));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    get connections() {
      return counter.connections;
    },
    get requests() {
      return counter.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Calls `onRequest` once per request line seen on the socket (the body is read and ignored). Good
 * enough for a test target: pushbench sends one request at a time per connection, no pipelining.
 */
function eachRequest(socket: Socket, counter: { requests: number }, onRequest: () => void): void {
  socket.on('data', (chunk: Buffer) => {
    const matches = chunk.toString('latin1').match(REQUEST_LINE_END)?.length ?? 0;
    for (let i = 0; i < matches; i++) {
      counter.requests++;
      onRequest();
    }
  });
}

/** Slowloris: answers each request with a valid head, dribbled one byte every `everyMs` (default a second). */
export function startSlowlorisServer(everyMs = 1_000): Promise<HostileServer> {
  const head = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  return startRawServer((socket, counter, onClose) => {
    eachRequest(socket, counter, () => {
      let at = 0;
      const timer = setInterval(() => {
        if (at < head.length) socket.write(head.subarray(at, ++at));
      }, everyMs);
      onClose(() => clearInterval(timer));
    });
  });
}

/** A chunked response that never ends: a 5-byte chunk every 100 ms, forever. */
export function startNeverEndingServer(): Promise<HostileServer> {
  return startRawServer((socket, counter, onClose) => {
    eachRequest(socket, counter, () => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      const timer = setInterval(() => socket.write('5\r\nhello\r\n'), 100);
      onClose(() => clearInterval(timer));
    });
  });
}

const MEGABYTE = Buffer.alloc(1 << 20, 0x61);

/** A `bodyBytes` response body (Content-Length framed), written from one shared 1 MiB buffer with backpressure. */
export function startHugeBodyServer(bodyBytes: number): Promise<HostileServer> {
  return startRawServer((socket, counter, onClose) => {
    let stopped = false;
    onClose(() => (stopped = true));
    eachRequest(socket, counter, () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${bodyBytes}\r\n\r\n`);
      let left = bodyBytes;
      const pump = (): void => {
        while (!stopped && left > 0) {
          const piece = left >= MEGABYTE.length ? MEGABYTE : MEGABYTE.subarray(0, left);
          left -= piece.length;
          if (!socket.write(piece)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
}

/** A response whose status line is not HTTP's: `HTTP/1.1 2x0 Fine`. */
export function startGarbageStatusServer(): Promise<HostileServer> {
  return startRawServer((socket, counter) => {
    eachRequest(socket, counter, () => socket.write('HTTP/1.1 2x0 Fine\r\nContent-Length: 0\r\n\r\n'));
  });
}

/** Accepts connections and never reads from them: the client's writes fill the socket buffers and stay there. */
export function startNeverReadingServer(): Promise<HostileServer> {
  return startRawServer((socket) => {
    socket.pause();
  });
}

/** Answers each request's head, then resets the connection (RST) before the promised body. */
export function startResetAfterHeadersServer(): Promise<HostileServer> {
  return startRawServer((socket, counter) => {
    eachRequest(socket, counter, () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n', () => socket.resetAndDestroy());
    });
  });
}

/** Answers 429 and 503 in turn, each with `Retry-After: 1`. */
export function startRetryAfterServer(): Promise<HostileServer> {
  return startRawServer((socket, counter) => {
    eachRequest(socket, counter, () => {
      const status = counter.requests % 2 === 1 ? '429 Too Many Requests' : '503 Service Unavailable';
      socket.write(`HTTP/1.1 ${status}\r\nRetry-After: 1\r\nContent-Length: 4\r\n\r\nbusy`);
    });
  });
}

/** Answers 200 with `Connection: close` and closes every connection after its one response. */
export function startConnectionCloseServer(): Promise<HostileServer> {
  return startRawServer((socket, counter) => {
    eachRequest(socket, counter, () => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'));
  });
}

/** Answers every request with a 307 to `location`. */
export function startRedirectServer(location: string): Promise<HostileServer> {
  return startRawServer((socket, counter) => {
    eachRequest(socket, counter, () => socket.write(`HTTP/1.1 307 Temporary Redirect\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`));
  });
}

/** Answers 200 with neither Content-Length nor chunking (HTTP/1.1, no Connection header): the body ends when the server closes. */
export function startUnframedBodyServer(): Promise<HostileServer> {
  return startRawServer((socket, counter) => {
    eachRequest(socket, counter, () => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe end of this body is the end of the connection'));
  });
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A raw WebSocket server on 127.0.0.1:0: it answers each upgrade request with 101 (and
 * `extraHeaders`), then hands the socket to `afterUpgrade`. Frames from the client are ignored
 * unless `afterUpgrade` reads them.
 */
export function startRawWsServer(afterUpgrade: (socket: Socket, onClose: (stop: () => void) => void) => void, extraHeaders = ''): Promise<HostileServer> {
  return startRawServer((socket, counter, onClose) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.removeListener('data', onData);
      counter.requests++;
      const key = /\r\nsec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${extraHeaders}\r\n`);
      afterUpgrade(socket, onClose);
    };
    socket.on('data', onData);
  }).then((server) => Object.assign(server, { url: server.url.replace(/^http:/, 'ws:').replace(/\/hook$/, '/') }));
}

/** Reads upgrade requests and never answers them. */
export function startNeverUpgradingServer(): Promise<HostileServer> {
  return startRawServer((socket, counter) => {
    socket.once('data', () => counter.requests++);
  }).then((server) => Object.assign(server, { url: server.url.replace(/^http:/, 'ws:').replace(/\/hook$/, '/') }));
}

/** Upgrades, then sends one binary frame announcing `payloadBytes` (64 MiB by default) and streams its payload. */
export function startHugeFrameServer(payloadBytes = 64 * 1024 * 1024): Promise<HostileServer> {
  return startRawWsServer((socket, onClose) => {
    let stopped = false;
    onClose(() => (stopped = true));
    const header = Buffer.alloc(10);
    header[0] = 0x82;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payloadBytes), 2);
    socket.write(header);
    let left = payloadBytes;
    const pump = (): void => {
      while (!stopped && left > 0) {
        const piece = left >= MEGABYTE.length ? MEGABYTE : MEGABYTE.subarray(0, left);
        left -= piece.length;
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

/** Upgrades, then stops reading: the client's frames back up in its own buffers. */
export function startStopReadingWsServer(): Promise<HostileServer> {
  return startRawWsServer((socket) => socket.pause());
}

/** Upgrades with `Sec-WebSocket-Extensions: permessage-deflate` though the client asked for no extension. */
export function startUnaskedDeflateServer(): Promise<HostileServer> {
  return startRawWsServer(() => {}, 'Sec-WebSocket-Extensions: permessage-deflate\r\n');
}

/**
 * A real `ws` server that echoes every message; `pingsPerMs` pings go to every connection each
 * millisecond (a ping flood), and `perMessageDeflate` is offered to clients that ask for it.
 */
export async function startEchoWsServer(options: { pingsPerMs?: number; perMessageDeflate?: boolean } = {}): Promise<HostileServer & { pongs: number }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: options.perMessageDeflate ?? false });
  const counts = { connections: 0, requests: 0, pongs: 0 };
  server.on('connection', (socket) => {
    counts.connections++;
    socket.on('message', (data, isBinary) => {
      counts.requests++;
      socket.send(data, { binary: isBinary });
    });
    socket.on('pong', () => counts.pongs++);
    socket.on('error', () => {});
    if (options.pingsPerMs) {
      const timer = setInterval(() => {
        for (let i = 0; i < options.pingsPerMs!; i++) socket.ping();
      }, 1);
      socket.on('close', () => clearInterval(timer));
    }
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    get connections() {
      return counts.connections;
    },
    get requests() {
      return counts.requests;
    },
    get pongs() {
      return counts.pongs;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

const SSE_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n';

/**
 * A valid event stream dribbled one byte every `everyMs` (default a second): the head at once, then
 * `body` byte by byte (the body ends with the connection: no length, no chunking), then silence with
 * the connection held open. `completed` counts the events whose blank line has been written, over
 * every connection: what a correct client has parsed once those bytes arrived.
 */
export function startDribblingSseServer(body: Buffer, everyMs = 1_000): Promise<HostileServer & { readonly completed: number }> {
  const ends = eventEnds(body);
  const written = { completed: 0 };
  return startRawServer((socket, counter, onClose) => {
    eachRequest(socket, counter, () => {
      socket.write(SSE_HEAD);
      let at = 0;
      const dribble = (): void => {
        if (at >= body.length) return clearInterval(timer);
        socket.write(body.subarray(at, at + 1));
        if (ends.has(at)) written.completed++;
        at++;
      };
      const timer = setInterval(dribble, everyMs);
      dribble();
      onClose(() => clearInterval(timer));
    });
  }).then((server) => Object.defineProperty(server, 'completed', { get: () => written.completed }) as HostileServer & { readonly completed: number });
}

/** Offsets of the bytes that end an event (the LF of "\n\n", written last): the blank line after a data line. */
function eventEnds(body: Buffer): Set<number> {
  const ends = new Set<number>();
  for (let i = 1; i < body.length; i++) if (body[i] === 0x0a && body[i - 1] === 0x0a) ends.add(i);
  return ends;
}

/**
 * An event stream whose first line never ends: `data: ` and then 64 KiB of `x` after 64 KiB, as fast
 * as the client reads. `closed` counts the connections that have closed.
 */
export function startEndlessLineSseServer(): Promise<HostileServer & { readonly closed: number }> {
  const piece = Buffer.alloc(64 * 1024, 0x78);
  const ended = { closed: 0 };
  return startRawServer((socket, counter, onClose) => {
    let stopped = false;
    onClose(() => {
      stopped = true;
      ended.closed++;
    });
    eachRequest(socket, counter, () => {
      socket.write(`${SSE_HEAD}data: `);
      const pump = (): void => {
        while (!stopped) {
          if (!socket.write(piece)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  }).then((server) => Object.defineProperty(server, 'closed', { get: () => ended.closed }) as HostileServer & { readonly closed: number });
}
