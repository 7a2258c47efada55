import type { Socket } from 'node:net';
import { nowUs } from '../../metrics/clock.js';
import type { CounterHandle, MetricHandle, Recorder } from '../../metrics/recorder.js';
import { openSocket, type Endpoint } from './endpoint.js';
import { classifySocketError, classifyStatus, type ErrorClass } from './error-class.js';
import type { EventFactory } from './event-factory.js';
import { ProtocolError, ResponseParser, type ParsedResponse } from './response-parser.js';
import { signWebhook } from './signing.js';

export interface WebhookSenderOptions {
  endpoint: Endpoint;
  /** Most sockets open at once; requests beyond them wait in a FIFO queue. */
  maxConnections: number;
  /** A request not answered this long after its intended start is a timeout. */
  timeoutUs: number;
  events: EventFactory;
  /** Standard Webhooks key; unsigned requests when absent. */
  signingKey: Buffer | undefined;
  recorder: Recorder;
  /** Called each time a request settles (answered, failed, timed out). */
  onSettled?: () => void;
}

/** An idle keep-alive socket is closed after this long, before servers' own idle timeouts (often 5 s) race a new request. */
const IDLE_CLOSE_US = 4_000_000;
const SWEEP_INTERVAL_MS = 100;
/** Idle sockets are closed a few at a time: closing hundreds at once stalls the target. */
const MAX_RETIRED_PER_SWEEP = 4;
/**
 * Most sockets connecting at once. When the target stalls, every queued request would otherwise
 * open its own socket, and that connect storm costs both sides more than the stall itself.
 */
const MAX_CONNECTING = 16;
const CONNECTION = Symbol('pushbench.connection');

interface Connection {
  socket: Socket;
  sender: WebhookSender;
  parser: ResponseParser;
  busy: boolean;
  connecting: boolean;
  intendedUs: number;
  idleSinceUs: number;
  /** Why the sender itself destroyed the socket, if it did. */
  endedBy: 'timeout' | 'cancel' | 'retire' | undefined;
  failure: unknown;
}

type SocketWithConnection = Socket & { [CONNECTION]: Connection };

/**
 * Sends signed webhook events over a pool of keep-alive HTTP/1.1 connections, one request in flight
 * per connection. Every request ends in exactly one counter: `webhook.ok`, `webhook.errors.<class>`,
 * or `webhook.unfinished` (cut off by a cancelled drain), so sent = ok + errors + unfinished.
 * Latency (`webhook.latency`) is recorded for every response, from the request's intended start.
 */
export class WebhookSender {
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private queueSeq: number[] = [];
  private queueIntendedUs: number[] = [];
  private queueHead = 0;
  private busyCount = 0;
  private connectingCount = 0;
  private readonly requestHead: string;
  private recorder!: Recorder;
  private latency!: MetricHandle;
  private sentCounter!: CounterHandle;
  private okCounter!: CounterHandle;
  private bytesCounter!: CounterHandle;
  private queuedCounter!: CounterHandle;
  private readonly sweeper: NodeJS.Timeout;
  private drainWaiter: (() => void) | undefined;

  constructor(private readonly options: WebhookSenderOptions) {
    const { endpoint, events } = options;
    this.requestHead =
      `POST ${endpoint.path} HTTP/1.1\r\nhost: ${endpoint.hostHeader}\r\ncontent-type: application/json\r\n` +
      `content-length: ${events.sizeBytes}\r\n`;
    this.useRecorder(options.recorder);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** From now on, samples go to `recorder`; returns the one used until now (a warm-up's throwaway). */
  useRecorder(recorder: Recorder): Recorder {
    const previous = this.recorder;
    this.recorder = recorder;
    this.latency = recorder.metric('webhook.latency');
    this.sentCounter = recorder.counterHandle('webhook.sent');
    this.okCounter = recorder.counterHandle('webhook.ok');
    this.bytesCounter = recorder.counterHandle('webhook.bytesSent');
    this.queuedCounter = recorder.counterHandle('webhook.queued');
    return previous;
  }

  /** Resolves when nothing is in flight, or after `maxWaitMs`; unlike drain() the sender stays usable. */
  whenIdle(maxWaitMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.drainWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(finish, maxWaitMs);
      this.drainWaiter = finish;
    });
  }

