import type { Socket } from 'node:net';
import { nowUs } from '../../metrics/clock.js';
import { openSocket, type Endpoint } from './endpoint.js';
import { classifySocketError, type ErrorClass } from './error-class.js';
import { ProtocolError, ResponseParser, type ParsedResponse } from './response-parser.js';

/** How one attempt ended: a complete response (any status), or a classified failure without one. */
export type HttpOutcome =
  | { kind: 'response'; status: number; retryAfterSec: number | undefined; bodyHead?: string | undefined }
  | { kind: 'failure'; errorClass: ErrorClass; cause?: string };

export interface HttpPoolOptions {
  endpoint: Endpoint;
  /** Most sockets open at once: one attempt in flight each (HTTP/1.1, no pipelining). */
  maxConnections: number;
  /** An attempt unanswered this long after its `sinceUs` fails as a timeout. */
  timeoutUs: number;
  /** Called exactly once per started attempt, except those cut off by `close()`. */
  onOutcome: (tag: number, outcome: HttpOutcome, sinceUs: number) => void;
  /** A socket finished connecting: attempts waiting for room may start now. */
  onConnected?: () => void;
  /** The number of open sockets changed (`opened`: by a new socket). */
  onSocketsChanged?: (open: number, opened: boolean) => void;
}

const SWEEP_INTERVAL_MS = 50;
/**
 * Most sockets connecting at once. When the target stalls or comes back from an outage, every
 * waiting attempt would otherwise open its own socket, and that connect storm costs both sides
 * more than the stall itself.
 */
const MAX_CONNECTING = 16;
/** An idle keep-alive socket is closed after this long, before servers' own idle timeouts (often 5 s) race a new request. */
const IDLE_CLOSE_US = 4_000_000;
/** Idle sockets are closed a few at a time: closing hundreds at once stalls the target. */
const MAX_RETIRED_PER_SWEEP = 4;
const NO_TAG = -1;
const CONNECTION = Symbol('pushbench.httpConnection');

interface Connection {
  pool: HttpPool;
  socket: Socket;
  parser: ResponseParser;
  connecting: boolean;
  /** The attempt on this socket, or NO_TAG when idle. */
  tag: number;
  sinceUs: number;
  idleSinceUs: number;
  /** Why the pool itself destroyed the socket, if it did. */
  endedBy: 'timeout' | 'retire' | 'cancel' | undefined;
  failure: unknown;
}

type PooledSocket = Socket & { [CONNECTION]: Connection };

/**
 * Keep-alive HTTP/1.1 sockets to one endpoint, one attempt in flight per socket, written by
 * pushbench's own small client: a load generator's CPU per request decides its ceiling. Idle
 * sockets are reused last-in first-out, so the hot ones stay hot. Counts bytes on the wire per
 * socket (requests and responses, headers included).
 */
