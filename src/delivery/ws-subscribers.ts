import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, type RawData } from 'ws';
import { RunError } from '../errors.js';
import { nowUs } from '../metrics/clock.js';
import { readEventStamp } from '../load/webhook/event-factory.js';
import { mulberry32 } from '../template/render.js';
import { ReceiptBook, type ReceiptSnapshot } from './receipt-book.js';
import type { EventStream } from './stream.js';
import { END_OF_STREAM } from './ws-publisher.js';

export interface WsSubscribersOptions {
  /** ws://127.0.0.1:<port>; subscriber i connects to `/sub/<i>`. */
  url: string;
  stream: EventStream;
  /** websocket-ack: acknowledge cumulatively every ACK_INTERVAL_MS and at the end of the stream. */
  ack: boolean;
  seed: number;
}

/** What the receiving side of a WebSocket transport reports at the cut-off. */
export interface WsSubscribersReport {
  receipts: ReceiptSnapshot;
  /** Upgrade requests and responses plus every frame both ways, on every socket. */
  bytesOnWire: number;
  peakSockets: number;
  reconnects: number;
}

/** After a drop, a subscriber tries again after 100 .. 200 ms (seeded), for as long as the run lasts. */
export const RECONNECT_MIN_MS = 100;
export const RECONNECT_SPREAD_MS = 100;
/** Each subscriber acks every 100 ms, at its own seeded phase (so acks of all subscribers do not line up with the stream). */
export const ACK_INTERVAL_MS = 100;
const ACK_TICK_MS = 10;
const SUBSCRIBER = Symbol('pushbench.subscriber');

interface Subscriber {
  owner: WsSubscribers;
  index: number;
  ws: WebSocket | undefined;
  socket: Socket | undefined;
  /** Highest seq received (acks are cumulative: the publisher's stream to a subscriber has no gaps). */
  highestSeq: number;
  lastAckSent: number;
  nextAckUs: number;
  opened: boolean;
  ended: boolean;
  reconnectTimer: NodeJS.Timeout | undefined;
}

type SubscriberSocket = WebSocket & { [SUBSCRIBER]: Subscriber };

/**
 * N subscriber connections held by the harness: each records what it receives in one ReceiptBook
 * (t3 = the message event), reconnects after any drop, and with acks tells the publisher how far it
 * has got. Bytes on the wire come from each TCP socket's counters, handshake included.
 */
export class WsSubscribers {
  readonly book: ReceiptBook;
  private readonly subscribers: Subscriber[];
  private readonly random: () => number;
  private readonly ackTimer: NodeJS.Timeout | undefined;
  private openCount = 0;
  private peak = 0;
  private closedBytes = 0;
  private reconnects = 0;
  private endedCount = 0;
  private messages = 0;
  private closing = false;
  private waiter: (() => void) | undefined;

  constructor(private readonly options: WsSubscribersOptions) {
    const { stream } = options;
    this.book = new ReceiptBook(stream.events, stream.subscribers);
    this.random = mulberry32(options.seed ^ 0x50b5);
    this.subscribers = Array.from({ length: stream.subscribers }, (_, index) => ({
      owner: this,
      index,
      ws: undefined,
      socket: undefined,
      highestSeq: -1,
      lastAckSent: -1,
      nextAckUs: nowUs() + this.random() * ACK_INTERVAL_MS * 1000,
      opened: false,
      ended: false,
      reconnectTimer: undefined,
    }));
    if (options.ack) {
      this.ackTimer = setInterval(() => this.sendDueAcks(), ACK_TICK_MS);
      this.ackTimer.unref();
    }
  }

  /** Event messages received so far, duplicates included. */
  get messagesReceived(): number {
    return this.messages;
  }

  get openSockets(): number {
    return this.openCount;
  }

  /** Connects every subscriber; resolves once each has been open, fails after `timeoutMs`. */
  async connectAll(timeoutMs: number): Promise<void> {
    for (const subscriber of this.subscribers) this.connect(subscriber);
    await this.until(() => this.subscribers.every((subscriber) => subscriber.opened), timeoutMs, undefined);
    if (!this.subscribers.every((subscriber) => subscriber.opened)) {
      throw new RunError(`only ${this.subscribers.filter((subscriber) => subscriber.opened).length} of ${this.subscribers.length} subscribers connected within ${timeoutMs} ms`);
    }
  }

