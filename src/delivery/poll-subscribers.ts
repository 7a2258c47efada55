import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { nowUs } from '../metrics/clock.js';
import { readEventStamp } from '../load/webhook/event-factory.js';
import { mulberry32 } from '../template/render.js';
import { POLL_END_HEADER } from './http-publisher.js';
import { ReceiptBook, type ReceiptSnapshot } from './receipt-book.js';
import { SocketMeter } from './socket-meter.js';
import type { EventStream } from './stream.js';
import { RECONNECT_MIN_MS, RECONNECT_SPREAD_MS } from './ws-subscribers.js';

export interface PollSubscribersOptions {
  /** http://127.0.0.1:<port>; subscriber i polls `/sub/<i>/events?after=<cursor>`. */
  url: string;
  stream: EventStream;
  seed: number;
  /**
   * polling: each subscriber polls every `intervalUs`, at its own seeded phase; a poll still
   * running when the next is due delays it. long-polling: 0 (the next GET goes as soon as one is answered).
   */
  intervalUs: number;
}

/** What the receiving side of a polling transport reports at the cut-off. */
export interface PollSubscribersReport {
  receipts: ReceiptSnapshot;
  bytesOnWire: number;
  peakSockets: number;
  /** Every GET sent, failed ones included. */
  requests: number;
  /** Answered with no event. */
  emptyPolls: number;
  /** Refused, cut or answered with a status other than 200. */
  failedPolls: number;
}

interface Subscriber {
  index: number;
  /** Each subscriber is its own client: one keep-alive connection, as a browser tab or a service would hold. */
  agent: Agent;
  /** Highest seq received: the next poll asks for events after it. */
  cursor: number;
  nextPollUs: number;
  ended: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * N polling subscribers held by the harness, each over its own keep-alive connection: each GETs the events after
 * its cursor, records them in one ReceiptBook (t3 = the end of the response, so latency includes
 * the wait for the poll), and stops once an answer carries the end-of-stream header. A failed poll
 * (outage) is retried at the next interval, or after 100 .. 200 ms (seeded) when long-polling.
 */
export class PollSubscribers {
  readonly book: ReceiptBook;
  private readonly subscribers: Subscriber[];
  private readonly random: () => number;
  private readonly meter = new SocketMeter();
  private requests = 0;
  private emptyPolls = 0;
  private failedPolls = 0;
  private endedCount = 0;
  private messages = 0;
  private closing = false;
  private waiter: (() => void) | undefined;

  constructor(private readonly options: PollSubscribersOptions) {
    const { stream } = options;
    this.book = new ReceiptBook(stream.events, stream.subscribers);
    this.random = mulberry32(options.seed ^ 0x9011);
    this.subscribers = Array.from({ length: stream.subscribers }, (_, index) => ({
      index,
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
      cursor: -1,
      nextPollUs: 0,
      ended: false,
      timer: undefined,
    }));
  }

  get messagesReceived(): number {
    return this.messages;
  }

  get openSockets(): number {
    return this.meter.openSockets;
  }

  /** Starts polling at `startUs` (monotonic µs), each subscriber at its own phase within the first interval. */
  startAt(startUs: number): void {
    this.book.startAt(startUs);
    for (const subscriber of this.subscribers) {
      subscriber.nextPollUs = startUs + Math.floor(this.random() * this.options.intervalUs);
      this.schedule(subscriber);
    }
  }

  allEnded(maxWaitMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.endedCount === this.subscribers.length || signal?.aborted) return Promise.resolve();
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
        if (this.endedCount === this.subscribers.length) finish();
      };
    });
  }

  close(): PollSubscribersReport {
    this.closing = true;
    for (const subscriber of this.subscribers) clearTimeout(subscriber.timer);
    const receipts = this.book.snapshot();
    this.meter.destroyAll();
    for (const subscriber of this.subscribers) subscriber.agent.destroy();
    return {
      receipts,
      bytesOnWire: this.meter.bytesOnWire(),
      peakSockets: this.meter.peakSockets,
      requests: this.requests,
      emptyPolls: this.emptyPolls,
      failedPolls: this.failedPolls,
    };
  }

  private schedule(subscriber: Subscriber): void {
    if (this.closing || subscriber.ended) return;
    subscriber.timer = setTimeout(() => this.poll(subscriber), Math.max(0, (subscriber.nextPollUs - nowUs()) / 1000));
  }

  private poll(subscriber: Subscriber): void {
    if (this.closing) return;
    this.requests++;
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      if (!ok) this.failedPolls++;
      const now = nowUs();
      if (this.options.intervalUs > 0) {
        subscriber.nextPollUs += this.options.intervalUs;
        while (subscriber.nextPollUs < now) subscriber.nextPollUs += this.options.intervalUs;
      } else subscriber.nextPollUs = ok ? now : now + (RECONNECT_MIN_MS + this.random() * RECONNECT_SPREAD_MS) * 1000;
      this.schedule(subscriber);
    };
    const req = request(`${this.options.url}/sub/${subscriber.index}/events?after=${subscriber.cursor}`, { agent: subscriber.agent });
    req.on('socket', (socket: Socket) => this.meter.track(socket));
    req.on('error', () => done(false));
    req.on('response', (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        response.resume();
        done(false);
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', () => done(false));
      response.on('aborted', () => done(false));
      response.on('end', () => {
        if (settled) return;
        this.answered(subscriber, Buffer.concat(chunks).toString('latin1'), response.headers[POLL_END_HEADER] === '1', nowUs());
        done(true);
      });
    });
    req.end();
  }

  private answered(subscriber: Subscriber, body: string, end: boolean, arrivedUs: number): void {
    let events = 0;
    if (body.length > 0) {
      for (const line of body.split('\n')) {
        const stamp = readEventStamp(line);
        if (!stamp) continue;
        events++;
        this.book.record(subscriber.index, stamp.seq, stamp.scheduledAtUs, arrivedUs);
        if (stamp.seq > subscriber.cursor) subscriber.cursor = stamp.seq;
      }
    }
    this.messages += events;
    if (events === 0) this.emptyPolls++;
    if (end && !subscriber.ended) {
      subscriber.ended = true;
      this.endedCount++;
      this.waiter?.();
    }
  }
}
