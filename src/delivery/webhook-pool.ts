import type { Socket } from 'node:net';
import { nowUs } from '../metrics/clock.js';
import { openSocket, type Endpoint } from '../load/webhook/endpoint.js';
import { classifySocketError } from '../load/webhook/error-class.js';
import { ProtocolError, ResponseParser, type ParsedResponse } from '../load/webhook/response-parser.js';
import type { AttemptOutcome } from './retry-schedule.js';

export interface WebhookPoolOptions {
  /** Host and port of the subscribers' endpoints (the path is in each request). */
  endpoint: Endpoint;
  /** Most attempts in flight: one socket each (HTTP/1.1, no pipelining). */
  maxInFlight: number;
  /** An attempt with no complete response this long after it was written fails as a timeout. */
  timeoutUs: number;
  /** Called once per attempt, when it ends. */
  onOutcome: (pair: number, outcome: AttemptOutcome) => void;
  /** Called when a socket finished connecting, so queued attempts can go. */
  onConnected: () => void;
}

const SWEEP_INTERVAL_MS = 50;
/**
 * Most sockets connecting at once. When receivers are down or come back, every queued attempt would
 * otherwise open its own socket, and that connect storm costs the sender more than the outage itself.
 */
const MAX_CONNECTING = 16;
const NO_PAIR = -1;
const CONNECTION = Symbol('pushbench.deliveryConnection');

interface Connection {
  pool: WebhookPool;
  socket: Socket;
  parser: ResponseParser;
  connecting: boolean;
  /** The pair whose attempt is on this socket, or NO_PAIR when idle. */
  pair: number;
  writtenUs: number;
  timedOut: boolean;
  failure: unknown;
}

type PooledSocket = Socket & { [CONNECTION]: Connection };

/**
 * Keep-alive HTTP/1.1 connections to the subscribers' host, one attempt in flight per socket.
 * Every attempt ends in exactly one `onOutcome` call (response, or failure class), except those cut
 * off by `close()`. Counts bytes on the wire (request and response, headers included) per socket.
 */
export class WebhookPool {
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private busyCount = 0;
  private connectingCount = 0;
  private peak = 0;
  private closedBytes = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: WebhookPoolOptions) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  get inFlight(): number {
    return this.busyCount;
  }

  get openSockets(): number {
    return this.connections.size;
  }

  get peakSockets(): number {
    return this.peak;
  }

  /** Request and response bytes of every socket so far, HTTP headers included. */
  get bytesOnWire(): number {
    let bytes = this.closedBytes;
    for (const connection of this.connections) bytes += connection.socket.bytesWritten + connection.socket.bytesRead;
    return bytes;
  }

  canStart(): boolean {
    return this.idle.length > 0 || (this.connections.size < this.options.maxInFlight && this.connectingCount < MAX_CONNECTING);
  }

  /** Writes `request` (a complete HTTP/1.1 request) for `pair` on an idle socket or a new one. Call only when `canStart()`. */
  start(pair: number, request: string): void {
    const connection = this.idle.pop() ?? this.open();
    connection.pair = pair;
    connection.writtenUs = nowUs();
    this.busyCount++;
    connection.socket.write(request, 'latin1');
  }

  /** Cuts everything off: in-flight attempts get no outcome; every socket is destroyed. */
  close(): void {
    clearInterval(this.sweeper);
    for (const connection of [...this.connections]) {
      connection.pair = NO_PAIR;
      connection.socket.destroy();
    }
  }

  private open(): Connection {
    const socket = openSocket(this.options.endpoint) as PooledSocket;
    const connection: Connection = { pool: this, socket, parser: new ResponseParser(), connecting: true, pair: NO_PAIR, writtenUs: 0, timedOut: false, failure: undefined };
    socket[CONNECTION] = connection;
    this.connectingCount++;
    socket.once('connect', onSocketConnect);
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    this.connections.add(connection);
    if (this.connections.size > this.peak) this.peak = this.connections.size;
    return connection;
  }

  /** @internal */
  handleConnect(connection: Connection): void {
    connection.connecting = false;
    this.connectingCount--;
    this.options.onConnected();
  }

  /** @internal a complete response arrived on `connection`. */
  handleResponse(connection: Connection, response: ParsedResponse): void {
    const pair = connection.pair;
    connection.pair = NO_PAIR;
    this.busyCount--;
    if (response.keepAlive) this.idle.push(connection);
    else connection.socket.destroy();
    this.options.onOutcome(pair, { kind: 'response', status: response.status, retryAfterSec: response.retryAfterSec });
  }

  /** @internal the socket closed; its attempt, if it had one, failed. */
  handleClose(connection: Connection): void {
    this.connections.delete(connection);
    if (connection.connecting) {
      connection.connecting = false;
      this.connectingCount--;
    }
    this.closedBytes += connection.socket.bytesWritten + connection.socket.bytesRead;
    const idleAt = this.idle.indexOf(connection);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    if (connection.pair === NO_PAIR) return;
    const pair = connection.pair;
    connection.pair = NO_PAIR;
    this.busyCount--;
    const errorClass = connection.timedOut ? 'timeout' : connection.failure !== undefined ? classifySocketError(connection.failure) : 'reset';
    this.options.onOutcome(pair, { kind: 'failure', errorClass });
  }

  private sweep(): void {
    const deadlineUs = nowUs() - this.options.timeoutUs;
    for (const connection of this.connections) {
      if (connection.pair !== NO_PAIR && connection.writtenUs < deadlineUs) {
        connection.timedOut = true;
        connection.socket.destroy();
      }
    }
  }
}

function onSocketConnect(this: PooledSocket): void {
  const connection = this[CONNECTION];
  connection.pool.handleConnect(connection);
}

function onSocketData(this: PooledSocket, chunk: Buffer): void {
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
  if (connection.pair === NO_PAIR) {
    connection.failure = new ProtocolError('response without a request');
    this.destroy();
    return;
  }
  connection.pool.handleResponse(connection, response);
}

function onSocketError(this: PooledSocket, error: Error): void {
  const connection = this[CONNECTION];
  if (connection.failure === undefined) connection.failure = error;
}

function onSocketClose(this: PooledSocket): void {
  const connection = this[CONNECTION];
  connection.pool.handleClose(connection);
}
