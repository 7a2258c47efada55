import type { ServerResponse } from 'node:http';
import { createChannel, createSession, type Session } from 'better-sse';
// @ts-expect-error sse-channel ships no types
import SseChannel from 'sse-channel';
import { startRawServer, startServer, type TestServer } from './servers.js';

/** What a test SSE server counted itself. */
export interface SseServerCounts {
  /** Requests that became streams (first opens and reopens). */
  opened: number;
  /** Of those, requests that carried Last-Event-ID. */
  resumed: number;
  /** Events the server broadcast (each to every stream connected then). */
  broadcasts: number;
  /** Event writes to streams the server made at broadcast time (replays not included). */
  written: number;
  /** Streams the server cut. */
  cut: number;
}

export interface SseLibraryServer extends TestServer {
  counts: SseServerCounts;
  /** Resolves when the last broadcast has gone out. */
  done: Promise<void>;
  /** Called with each stream request's URL (path and query). */
  onRequest?: (url: string) => void;
}

export interface BroadcastPlan {
  /** Broadcasting starts once this many streams have opened. */
  streams: number;
  everyMs: number;
  broadcasts: number;
  /** After this many broadcasts every stream is cut (ended by the server). */
  cutAfter: number;
}

function wallUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** The event data both servers send: sequence k and the wall-clock send time in µs. */
function eventData(seq: number): string {
  return JSON.stringify({ seq, sentAt: wallUs() });
}

function broadcastLoop(plan: BroadcastPlan, counts: SseServerCounts, send: (seq: number) => void, cutAll: () => void): { maybeStart(): void; done: Promise<void> } {
  let started = false;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  return {
    done,
    maybeStart() {
      if (started || counts.opened < plan.streams) return;
      started = true;
      const timer = setInterval(() => {
        send(counts.broadcasts);
        counts.broadcasts++;
        if (counts.broadcasts === plan.cutAfter) cutAll();
        if (counts.broadcasts === plan.broadcasts) {
          clearInterval(timer);
          finished();
        }
      }, plan.everyMs);
    },
  };
}

/** sse-channel (it keeps a history and replays it after Last-Event-ID) on a node:http server. */
export async function startSseChannelServer(plan: BroadcastPlan): Promise<SseLibraryServer> {
  const counts: SseServerCounts = { opened: 0, resumed: 0, broadcasts: 0, written: 0, cut: 0 };
  const channel = new SseChannel({ historySize: 500, pingInterval: 60_000 });
  const connected = new Set<ServerResponse>();
  channel.on('disconnect', (_channel: unknown, response: ServerResponse) => connected.delete(response));
  const loop = broadcastLoop(
    plan,
    counts,
    (seq) => {
      counts.written += connected.size;
      channel.send({ id: String(seq), data: eventData(seq) });
    },
    () => {
      for (const response of [...connected]) {
        connected.delete(response);
        channel.removeClient(response);
        response.end();
        counts.cut++;
      }
    },
  );
  // sse-channel drops a client when its request ends or closes: under Node >= 16 a request read to
  // its end closes at once, so the request is left unread here (as an SSE GET's body is empty).
  const server = await startRawServer((request, response) => {
    counts.opened++;
    if (request.headers['last-event-id'] !== undefined) counts.resumed++;
    connected.add(response);
    channel.addClient(request, response);
    loop.maybeStart();
  });
  return { ...server, url: `http://127.0.0.1:${server.port}/events`, counts, done: loop.done };
}

/** better-sse (no history: what is broadcast while a stream is away is lost to it) on a node:http server. */
export async function startBetterSseServer(plan: BroadcastPlan): Promise<SseLibraryServer> {
  const counts: SseServerCounts = { opened: 0, resumed: 0, broadcasts: 0, written: 0, cut: 0 };
  const channel = createChannel();
  const responses = new Map<Session, ServerResponse>();
  const loop = broadcastLoop(
    plan,
    counts,
    (seq) => {
      counts.written += channel.sessionCount;
      channel.broadcast(eventData(seq), 'message', { eventId: String(seq) });
    },
    () => {
      for (const [session, response] of [...responses]) {
        responses.delete(session);
        channel.deregister(session);
        response.end();
        counts.cut++;
      }
    },
  );
  const server: SseLibraryServer = {
    ...(await startServer((request, response) => {
      server.onRequest?.(request.url ?? '/');
      counts.opened++;
    if (request.headers['last-event-id'] !== undefined) counts.resumed++;
      void createSession(request, response, { keepAlive: null, retry: null, serializer: (data) => String(data) }).then((session) => {
        responses.set(session, response);
        session.once('disconnected', () => {
          responses.delete(session);
          channel.deregister(session);
        });
        channel.register(session);
        loop.maybeStart();
      });
    })),
    counts,
    done: loop.done,
  };
  server.url = `http://127.0.0.1:${server.port}/events`;
  return server;
}
