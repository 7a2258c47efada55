import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { nowUs } from '../metrics/clock.js';
import { readEventStamp } from '../load/webhook/event-factory.js';
import { mulberry32 } from '../template/render.js';
import { decodeSecret, verifyWebhook } from '../load/webhook/signing/standard-webhooks.js';
import { scheduleOutage, type OutageWindow } from './outage.js';
import { ReceiptBook, type ReceiptSnapshot } from './receipt-book.js';
import type { StreamSpec } from './stream.js';
import { EventStream } from './stream.js';

/** Fractions of requests answered with each fault (the rest get 200). */
export interface ErrorFractions {
  '500': number;
  '429': number;
  '410': number;
  reset: number;
  hang: number;
}

export interface WebhookSubscribersOptions {
  stream: StreamSpec;
  /** Standard Webhooks secret: requests without a valid signature get 401. */
  secret: string | undefined;
  /** Wait before every answer: latencyUs + a seeded 0 .. jitterUs. */
  latencyUs: number;
  jitterUs: number;
  errors: ErrorFractions;
  seed: number;
}

export interface WebhookSubscribersReport {
  receipts: ReceiptSnapshot;
  counters: Record<string, number>;
}

/** The Retry-After a 429 carries, in seconds. */
export const THROTTLE_RETRY_AFTER_SEC = 1;
/** The body of a fault answer (500, 429, 410), as a failing endpoint says why; the sender keeps its head as the cause. */
export function faultBody(status: number): string {
  return `{"error":"injected fault ${status}"}`;
}
const SUBSCRIBER_PATH = /^\/sub\/(\d{1,6})$/;
const PENDING = Symbol('pushbench.pendingRequest');

interface PendingRequest {
  subscribers: WebhookSubscribers;
  response: ServerResponse;
  arrivedUs: number;
  body: string;
}

type TrackedRequest = IncomingMessage & { [PENDING]: PendingRequest };
type SubscriberServer = Server & { [PENDING]: WebhookSubscribers };

/**
 * The subscribers' webhook endpoints, `/sub/<i>` on one port: signature check, then a seeded fault
 * (500, 429 + Retry-After, 410, reset, hang) or 200 after latency + jitter. A pair counts as received
 * (t3 = the request's arrival) only when it is answered 200: the receipt is recorded before the
 * answer is written, so a sender can never see a 2xx for a pair the book lacks. During the outage
 * window the server stops listening and destroys its connections, then listens again on the same port.
 */
export class WebhookSubscribers {
  readonly server: SubscriberServer;
  private readonly book: ReceiptBook;
  private readonly key: Buffer | undefined;
  private readonly random: () => number;
  private readonly thresholds: number[];
  private port = 0;
  private cancelOutage: () => void = () => undefined;
  readonly counters = { requests: 0, ok: 0, badSignature: 0, badRequest: 0, '500': 0, '429': 0, '410': 0, reset: 0, hang: 0, outages: 0 };

  constructor(private readonly options: WebhookSubscribersOptions) {
    const stream = new EventStream(options.stream);
    this.book = new ReceiptBook(stream.events, stream.subscribers);
    this.key = options.secret ? decodeSecret(options.secret) : undefined;
    this.random = mulberry32(options.seed ^ 0x5eed);
    const { errors } = options;
    let sum = 0;
    this.thresholds = [errors['500'], errors['429'], errors['410'], errors.reset, errors.hang].map((fraction) => (sum += fraction));
    this.server = createServer({ keepAliveTimeout: 60_000 }, onRequest) as SubscriberServer;
    this.server[PENDING] = this;
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  /** The stream starts at `startUs`: apply the outage window, if any. */
  go(startUs: number, outage: OutageWindow | undefined): void {
    this.book.startAt(startUs);
    this.cancelOutage = scheduleOutage(
      startUs,
      outage,
      () => {
        this.counters.outages++;
        this.server.close();
        this.server.closeAllConnections();
      },
      () => this.server.listen(this.port, '127.0.0.1'),
    );
  }

  /** Stops listening, drops every connection, and reports what arrived. */
  close(): WebhookSubscribersReport {
    this.cancelOutage();
    if (this.server.listening) this.server.close();
    this.server.closeAllConnections();
    return { receipts: this.book.snapshot(), counters: prefixed(this.counters) };
  }

  /** @internal a whole request has arrived. */
  answer(pending: PendingRequest, request: IncomingMessage): void {
    this.counters.requests++;
    const { response } = pending;
    const subscriber = SUBSCRIBER_PATH.exec(request.url ?? '');
    const stamp = readEventStamp(pending.body);
    if (!subscriber || !stamp) {
      this.counters.badRequest++;
      response.writeHead(400).end();
      return;
    }
    if (this.key) {
      const check = verifyWebhook(
        this.key,
        { id: header(request, 'webhook-id'), timestamp: header(request, 'webhook-timestamp'), signature: header(request, 'webhook-signature') },
        pending.body,
      );
      if (check !== 'ok') {
        this.counters.badSignature++;
        response.writeHead(401).end();
        return;
      }
    }
    const roll = this.random();
    const fault = this.thresholds.findIndex((threshold) => roll < threshold);
    if (fault === 3) {
      this.counters.reset++;
      request.socket.destroy();
      return;
    }
    if (fault === 4) {
      this.counters.hang++;
      return;
    }
    const status = fault === 0 ? 500 : fault === 1 ? 429 : fault === 2 ? 410 : 200;
    if (status === 200) {
      this.counters.ok++;
      this.book.record(Number(subscriber[1]), stamp.seq, stamp.scheduledAtUs, pending.arrivedUs);
    } else this.counters[status]++;
    const waitUs = this.options.latencyUs + this.random() * this.options.jitterUs;
    if (waitUs <= 0) writeAnswer(response, status);
    else setTimeout(writeAnswer, waitUs / 1000, response, status);
  }
}

function onRequest(this: SubscriberServer, request: IncomingMessage, response: ServerResponse): void {
  (request as TrackedRequest)[PENDING] = { subscribers: this[PENDING], response, arrivedUs: nowUs(), body: '' };
  request.setEncoding('latin1');
  request.on('data', onRequestData);
  request.on('end', onRequestEnd);
}

function onRequestData(this: TrackedRequest, chunk: string): void {
  this[PENDING].body += chunk;
}

function onRequestEnd(this: TrackedRequest): void {
  const pending = this[PENDING];
  pending.subscribers.answer(pending, this);
}

function writeAnswer(response: ServerResponse, status: number): void {
  if (response.destroyed) return;
  if (status === 200) {
    response.writeHead(200, { 'content-length': '0' }).end();
    return;
  }
  const body = faultBody(status);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  response.writeHead(status, status === 429 ? { ...headers, 'retry-after': String(THROTTLE_RETRY_AFTER_SEC) } : headers).end(body);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function prefixed(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).map(([name, value]) => [`delivery.webhook.receiver.${name}`, value]));
}
