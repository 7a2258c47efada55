import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifierFor } from '../load/webhook/signing/registry.js';
import type { SigningConfig } from '../scenario/signing-schema.js';

export interface PipelineBackendOptions {
  /** When set, webhooks without a valid signature of this scheme get 401 and are not broadcast. */
  signing?: SigningConfig | undefined;
  /** Port to listen on (0: any free one; a restart listens on the same port again). */
  port?: number;
}

export interface PipelineBackend {
  /** Where webhooks go: POST http://127.0.0.1:<port>/. */
  webhookUrl: string;
  /** Where WebSocket subscribers connect: ws://127.0.0.1:<port>/subscribe. */
  subscribeUrl: string;
  /** Where SSE subscribers open their stream: http://127.0.0.1:<port>/events. */
  eventsUrl: string;
  /** Stops the backend (every socket cut, new connections refused), waits `downMs`, starts it again on the same port. */
  restart(downMs: number, signal?: AbortSignal): Promise<void>;
  counters(): Record<string, number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_048_576;

/**
 * The pipeline's built-in reference backend: what a typical user backend does, small. A fastify
 * app verifies each webhook's signature over the exact bytes received, answers 200, and broadcasts
 * the webhook body as it came to every WebSocket subscriber (`/subscribe`) and every SSE stream
 * (`/events`, one `data:` line per event), so a push carries the event's own id. It runs in the run's process.
 */
export async function startPipelineBackend(options: PipelineBackendOptions = {}): Promise<PipelineBackend> {
  const counters = { received: 0, badSignature: 0, broadcasts: 0, restarts: 0 };
  const verify = options.signing ? verifierFor(options.signing) : undefined;
  let running = await listen(options.port ?? 0);
  const port = running.port;

  async function listen(onPort: number): Promise<{ app: FastifyInstance; wss: WebSocketServer; streams: Set<ServerResponse>; port: number }> {
    const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, keepAliveTimeout: 10_000, forceCloseConnections: true });
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const streams = new Set<ServerResponse>();
    let eventId = 0;
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, (body as Buffer).toString('latin1')));
    const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<string> => {
      const body = typeof request.body === 'string' ? request.body : '';
      if (verify) {
        const check = verify((name) => headerOf(request, name), body, Math.floor(Date.now() / 1000));
        if (check !== 'ok') {
          counters.badSignature++;
          return reply.code(401).send(`signature ${check}`);
        }
      }
      counters.received++;
      const text = Buffer.from(body, 'latin1').toString('utf8');
      for (const client of wss.clients) {
        if (client.readyState === client.OPEN) client.send(text);
      }
      if (streams.size > 0) {
        const frame = `id: ${++eventId}\ndata: ${text.replace(/\r?\n|\r/g, ' ')}\n\n`;
        for (const stream of streams) stream.write(frame);
      }
      counters.broadcasts++;
      return reply.code(200).send('ok');
    };
    app.get('/events', (request, reply) => {
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      stream.write(': pushbench pipeline backend\n\n');
      streams.add(stream);
      request.raw.on('close', () => streams.delete(stream));
    });
    app.route({ method: ['POST', 'PUT', 'PATCH'], url: '/', handler: handle });
    app.route({ method: ['POST', 'PUT', 'PATCH'], url: '/*', handler: handle });
    app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!request.url?.startsWith('/subscribe')) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (client: WebSocket) => wss.emit('connection', client, request));
    });
    await app.listen({ port: onPort, host: '127.0.0.1' });
    const address = app.server.address();
    return { app, wss, streams, port: typeof address === 'object' && address ? address.port : onPort };
  }

  async function stop(): Promise<void> {
    const { app, wss, streams } = running;
    for (const client of wss.clients) client.terminate();
    for (const stream of streams) stream.destroy();
    wss.close();
    await app.close();
  }

  return {
    webhookUrl: `http://127.0.0.1:${port}/`,
    subscribeUrl: `ws://127.0.0.1:${port}/subscribe`,
    eventsUrl: `http://127.0.0.1:${port}/events`,
    async restart(downMs, signal) {
      counters.restarts++;
      await stop();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, downMs);
        signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      running = await listen(port);
    },
    counters: () => Object.fromEntries(Object.entries(counters).map(([name, value]) => [`pipeline.backend.${name}`, value])),
    close: stop,
  };
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
