import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { DeltaCounters } from '../load/websocket/delta-counters.js';
import { nowUs, wallClockUs } from '../metrics/clock.js';

export interface SseServerOptions {
  /** One event to every stream each `everyUs`, its data padded to `sizeBytes`. */
  broadcast?: { everyUs: number; sizeBytes: number };
  /** Events kept to replay after Last-Event-ID. */
  history: number;
}

/** The built-in SSE server: streams on any path (GET or POST), broadcasts, a bounded history and replay. One per process. */
export interface BuiltinSseServer {
  port: number;
  counters: DeltaCounters;
  openStreams(): number;
  /** Broadcast k (0 .. count-1) at firstAtUs + k x everyUs (monotonic µs, the same instants in every server process). */
  startBroadcast(firstAtUs: number, count: number): void;
  stopBroadcast(): void;
  /** Ends every open stream at atUs (monotonic µs): the fault `dropAt`. */
  cutAt(atUs: number): void;
  close(): Promise<void>;
  /** Destroys every stream at once and stops listening; for a process about to exit. */
  terminate(): void;
}

const LISTEN_BACKLOG = 4_096;
const DIGITS = /^\d{1,15}$/;

/**
 * The history is a ring of pre-encoded events: event seq k sits at k % size while it is one of the
 * last `size` sent, so replay after Last-Event-ID n writes the kept events n+1 .. last, in order.
 */
class History {
  private readonly ring: string[];
  /** Sequence of the next event (= events sent so far). */
  next = 0;

  constructor(readonly size: number) {
    this.ring = new Array<string>(size);
  }

  add(encoded: string): void {
    if (this.size > 0) this.ring[this.next % this.size] = encoded;
    this.next++;
  }

  /** The oldest sequence still kept. */
  oldest(): number {
    return Math.max(0, this.next - this.size);
  }

  at(seq: number): string {
    return this.ring[seq % this.size]!;
  }
}

/** Event k: `id: k` and a JSON data line with its sequence and intended send time (wall clock, µs), padded to sizeBytes. */
export function encodeEvent(seq: number, sentAtUs: number, sizeBytes: number): string {
  const head = `{"seq":${seq},"sentAt":${sentAtUs},"pad":"`;
  const pad = 'x'.repeat(Math.max(0, sizeBytes - head.length - 2));
  return `id: ${seq}\ndata: ${head}${pad}"}\n\n`;
}

function ignoreError(): void {
  // a client that went away: 'close' follows and removes the stream
}

export async function startBuiltinSseServer(options: SseServerOptions, port = 0): Promise<BuiltinSseServer> {
  const counters = new DeltaCounters();
  const streams = new Set<ServerResponse>();
  const history = new History(options.history);
  // Intended monotonic times become wall-clock stamps with one offset, so a late timer shows in sse.push.
  const wallOffsetUs = wallClockUs() - nowUs();
  let broadcastTimer: NodeJS.Timeout | undefined;
  let cutTimer: NodeJS.Timeout | undefined;

  const app = Fastify({ logger: false, keepAliveTimeout: 10_000 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume(); // the body (a streaming API's prompt) is read and dropped
    payload.once('end', () => done(null, undefined));
  });
  const handle = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.hijack();
    const response = reply.raw;
    response.socket?.setNoDelay(true);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    counters.add('sse.server.streams.opened');
    const lastEventId = request.headers['last-event-id'];
    let replay = '';
    if (typeof lastEventId === 'string' && DIGITS.test(lastEventId)) {
      counters.add('sse.server.resumed');
      const from = Number(lastEventId) + 1;
      const first = Math.max(from, history.oldest());
      // Events the stream asked for that have left the history: lost for it, by the server's own count.
      counters.add('sse.server.events.notReplayed', Math.max(0, Math.min(first, history.next) - from));
      let replayed = 0;
      for (let seq = first; seq < history.next; seq++, replayed++) replay += history.at(seq);
      counters.add('sse.server.events.replayed', replayed);
      counters.add('sse.server.events.sent', replayed);
    }
    response.write(replay === '' ? ':\n\n' : replay); // a comment first sends the headers at once
    streams.add(response);
    response.once('close', () => streams.delete(response));
    response.on('error', ignoreError);
  };
  app.route({ method: ['GET', 'POST'], url: '/*', handler: handle });
  await app.listen({ host: '127.0.0.1', port, backlog: LISTEN_BACKLOG });
  const address = app.server.address();

  function fire(sequenceOf: { k: number; firstAtUs: number; count: number }): void {
    const broadcast = options.broadcast!;
    const intendedUs = sequenceOf.firstAtUs + sequenceOf.k * broadcast.everyUs;
    if (nowUs() < intendedUs) {
      broadcastTimer = setTimeout(fire, Math.max(0, (intendedUs - nowUs()) / 1000), sequenceOf);
      return;
    }
    const encoded = encodeEvent(history.next, intendedUs + wallOffsetUs, broadcast.sizeBytes);
    history.add(encoded);
    for (const stream of streams) stream.write(encoded);
    counters.add('sse.server.broadcasts');
    counters.add('sse.server.events.sent', streams.size);
    sequenceOf.k++;
    if (sequenceOf.k < sequenceOf.count) {
      broadcastTimer = setTimeout(fire, Math.max(0, (sequenceOf.firstAtUs + sequenceOf.k * broadcast.everyUs - nowUs()) / 1000), sequenceOf);
    }
  }

  return {
    port: typeof address === 'object' && address ? address.port : 0,
    counters,
    openStreams: () => streams.size,
    startBroadcast(firstAtUs, count) {
      if (!options.broadcast || broadcastTimer || count <= 0) return;
      const k = Math.max(0, Math.ceil((nowUs() - firstAtUs) / options.broadcast.everyUs));
      if (k < count) broadcastTimer = setTimeout(fire, Math.max(0, (firstAtUs + k * options.broadcast.everyUs - nowUs()) / 1000), { k, firstAtUs, count });
    },
    stopBroadcast() {
      clearTimeout(broadcastTimer);
    },
    cutAt(atUs) {
      clearTimeout(cutTimer);
      cutTimer = setTimeout(() => {
        counters.add('sse.server.streams.cut', streams.size);
        for (const stream of [...streams]) {
          streams.delete(stream); // no broadcast may write to an ended response
          stream.end();
        }
      }, Math.max(0, (atUs - nowUs()) / 1000));
    },
    async close() {
      clearTimeout(broadcastTimer);
      clearTimeout(cutTimer);
      for (const stream of streams) stream.destroy();
      await app.close();
    },
    terminate() {
      clearTimeout(broadcastTimer);
      clearTimeout(cutTimer);
      for (const stream of streams) stream.destroy();
      app.server.close();
    },
  };
}
