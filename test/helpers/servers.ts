import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

/** A real server on 127.0.0.1:0 and how to stop it. */
export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function listening(server: Server | TcpServer, sockets: Set<Socket>): Promise<TestServer> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An HTTP server handing every request to `handler` at once, its body unread (libraries that watch the request's own 'end'/'close'). */
export function startRawServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  return listening(createHttpServer(handler), new Set<Socket>());
}

/** An HTTP server answering every request through `handler` once its body has been read. */
export function startServer(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createHttpServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handler(request, response, body));
  });
  return listening(server, sockets);
}

/** Answers 200 at once, except during `freezeMs` out of every `periodMs`, when answers wait for the thaw. */
export function startFreezingServer(periodMs: number, freezeMs: number): Promise<TestServer> {
  const startedMs = Date.now();
  return startServer((_request, response) => {
    const phaseMs = (Date.now() - startedMs) % periodMs;
    const waitMs = phaseMs >= periodMs - freezeMs ? periodMs - phaseMs : 0;
    setTimeout(() => response.end('ok'), waitMs);
  });
}

/** Accepts TCP connections and destroys each as soon as a request arrives (a crashing or resetting target). */
export function startResettingServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    socket.once('data', () => socket.resetAndDestroy());
  });
  return listening(server, sockets);
}

/** Answers every request with bytes that are not HTTP. */
export function startGarbageServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    socket.on('data', () => socket.write('\x00\x01 this is not http \xff\r\n\r\n'));
    socket.on('error', () => {});
  });
  return listening(server, sockets);
}

/** Answers `200` with a body whose end is the end of the connection (HTTP/1.1 without a length), then closes. */
export function startCloseDelimitedServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nall of this is the body'));
    socket.on('error', () => {});
  });
  return listening(server, sockets);
}

/** Accepts requests and never answers. */
export function startHangingServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  return listening(server, sockets);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = await startServer(() => {});
  await server.close();
  return server.port;
}