export class HttpPool {
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private busyCount = 0;
  private connectingCount = 0;
  private peak = 0;
  private closedBytes = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: HttpPoolOptions) {
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

  /** True when an attempt can start now: an idle socket, or room for one more connecting. */
  canStart(): boolean {
    return this.idle.length > 0 || (this.connections.size < this.options.maxConnections && this.connectingCount < MAX_CONNECTING);
  }

  /**
   * Writes `request` (a complete HTTP/1.1 request) on an idle socket or a new one; its timeout
   * counts from `sinceUs`, which comes back with the outcome. Call only when `canStart()`.
   */
  start(tag: number, request: string, sinceUs: number = nowUs()): void {
    const connection = this.idle.pop() ?? this.open();
    connection.tag = tag;
    connection.sinceUs = sinceUs;
    this.busyCount++;
    connection.socket.write(request, 'latin1');
  }

  /** Opens up to `count` sockets ahead of the load and waits (at most `maxWaitMs`) until they are connected. */
  async warm(count: number, maxWaitMs: number): Promise<void> {
    const opened: Connection[] = [];
    while (this.connections.size < Math.min(count, this.options.maxConnections)) opened.push(this.open());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(opened.map((connection) => new Promise<void>((resolve) => connection.socket.once(connectEvent(this.options.endpoint), resolve).once('close', resolve)))),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs))),
    ]);
    clearTimeout(timer);
    for (const connection of opened) {
      if (this.connections.has(connection) && connection.tag === NO_TAG) {
        connection.idleSinceUs = nowUs();
        this.idle.push(connection);
      }
    }
  }

  /** Cuts everything off: in-flight attempts get no outcome; every socket is destroyed. Returns how many were cut off. */
  close(): number {
    clearInterval(this.sweeper);
    const cutOff = this.busyCount;
    for (const connection of [...this.connections]) this.destroy(connection, 'cancel');
    return cutOff;
  }

  private open(): Connection {
    const socket = openSocket(this.options.endpoint) as PooledSocket;
    const connection: Connection = {
      pool: this,
      socket,
      parser: new ResponseParser(),
      connecting: true,
      tag: NO_TAG,
      sinceUs: 0,
      idleSinceUs: 0,
      endedBy: undefined,
      failure: undefined,
    };
    socket[CONNECTION] = connection;
    this.connectingCount++;
    socket.once(connectEvent(this.options.endpoint), onSocketConnect);
    socket.on('data', onSocketData);
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    this.connections.add(connection);
    if (this.connections.size > this.peak) this.peak = this.connections.size;
    this.options.onSocketsChanged?.(this.connections.size, true);
    return connection;
  }

  private destroy(connection: Connection, reason: 'timeout' | 'retire' | 'cancel'): void {
    if (connection.endedBy === undefined) connection.endedBy = reason;
    connection.socket.destroy();
  }

  /** @internal */
  handleConnect(connection: Connection): void {
    connection.connecting = false;
    this.connectingCount--;
    this.options.onConnected?.();
  }

  /** @internal a complete response arrived on `connection`. */
  handleResponse(connection: Connection, response: ParsedResponse): void {
    const { tag, sinceUs } = connection;
    connection.tag = NO_TAG;
    this.busyCount--;
    if (response.keepAlive) {
      connection.idleSinceUs = nowUs();
      this.idle.push(connection);
    } else this.destroy(connection, 'retire');
    this.options.onOutcome(tag, { kind: 'response', status: response.status, retryAfterSec: response.retryAfterSec, bodyHead: response.bodyHead }, sinceUs);
  }

  /** @internal the socket closed; its attempt, if it had one, failed (or completed a close-delimited body). */
  handleClose(connection: Connection): void {
    this.connections.delete(connection);
    if (connection.connecting) {
      connection.connecting = false;
      this.connectingCount--;
    }
    this.closedBytes += connection.socket.bytesWritten + connection.socket.bytesRead;
    const idleAt = this.idle.indexOf(connection);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    this.options.onSocketsChanged?.(this.connections.size, false);
    if (connection.tag === NO_TAG || connection.endedBy === 'cancel') return;
    const lateResponse = connection.endedBy === undefined && connection.failure === undefined ? connection.parser.finishOnClose() : undefined;
    if (lateResponse) {
      this.handleResponse(connection, lateResponse);
      return;
    }
    const { tag, sinceUs } = connection;
    connection.tag = NO_TAG;
    this.busyCount--;
    this.options.onOutcome(tag, { kind: 'failure', errorClass: failureClass(connection), cause: failureCause(connection, this.options.timeoutUs) }, sinceUs);
  }

  private sweep(): void {
    const now = nowUs();
    let retired = 0;
    for (const connection of this.connections) {
      if (connection.endedBy !== undefined) continue;
      if (connection.tag !== NO_TAG) {
        if (now - connection.sinceUs > this.options.timeoutUs) this.destroy(connection, 'timeout');
      } else if (!connection.connecting && now - connection.idleSinceUs > IDLE_CLOSE_US && retired < MAX_RETIRED_PER_SWEEP) {
        retired++;
        this.destroy(connection, 'retire');
      }
    }
  }
}

function connectEvent(endpoint: Endpoint): 'connect' | 'secureConnect' {
  return endpoint.tls ? 'secureConnect' : 'connect';
}

function failureClass(connection: Connection): ErrorClass {
  if (connection.endedBy === 'timeout') return 'timeout';
  if (connection.failure !== undefined) return classifySocketError(connection.failure);
  return 'reset'; // closed by the peer before a complete response
}

/** Why an attempt failed, as a user reads it: the OS's or the parser's message, or what the pool saw. */
function failureCause(connection: Connection, timeoutUs: number): string {
  if (connection.endedBy === 'timeout') return `no complete response within ${timeoutUs / 1e6}s`;
  if (connection.failure !== undefined) return (connection.failure as Error).message || String(connection.failure);
  return 'the target closed the connection before a complete response';
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
  if (connection.tag === NO_TAG) {
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