  /** Requests sent or queued and not yet settled. */
  get inFlight(): number {
    return this.busyCount + this.queueLength;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Starts request `seq` now (or as soon as a connection is free); its latency counts from `intendedUs`. */
  submit(seq: number, intendedUs: number): void {
    this.sentCounter.add();
    const connection = this.takeConnection();
    if (connection) this.write(connection, seq, intendedUs);
    else {
      this.queueSeq.push(seq);
      this.queueIntendedUs.push(intendedUs);
      this.queuedCounter.add();
    }
  }

  /** Opens up to `count` connections ahead of the load and waits (at most `maxWaitMs`) until they are connected. */
  async warmUp(count: number, maxWaitMs: number): Promise<void> {
    const target = Math.min(count, this.options.maxConnections);
    const opened: Connection[] = [];
    while (this.connections.size < target) opened.push(this.open());
    await Promise.race([
      Promise.all(opened.map((connection) => new Promise<void>((resolve) => connection.socket.once('connect', resolve).once('close', resolve)))),
      new Promise<void>((resolve) => setTimeout(resolve, maxWaitMs).unref()),
    ]);
    for (const connection of opened) {
      if (this.connections.has(connection) && !connection.busy) {
        connection.idleSinceUs = nowUs();
        this.idle.push(connection);
      }
    }
  }

  /**
   * Waits until every request has settled, or `maxWaitMs` has passed; then cuts off what is left
   * (counted as `webhook.unfinished`) and closes every socket.
   */
  async drain(maxWaitMs: number): Promise<void> {
    await this.whenIdle(maxWaitMs);
    this.close();
  }

  /** Cuts off everything at once: queued and in-flight requests count as unfinished. */
  close(): void {
    clearInterval(this.sweeper);
    const unfinishedQueued = this.queueLength;
    if (unfinishedQueued > 0) this.recorder.count('webhook.unfinished', unfinishedQueued);
    this.queueSeq = [];
    this.queueIntendedUs = [];
    this.queueHead = 0;
    for (const connection of [...this.connections]) this.destroy(connection, 'cancel');
  }

  private get queueLength(): number {
    return this.queueSeq.length - this.queueHead;
  }

  private takeConnection(): Connection | undefined {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.canOpen()) return this.open();
    return undefined;
  }

  private canOpen(): boolean {
    return this.connections.size < this.options.maxConnections && this.connectingCount < MAX_CONNECTING;
  }

  private open(): Connection {
    const socket = openSocket(this.options.endpoint) as SocketWithConnection;
    const connection: Connection = {
      socket,
      sender: this,
      parser: new ResponseParser(),
      busy: false,
      connecting: true,
      intendedUs: 0,
      idleSinceUs: 0,
      endedBy: undefined,
      failure: undefined,
    };
    socket[CONNECTION] = connection;
    this.connectingCount++;
    socket.once(this.options.endpoint.tls ? 'secureConnect' : 'connect', onSocketConnect);
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    this.connections.add(connection);
    this.recorder.count('webhook.connections.opened');
    this.recorder.gauge('webhook.connections.open', this.connections.size);
    return connection;
  }

  private write(connection: Connection, seq: number, intendedUs: number): void {
    const { events, signingKey } = this.options;
    const event = events.build(seq, intendedUs);
    const timestampSec = Math.floor(Date.now() / 1000);
    let head = this.requestHead + `webhook-id: ${event.id}\r\nwebhook-timestamp: ${timestampSec}\r\n`;
    if (signingKey) head += `webhook-signature: ${signWebhook(signingKey, event.id, timestampSec, event.body)}\r\n`;
    connection.busy = true;
    connection.intendedUs = intendedUs;
    this.busyCount++;
    const request = head + '\r\n' + event.body;
    this.bytesCounter.add(request.length);
    connection.socket.write(request, 'latin1');
  }

  /** @internal called by the socket handlers */
  handleResponse(connection: Connection, response: ParsedResponse): void {
    const now = nowUs();
    this.latency.record(now - connection.intendedUs);
    const errorClass = classifyStatus(response.status);
    if (errorClass) this.recorder.count(`webhook.errors.${errorClass}`);
    else this.okCounter.add();
    connection.busy = false;
    this.busyCount--;
    if (response.keepAlive) this.release(connection, now);
    else this.destroy(connection, 'retire');
    this.settled();
  }

  /** @internal the socket closed: settles its request, if it had one, as a failure. */
  handleConnect(connection: Connection): void {
    connection.connecting = false;
    this.connectingCount--;
    this.growForQueue();
  }