  /** Resolves when every subscriber has seen the end of the stream, `maxWaitMs` has passed, or `signal` aborts. */
  allEnded(maxWaitMs: number, signal: AbortSignal | undefined): Promise<void> {
    return this.until(() => this.endedCount === this.subscribers.length, maxWaitMs, signal);
  }

  /** Stops reconnecting (the cut-off is coming); receipts keep being recorded until `close()`. */
  stopReconnecting(): void {
    this.closing = true;
    for (const subscriber of this.subscribers) clearTimeout(subscriber.reconnectTimer);
  }

  /** Closes every connection and reports what arrived. */
  close(): WsSubscribersReport {
    this.stopReconnecting();
    if (this.ackTimer) clearInterval(this.ackTimer);
    const receipts = this.book.snapshot();
    let bytesOnWire = this.closedBytes;
    for (const subscriber of this.subscribers) {
      if (subscriber.socket) bytesOnWire += subscriber.socket.bytesWritten + subscriber.socket.bytesRead;
      subscriber.socket = undefined;
      subscriber.ws?.terminate();
    }
    return { receipts, bytesOnWire, peakSockets: this.peak, reconnects: this.reconnects };
  }

  /** @internal */
  upgraded(subscriber: Subscriber, socket: Socket): void {
    subscriber.socket = socket;
    subscriber.opened = true;
    subscriber.lastAckSent = -1;
    this.openCount++;
    if (this.openCount > this.peak) this.peak = this.openCount;
    this.waiter?.();
  }

  /** @internal */
  received(subscriber: Subscriber, data: RawData, arrivedUs: number): void {
    const text = data.toString('latin1');
    if (text === END_OF_STREAM) {
      if (!subscriber.ended) {
        subscriber.ended = true;
        this.endedCount++;
      }
      if (this.options.ack) this.sendAck(subscriber);
      this.waiter?.();
      return;
    }
    const stamp = readEventStamp(text);
    if (!stamp) return;
    this.messages++;
    this.book.record(subscriber.index, stamp.seq, stamp.scheduledAtUs, arrivedUs);
    if (stamp.seq > subscriber.highestSeq) subscriber.highestSeq = stamp.seq;
  }

  /** @internal */
  closed(subscriber: Subscriber, ws: WebSocket): void {
    if (subscriber.ws !== ws) return;
    subscriber.ws = undefined;
    if (subscriber.socket) {
      this.closedBytes += subscriber.socket.bytesWritten + subscriber.socket.bytesRead;
      subscriber.socket = undefined;
      this.openCount--;
    }
    if (this.closing) return;
    const delayMs = RECONNECT_MIN_MS + this.random() * RECONNECT_SPREAD_MS;
    subscriber.reconnectTimer = setTimeout(() => {
      this.reconnects++;
      this.connect(subscriber);
    }, delayMs);
  }

  private connect(subscriber: Subscriber): void {
    if (this.closing) return;
    const ws = new WebSocket(`${this.options.url}/sub/${subscriber.index}`, { perMessageDeflate: false }) as SubscriberSocket;
    ws[SUBSCRIBER] = subscriber;
    subscriber.ws = ws;
    ws.on('upgrade', onUpgrade);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', onError);
  }

  private sendDueAcks(): void {
    const now = nowUs();
    for (const subscriber of this.subscribers) {
      if (subscriber.nextAckUs > now) continue;
      subscriber.nextAckUs += ACK_INTERVAL_MS * 1000;
      this.sendAck(subscriber);
    }
  }

  private sendAck(subscriber: Subscriber): void {
    if (subscriber.highestSeq > subscriber.lastAckSent && subscriber.ws?.readyState === WebSocket.OPEN) {
      subscriber.ws.send(String(subscriber.highestSeq));
      subscriber.lastAckSent = subscriber.highestSeq;
    }
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

function onUpgrade(this: WebSocket, response: IncomingMessage): void {
  const subscriber = (this as SubscriberSocket)[SUBSCRIBER];
  subscriber.owner.upgraded(subscriber, response.socket as Socket);
}

function onMessage(this: WebSocket, data: RawData): void {
  const arrivedUs = nowUs();
  const subscriber = (this as SubscriberSocket)[SUBSCRIBER];
  subscriber.owner.received(subscriber, data, arrivedUs);
}

function onClose(this: WebSocket): void {
  const subscriber = (this as SubscriberSocket)[SUBSCRIBER];
  subscriber.owner.closed(subscriber, this);
}

function onError(): void {
  // Refused or dropped connections are part of the run (outage); 'close' follows and reconnects.
}
