import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { RunError } from '../errors.js';
import { nowUs } from '../metrics/clock.js';
import { readEventStamp } from '../load/webhook/event-factory.js';
import { mulberry32 } from '../template/render.js';
import { SSE_END_EVENT } from './http-publisher.js';
import { ReceiptBook, type ReceiptSnapshot } from './receipt-book.js';
import { SocketMeter } from './socket-meter.js';
import type { EventStream } from './stream.js';
import { RECONNECT_MIN_MS, RECONNECT_SPREAD_MS } from './ws-subscribers.js';

export interface SseSubscribersOptions {
  /** http://127.0.0.1:<port>; subscriber i streams `/sub/<i>/stream`. */
  url: string;
  stream: EventStream;
  seed: number;
}

/** What the receiving side of the sse transport reports at the cut-off. */
export interface SseSubscribersReport {
  receipts: ReceiptSnapshot;
  bytesOnWire: number;
  peakSockets: number;
  /** Stream GETs sent: one per subscriber plus one per reconnect. */
  requests: number;
  reconnects: number;
}

interface Subscriber {
  index: number;
  request: ClientRequest | undefined;
  /** The id of the last event dispatched (sent back as Last-Event-ID on a reconnect). */
  lastEventId: string | undefined;
  opened: boolean;
  ended: boolean;
  reconnectTimer: NodeJS.Timeout | undefined;
}

/**
 * N SSE subscribers held by the harness: each holds one text/event-stream (parsed by
 * eventsource-parser), records every event in one ReceiptBook (t3 = the parser's dispatch), and
 * after any drop reconnects in 100 .. 200 ms (seeded) with `Last-Event-ID`, as a browser does.
 */
export class SseSubscribers {
  readonly book: ReceiptBook;
  private readonly subscribers: Subscriber[];
  private readonly random: () => number;
  private readonly meter = new SocketMeter();
  private requests = 0;
  private reconnects = 0;
  private endedCount = 0;
  private messages = 0;
  private closing = false;
  private waiter: (() => void) | undefined;

  constructor(private readonly options: SseSubscribersOptions) {
    const { stream } = options;
    this.book = new ReceiptBook(stream.events, stream.subscribers);
    this.random = mulberry32(options.seed ^ 0x55e5);
    this.subscribers = Array.from({ length: stream.subscribers }, (_, index) => ({
      index,
      request: undefined,
      lastEventId: undefined,
      opened: false,
      ended: false,
      reconnectTimer: undefined,
    }));
  }

  get messagesReceived(): number {
    return this.messages;
  }

  get openSockets(): number {
    return this.meter.openSockets;
  }

  /** Opens every stream; resolves once each has answered, fails after `timeoutMs`. */
  async connectAll(timeoutMs: number): Promise<void> {
    for (const subscriber of this.subscribers) this.connect(subscriber);
    await this.until(() => this.subscribers.every((subscriber) => subscriber.opened), timeoutMs, undefined);
    const opened = this.subscribers.filter((subscriber) => subscriber.opened).length;
    if (opened < this.subscribers.length) throw new RunError(`only ${opened} of ${this.subscribers.length} SSE subscribers connected within ${timeoutMs} ms`);
  }

  /** Resolves when every subscriber has seen the end of the stream, `maxWaitMs` has passed, or `signal` aborts. */
  allEnded(maxWaitMs: number, signal: AbortSignal | undefined): Promise<void> {
    return this.until(() => this.endedCount === this.subscribers.length, maxWaitMs, signal);
  }

  /** Stops reconnecting, closes every stream and reports what arrived. */
  close(): SseSubscribersReport {
    this.closing = true;
    for (const subscriber of this.subscribers) {
      clearTimeout(subscriber.reconnectTimer);
      subscriber.request?.destroy();
      subscriber.request = undefined;
    }
    const receipts = this.book.snapshot();
    this.meter.destroyAll();
    return { receipts, bytesOnWire: this.meter.bytesOnWire(), peakSockets: this.meter.peakSockets, requests: this.requests, reconnects: this.reconnects };
  }

  private connect(subscriber: Subscriber): void {
    if (this.closing) return;
    const { url } = this.options;
    this.requests++;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (subscriber.lastEventId !== undefined) headers['last-event-id'] = subscriber.lastEventId;
    const req = request(`${url}/sub/${subscriber.index}/stream`, { headers, agent: false });
    subscriber.request = req;
    req.on('socket', (socket: Socket) => this.meter.track(socket));
    req.on('response', (response: IncomingMessage) => this.opened(subscriber, req, response));
    req.on('error', () => this.dropped(subscriber, req));
    req.on('close', () => this.dropped(subscriber, req));
    req.end();
  }

  private opened(subscriber: Subscriber, req: ClientRequest, response: IncomingMessage): void {
    if (response.statusCode !== 200 || !String(response.headers['content-type']).startsWith('text/event-stream')) {
      response.resume();
      req.destroy();
      return;
    }
    subscriber.opened = true;
    this.waiter?.();
    const parser: EventSourceParser = createParser({ onEvent: (event) => this.dispatched(subscriber, req, event) });
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => parser.feed(chunk));
    response.on('error', () => undefined);
  }

  private dispatched(subscriber: Subscriber, req: ClientRequest, event: EventSourceMessage): void {
    const arrivedUs = nowUs();
    if (event.id !== undefined) subscriber.lastEventId = event.id;
    if (event.event === SSE_END_EVENT) {
      if (!subscriber.ended) {
        subscriber.ended = true;
        this.endedCount++;
      }
      subscriber.request = undefined;
      req.destroy();
      this.waiter?.();
      return;
    }
    const stamp = readEventStamp(event.data);
    if (!stamp) return;
    this.messages++;
    this.book.record(subscriber.index, stamp.seq, stamp.scheduledAtUs, arrivedUs);
  }

  private dropped(subscriber: Subscriber, req: ClientRequest): void {
    if (subscriber.request !== req) return;
    subscriber.request = undefined;
    if (this.closing || subscriber.ended) return;
    const delayMs = RECONNECT_MIN_MS + this.random() * RECONNECT_SPREAD_MS;
    subscriber.reconnectTimer = setTimeout(() => {
      this.reconnects++;
      this.connect(subscriber);
    }, delayMs);
  }

  private until(done: () => boolean, maxWaitMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (done() || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(finish, maxWaitMs);
      signal?.addEventListener('abort', finish, { once: true });
      this.waiter = () => {
        if (done()) finish();
      };
    });
  }
}