  /** @internal the socket closed: settles its request, if it had one, as a failure. */
  handleClose(connection: Connection): void {
    if (connection.connecting) {
      connection.connecting = false;
      this.connectingCount--;
    }
    this.connections.delete(connection);
    const idleAt = this.idle.indexOf(connection);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    this.recorder.gauge('webhook.connections.open', this.connections.size);
    if (!connection.busy) return;
    const lateResponse = connection.endedBy === undefined && connection.failure === undefined ? connection.parser.finishOnClose() : undefined;
    if (lateResponse) {
      this.handleResponse(connection, lateResponse);
      return;
    }
    connection.busy = false;
    this.busyCount--;
    if (connection.endedBy === 'cancel') this.recorder.count('webhook.unfinished');
    else this.recorder.count(`webhook.errors.${this.failureClass(connection)}`);
    this.settled();
  }

  private failureClass(connection: Connection): ErrorClass {
    if (connection.endedBy === 'timeout') return 'timeout';
    if (connection.failure !== undefined) return classifySocketError(connection.failure);
    return 'reset'; // closed by the peer before a complete response
  }

  private release(connection: Connection, now: number): void {
    if (this.queueLength > 0) {
      const seq = this.queueSeq[this.queueHead]!;
      const intendedUs = this.queueIntendedUs[this.queueHead]!;
      this.dequeue();
      this.write(connection, seq, intendedUs);
      return;
    }
    connection.idleSinceUs = now;
    this.idle.push(connection);
  }

  /** Requests wait and the pool may grow: open connections for them (bounded by MAX_CONNECTING). */
  private growForQueue(): void {
    while (this.queueLength > 0 && this.idle.length === 0 && this.canOpen()) {
      const seq = this.queueSeq[this.queueHead]!;
      const intendedUs = this.queueIntendedUs[this.queueHead]!;
      this.dequeue();
      this.write(this.open(), seq, intendedUs);
    }
  }

  private settled(): void {
    this.growForQueue();
    this.options.onSettled?.();
    if (this.drainWaiter && this.inFlight === 0) this.drainWaiter();
  }

  private dequeue(): void {
    this.queueHead++;
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queueSeq.length) {
      this.queueSeq = this.queueSeq.slice(this.queueHead);
      this.queueIntendedUs = this.queueIntendedUs.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private destroy(connection: Connection, reason: 'timeout' | 'cancel' | 'retire'): void {
    if (connection.endedBy === undefined) connection.endedBy = reason;
    connection.socket.destroy();
  }

  private sweep(): void {
    const now = nowUs();
    const { timeoutUs } = this.options;
    const recorder = this.recorder;
    let retired = 0;
    for (const connection of this.connections) {
      if (connection.busy && now - connection.intendedUs > timeoutUs) this.destroy(connection, 'timeout');
      else if (
        !connection.busy &&
        connection.endedBy === undefined &&
        now - connection.idleSinceUs > IDLE_CLOSE_US &&
        retired < MAX_RETIRED_PER_SWEEP
      ) {
        retired++;
        this.destroy(connection, 'retire');
      }
    }
    let expired = 0;
    while (this.queueLength > 0 && now - this.queueIntendedUs[this.queueHead]! > timeoutUs) {
      this.dequeue();
      expired++;
    }
    if (expired > 0) {
      recorder.count('webhook.errors.timeout', expired);
      for (let i = 0; i < expired; i++) this.settled();
    }
  }
}

function onSocketConnect(this: SocketWithConnection): void {
  const connection = this[CONNECTION];
  connection.sender.handleConnect(connection);
}

function onSocketData(this: SocketWithConnection, chunk: Buffer): void {
  const connection = this[CONNECTION];
  let response: ParsedResponse | undefined;
  try {
    response = connection.parser.feed(chunk);
  } catch (error) {
    connection.failure = error;
    this.destroy();
    return;
  }
  if (response === undefined) return;
  if (!connection.busy) {
    connection.failure = new ProtocolError('response without a request');
    this.destroy();
    return;
  }
  connection.sender.handleResponse(connection, response);
}

function onSocketError(this: SocketWithConnection, error: Error): void {
  const connection = this[CONNECTION];
  if (connection.failure === undefined) connection.failure = error;
}

function onSocketClose(this: SocketWithConnection): void {
  const connection = this[CONNECTION];
  connection.sender.handleClose(connection);
}
