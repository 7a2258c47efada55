import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { connect as connectSocket, type Socket } from 'node:net';
import { CauseBook } from '../../metrics/causes.js';
import { nowUs, wallClockUs } from '../../metrics/clock.js';
import { createHistogram, recordUs, type Histogram } from '../../metrics/histogram.js';
import { bindTemplate, seededRandom, type RenderFn } from '../../template/render.js';
import type { Template } from '../../template/template.js';
import { trackSequenceAs, type SequenceState } from '../push-sequence.js';
import { classifyConnectError, connectErrorCause } from '../websocket/connect-error.js';
import { DeltaCounters } from '../websocket/delta-counters.js';
import { fieldAt, matchesSubset } from '../websocket/json-match.js';
import { EventStreamParser, type EventSink } from './event-stream-parser.js';
import { HttpStreamReader, type HttpStreamOwner } from './http-stream-reader.js';
import type { SsePushPlan, SseStreamPlan } from './stream-plan.js';

/** What a shard's streams measured; histograms in µs. */
export interface SseMeasurements {
  counters: DeltaCounters;
  /** Why streams failed to open or reopen: per failure counter, its first few distinct causes. */
  causes: CauseBook;
  connect: Histogram;
  firstEvent: Histogram;
  push: Histogram;
  reconnect: Histogram;
}

const SEQUENCE_NAMES = { gaps: 'sse.push.gaps', duplicates: 'sse.push.duplicates', reordered: 'sse.push.reordered' };
const RAMP_TICK_MS = 10;
const SWEEP_MS = 50;
/** A line or an event's data larger than this (characters) cuts the stream for good (`sse.connections.dropped.tooLarge`). */
const MAX_EVENT_CHARS = 1 << 20;
const TOO_LARGE = 'sse.connections.dropped.tooLarge';
/** Render streams: each draws its own seeded numbers. */
const CONNECT_STREAM = 1;

/** `rejected`: a 4xx/5xx answer whose body head is being read for the cause (still among the requests in flight). */
type Phase = 'connecting' | 'rejected' | 'open' | 'waiting' | 'done';
/** Of a 4xx/5xx answer's body, this many characters go into the failure's cause. */
const BODY_HEAD_CHARS = 200;

/**
 * One stream: its parser, its last event ID (in the parser) and its sequencing. The handlers are
 * methods and module-level functions (no closure per stream); request and response reach their
 * stream through one symbol-keyed property, and a stream reaches the shard's streams through its
 * `streams` field (no module-level state: two sets of streams can live in one process).
 */
class SseStream implements EventSink, SequenceState, HttpStreamOwner {
  phase: Phase = 'connecting';
  /** When the current request started, and when the stream dropped (µs). */
  startedUs = 0;
  droppedUs = 0;
  /** Reopen attempts since the last successful open. */
  failedAttempts = 0;
  everOpened = false;
  awaitingFirstEvent = false;
  sentLastEventId = false;
  retryUs: number;
  request: ClientRequest | undefined;
  response: IncomingMessage | undefined;
  socket: Socket | undefined;
  reader: HttpStreamReader | undefined;
  /** Why the current request failed (its class names the failure counter). */
  lastError: Error | undefined;
  /** Why the last reopen attempt failed (for `sse.reconnects.gaveUp`'s cause). */
  lastReopenCause: string | undefined;
  /** Set when pushbench cut the open stream for good (a line or event over the bound): the drop's cause. */
  cutCause: string | undefined;
  /** A 4xx/5xx answer: its status and the start of its body. */
  rejectedStatus = 0;
  bodyHead = '';
  timer: NodeJS.Timeout | undefined;
  pushMaxSeq = Number.NaN;
  pushMissing: Set<number> | undefined;
  readonly parser: EventStreamParser;

  constructor(
    readonly streams: StreamsState,
    readonly index: number,
  ) {
    this.retryUs = streams.plan.reconnect.retryUs;
    this.parser = new EventStreamParser(this, MAX_EVENT_CHARS);
  }

  onEvent(type: string, data: string, _lastEventId: string): void {
    const { streams } = this;
    const now = nowUs();
    streams.lastEventUs = now;
    streams.measured.counters.add('sse.events.received');
    if (this.awaitingFirstEvent) {
      this.awaitingFirstEvent = false;
      recordUs(streams.measured.firstEvent, now - this.headersUs);
    }
    if (streams.plan.push) matchPush(this, streams.plan.push, type, data);
  }

  onRetry(ms: number): void {
    this.retryUs = ms * 1_000;
  }

  onHead(status: number, mediaType: string): boolean {
    if (headersArrived(this, status, mediaType)) return true;
    destroyTransport(this);
    return false;
  }

  onText(text: string): void {
    textArrived(this, text);
  }

  onBodyEnd(): void {
    this.bodyEnded = true;
    destroyTransport(this);
  }

  onBadResponse(reason: string): void {
    this.lastError = new Error(`unreadable response: ${reason}`);
    destroyTransport(this);
  }

  /** When the first response's headers arrived (µs, for sse.firstEvent). */
  headersUs = 0;
  /** The current response's body ended by its framing (not cut). */
  bodyEnded = false;
}

interface StreamsState {
  plan: SseStreamPlan;
  measured: SseMeasurements;
  /** Streams open now. */
  open: Set<SseStream>;
  /** Requests in flight (first opens and reopens) and when each started. */
  connecting: Set<SseStream>;
  /** Streams waiting to reopen. */
  waiting: Set<SseStream>;
  started: number;
  settled: number;
  rampStartUs: number;
  rampTimer: NodeJS.Timeout | undefined;
  sweeper: NodeJS.Timeout | undefined;
  onRamped: () => void;
  closing: boolean;
  lastEventUs: number;
  targets: Target[];
  headers: Array<[string, RenderFn]>;
  query: Array<[string, RenderFn]>;
  body: RenderFn | undefined;
}

interface LeanTarget {
  host: string;
  port: number;
  hostHeader: string;
}

interface Target {
  url: URL;
  client: typeof http | typeof https;
  /** http:// targets are spoken to directly (see openLean). */
  lean?: LeanTarget;
}

const STREAM = Symbol('sse-stream');
type Tagged<T> = T & { [STREAM]?: SseStream };

function matchPush(stream: SseStream, push: SsePushPlan, type: string, data: string): void {
  if (push.event !== undefined && push.event !== type) return;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    if (push.match !== undefined) return;
  }
  if (push.match !== undefined && !matchesSubset(push.match, json)) return;
  const { counters, push: latency } = stream.streams.measured;
  counters.add('sse.push.received');
  const sentAt = Number(fieldAt(json, push.sentAtPath));
  if (Number.isFinite(sentAt)) recordUs(latency, Math.max(0, wallClockUs() - sentAt * (push.sentAtUnit === 'ms' ? 1_000 : 1)));
  else counters.add('sse.push.noTimestamp');
  if (push.seqPath) trackSequenceAs(stream, Number(fieldAt(json, push.seqPath)), counters, SEQUENCE_NAMES);
}

function openStream(stream: SseStream): void {
  const { streams } = stream;
  const { plan } = streams;
  const target = streams.targets[stream.index % streams.targets.length]!;
  const input = { values: { conn: stream.index }, random: seededRandom(plan.request.seed, CONNECT_STREAM, stream.index) };
  let path = `${target.url.pathname}${target.url.search}`;
  if (streams.query.length > 0) {
    const url = new URL(target.url);
    for (const [name, render] of streams.query) url.searchParams.set(name, render(input));
    path = `${url.pathname}${url.search}`;
  }
  const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
  for (const [name, render] of streams.headers) headers[name.toLowerCase()] = render(input);
  stream.sentLastEventId = stream.everOpened && plan.reconnect.resume && stream.parser.lastEventId !== '';
  if (stream.sentLastEventId) headers['last-event-id'] = stream.parser.lastEventId;
  const body = streams.body?.(input);
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  stream.phase = 'connecting';
  stream.startedUs = nowUs();
  stream.lastError = undefined;
  streams.connecting.add(stream);
  if (target.lean) openLean(stream, target.lean, path, headers, body);
  else openWithNodeHttp(stream, target, path, headers, body);
}

/** http://: the request head written by hand on a plain socket, the response read by HttpStreamReader (no http.ClientRequest per stream). */
function openLean(stream: SseStream, target: LeanTarget, path: string, headers: Record<string, string>, body: string | undefined): void {
  const { plan } = stream.streams;
  let head = `${plan.request.method} ${path} HTTP/1.1\r\nhost: ${target.hostHeader}\r\nconnection: close\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(value)) {
      stream.lastError = Object.assign(new Error(`header ${name} contains CR or LF`), { code: 'ERR_INVALID_CHAR' });
      setImmediate(connectFailed, stream);
      return;
    }
    head += `${name}: ${value}\r\n`;
  }
  const socket: Tagged<Socket> = connectSocket({ host: target.host, port: target.port, ...(plan.localAddress ? { localAddress: plan.localAddress } : {}) });
  socket[STREAM] = stream;
  stream.socket = socket;
  stream.reader = new HttpStreamReader(stream);
  socket.setNoDelay(true);
  socket.on('data', onSocketData);
  socket.on('error', onSocketError);
  socket.on('close', onSocketClose);
  socket.write(body === undefined ? `${head}\r\n` : `${head}\r\n${body}`);
}

function onSocketData(this: Tagged<Socket>, chunk: Buffer): void {
  const stream = this[STREAM]!;
  if (stream.socket === this && (stream.phase === 'connecting' || stream.phase === 'rejected' || stream.phase === 'open')) stream.reader!.push(chunk);
}

function onSocketError(this: Tagged<Socket>, error: Error): void {
  const stream = this[STREAM]!;
  if (stream.socket === this) stream.lastError = error;
}

function onSocketClose(this: Tagged<Socket>): void {
  const stream = this[STREAM]!;
  if (stream.socket !== this) return;
  stream.socket = undefined;
  stream.reader = undefined;
  if (stream.phase === 'connecting') connectFailed(stream);
  else if (stream.phase === 'rejected') rejected(stream);
  else if (stream.phase === 'open') gone(stream);
}

/** https:// (and anything the lean path does not speak): node:http(s), one socket per stream (agent: false). */
function openWithNodeHttp(stream: SseStream, target: Target, path: string, headers: Record<string, string>, body: string | undefined): void {
  const { plan } = stream.streams;
  let request: Tagged<ClientRequest>;
  try {
    request = target.client.request({
      protocol: target.url.protocol,
      hostname: target.url.hostname.replace(/^\[|\]$/g, ''),
      port: target.url.port,
      path,
      method: plan.request.method,
      headers,
      agent: false,
      ...(plan.localAddress ? { localAddress: plan.localAddress } : {}),
      ...(target.url.protocol === 'https:' ? plan.tls : undefined),
    });
  } catch (error) {
    stream.lastError = error as Error; // e.g. a header value node:http refuses
    setImmediate(connectFailed, stream);
    return;
  }
  request[STREAM] = stream;
  stream.request = request;
  request.on('response', onResponse);
  request.on('error', onRequestError);
  request.end(body);
}

function onResponse(this: Tagged<ClientRequest>, response: Tagged<IncomingMessage>): void {
  const stream = this[STREAM]!;
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (stream.request !== this || !headersArrived(stream, response.statusCode ?? 0, mediaType)) {
    response.resume();
    this.destroy();
    return;
  }
  stream.response = response;
  response[STREAM] = stream;
  response.setEncoding('utf8');
  response.on('data', onResponseData);
  response.on('end', onResponseEnd);
  // 'close' follows 'end' and every error (autoDestroy); 'error' is listened to so none is unhandled.
  response.on('close', onResponseGone);
  response.on('error', onResponseGone);
}

function onResponseData(this: Tagged<IncomingMessage>, chunk: string): void {
  textArrived(this[STREAM]!, chunk);
}

function onResponseEnd(this: Tagged<IncomingMessage>): void {
  const stream = this[STREAM]!;
  if (stream.response === this) stream.bodyEnded = true;
}

function onResponseGone(this: Tagged<IncomingMessage>): void {
  const stream = this[STREAM]!;
  if (stream.response !== this) return;
  stream.response = undefined;
  stream.request?.destroy();
  stream.request = undefined;
  if (stream.phase === 'rejected') rejected(stream);
  else if (stream.phase === 'open') gone(stream);
}

function onRequestError(this: Tagged<ClientRequest>, error: Error): void {
  const stream = this[STREAM]!;
  if (stream.request !== this || stream.phase !== 'connecting') return;
  stream.request = undefined;
  stream.lastError = error;
  connectFailed(stream);
}

/**
 * A response head arrived (either transport). As a browser does, anything but 200 with
 * text/event-stream fails the stream for good; otherwise the stream is open (first open or reopen).
 */
function headersArrived(stream: SseStream, status: number, mediaType: string): boolean {
  const { streams } = stream;
  if (stream.phase !== 'connecting') return false;
  if (status >= 400) {
    // Failed for good, once the body's first characters (the server's why) are read: until the
    // body ends, BODY_HEAD_CHARS arrive, or the connect timeout cuts it.
    stream.phase = 'rejected';
    stream.rejectedStatus = status;
    stream.bodyHead = '';
    return true;
  }
  streams.connecting.delete(stream);
  const now = nowUs();
  if (status !== 200 || mediaType !== 'text/event-stream') {
    const kind = status !== 200 ? `http${status}` : 'contentType';
    const counter = `${stream.everOpened ? 'sse.reconnects.failed.' : 'sse.connections.failed.'}${kind}`;
    finish(stream, counter, status !== 200 ? `HTTP ${status}` : `HTTP 200 with Content-Type "${mediaType || '(none)'}", not text/event-stream`);
    if (!stream.everOpened) settle(streams);
    return false;
  }
  const { counters } = streams.measured;
  if (stream.everOpened) {
    recordUs(streams.measured.reconnect, now - stream.droppedUs);
    counters.add('sse.reconnects');
    if (stream.sentLastEventId) counters.add('sse.resumed');
  } else {
    recordUs(streams.measured.connect, now - stream.startedUs);
    counters.add('sse.connections.opened');
    stream.awaitingFirstEvent = true;
    stream.headersUs = now;
  }
  const first = !stream.everOpened;
  stream.everOpened = true;
  stream.failedAttempts = 0;
  stream.phase = 'open';
  stream.bodyEnded = false;
  stream.parser.reset();
  streams.open.add(stream);
  if (first) settle(streams);
  return true;
}

function textArrived(stream: SseStream, text: string): void {
  if (stream.phase === 'rejected') {
    stream.bodyHead += text.slice(0, BODY_HEAD_CHARS - stream.bodyHead.length);
    if (stream.bodyHead.length >= BODY_HEAD_CHARS) destroyTransport(stream);
    return;
  }
  if (stream.phase !== 'open' || stream.cutCause !== undefined) return;
  if (!stream.parser.feed(text)) {
    stream.cutCause = stream.parser.overflow === 'event' ? `an event's data longer than ${MAX_EVENT_CHARS} characters` : `a line longer than ${MAX_EVENT_CHARS} characters`;
    destroyTransport(stream);
  }
}

/**
 * An open stream ended before the run did: a drop, reopened after the retry time unless the run is
 * closing. One that pushbench cut for outgrowing the bound is not reopened: the server would send the
 * same again, 1 Mi characters per stream per retry.
 */
function gone(stream: SseStream): void {
  const { streams } = stream;
  streams.open.delete(stream);
  closeTransport(stream);
  if (streams.closing) {
    stream.phase = 'done';
    return;
  }
  const { counters, causes } = streams.measured;
  const cause = stream.cutCause ?? (stream.bodyEnded ? 'the server ended the response' : stream.lastError ? connectErrorCause(stream.lastError) : 'the server closed the connection');
  counters.add('sse.connections.dropped');
  causes.note('sse.connections.dropped', cause);
  if (stream.cutCause !== undefined) {
    stream.phase = 'done';
    counters.add(TOO_LARGE);
    causes.note(TOO_LARGE, cause);
    return;
  }
  stream.awaitingFirstEvent = false;
  stream.droppedUs = nowUs();
  scheduleReopen(stream);
}

/** A request got no usable response (refused, reset, timeout, unreadable): a failed first open, or a failed reopen attempt. */
function connectFailed(stream: SseStream): void {
  const { streams } = stream;
  if (stream.phase !== 'connecting') return;
  streams.connecting.delete(stream);
  closeTransport(stream);
  const kind = classifyConnectError(stream.lastError);
  const cause = failureCause(stream);
  if (!stream.everOpened) {
    if (streams.closing) finish(stream, 'sse.connections.cancelled');
    else finish(stream, `sse.connections.failed.${kind}`, cause);
    settle(streams);
    return;
  }
  if (streams.closing) {
    stream.phase = 'done';
    return;
  }
  streams.measured.counters.add(`sse.reconnects.failed.${kind}`);
  streams.measured.causes.note(`sse.reconnects.failed.${kind}`, cause);
  stream.failedAttempts++;
  stream.lastReopenCause = cause;
  scheduleReopen(stream);
}

/** A 4xx/5xx answer's body was read (or cut): the stream failed for good, its cause the status and the body's start. */
function rejected(stream: SseStream): void {
  const { streams } = stream;
  streams.connecting.delete(stream);
  closeTransport(stream);
  const counter = `${stream.everOpened ? 'sse.reconnects.failed.' : 'sse.connections.failed.'}http${stream.rejectedStatus}`;
  const head = stream.bodyHead.trim();
  finish(stream, counter, head === '' ? `HTTP ${stream.rejectedStatus}` : `HTTP ${stream.rejectedStatus}: ${head}`);
  stream.bodyHead = '';
  if (!stream.everOpened) settle(streams);
}

/** Why a request got no usable response: the OS's, TLS's or the reader's message. */
function failureCause(stream: SseStream): string {
  return stream.lastError ? connectErrorCause(stream.lastError) : 'the server closed the connection before the response headers';
}

/** Drops the stream's transport (its close handlers have run or are not wanted). */
function closeTransport(stream: SseStream): void {
  const { request, socket } = stream;
  stream.request = undefined;
  stream.response = undefined;
  stream.socket = undefined;
  stream.reader = undefined;
  request?.destroy();
  socket?.destroy();
}

/** Destroys the transport and lets its close handlers decide what that was (a drop, a failed open). */
function destroyTransport(stream: SseStream, error?: Error): void {
  stream.request?.destroy(error);
  stream.socket?.destroy(error);
}

/** The stream is over for good (failed, or given up): counted under `counter`, with its cause when it is a failure. */
function finish(stream: SseStream, counter: string, cause?: string): void {
  const { streams } = stream;
  stream.phase = 'done';
  streams.connecting.delete(stream);
  streams.measured.counters.add(counter);
  if (cause !== undefined) streams.measured.causes.note(counter, cause);
}

function scheduleReopen(stream: SseStream): void {
  const { streams } = stream;
  const { reconnect } = streams.plan;
  if (!reconnect.enabled || (reconnect.maxAttempts !== undefined && stream.failedAttempts >= reconnect.maxAttempts)) {
    stream.phase = 'done';
    if (reconnect.enabled) {
      streams.measured.counters.add('sse.reconnects.gaveUp');
      streams.measured.causes.note('sse.reconnects.gaveUp', `${stream.failedAttempts} reopens failed in a row, the last: ${stream.lastReopenCause ?? 'unknown'}`);
    }
    return;
  }
  stream.phase = 'waiting';
  streams.waiting.add(stream);
  stream.timer = setTimeout(reopen, stream.retryUs / 1000, stream);
}

function reopen(stream: SseStream): void {
  const { streams } = stream;
  streams.waiting.delete(stream);
  stream.timer = undefined;
  if (streams.closing || stream.phase !== 'waiting') return;
  openStream(stream);
}

/** Requests without response headers after the connect timeout fail as `timeout` (first opens) or are retried (reopens). */
function sweep(streams: StreamsState): void {
  const limitUs = streams.plan.connectTimeoutMs * 1_000;
  const now = nowUs();
  for (const stream of streams.connecting) {
    if (now - stream.startedUs >= limitUs) destroyTransport(stream, Object.assign(new Error('no response headers in time'), { code: 'ETIMEDOUT' }));
  }
}

function settle(streams: StreamsState): void {
  streams.settled++;
  if (streams.settled === streams.plan.connections) {
    clearTimeout(streams.rampTimer);
    streams.rampTimer = undefined;
    streams.onRamped();
  } else pump(streams);
}

/** Starts the first opens due by now (open-model schedule at connectRatePerSec), within the in-flight bound. */
function pump(streams: StreamsState): void {
  const { plan } = streams;
  const elapsedSec = (nowUs() - streams.rampStartUs) / 1e6;
  const due = Math.min(plan.connections, Math.floor(elapsedSec * plan.connectRatePerSec) + 1);
  while (streams.started < due && streams.connecting.size < plan.maxConnectsInFlight && !streams.closing) {
    openStream(new SseStream(streams, plan.firstConnection + streams.started));
    streams.started++;
  }
}

function rampTick(streams: StreamsState): void {
  pump(streams);
  if (streams.started < streams.plan.connections && !streams.closing) streams.rampTimer = setTimeout(rampTick, RAMP_TICK_MS, streams);
}

/**
 * A shard's SSE streams: opened at the asked rate, reopened after drops, measured. Everything a run
 * needs lives in the instance, so a test can hold two in one process.
 */
export class SseStreams {
  private readonly streams: StreamsState;

  constructor(plan: SseStreamPlan) {
    const bindAll = (record: Record<string, Template>): Array<[string, RenderFn]> =>
      Object.entries(record).map(([name, template]) => [name, bindTemplate(template)]);
    this.streams = {
      plan,
      measured: { counters: new DeltaCounters(), causes: new CauseBook(), connect: createHistogram(), firstEvent: createHistogram(), push: createHistogram(), reconnect: createHistogram() },
      open: new Set(),
      connecting: new Set(),
      waiting: new Set(),
      started: 0,
      settled: 0,
      rampStartUs: 0,
      rampTimer: undefined,
      sweeper: undefined,
      onRamped: () => {},
      closing: false,
      lastEventUs: 0,
      targets: plan.targets.map((target): Target => {
        const url = new URL(target);
        if (url.protocol === 'https:') return { url, client: https };
        return { url, client: http, lean: { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80), hostHeader: url.host } };
      }),
      headers: bindAll(plan.request.headers),
      query: bindAll(plan.request.query),
      body: plan.request.body ? bindTemplate(plan.request.body) : undefined,
    };
  }

  /** Opens the streams at the asked rate; resolves when every first open has succeeded or failed for good. Once per instance. */
  open(): Promise<void> {
    const streams = this.streams;
    if (streams.rampStartUs !== 0) throw new Error('a set of streams opens once');
    return new Promise((resolve) => {
      streams.onRamped = resolve;
      streams.rampStartUs = nowUs();
      streams.sweeper = setInterval(sweep, SWEEP_MS, streams);
      rampTick(streams);
    });
  }

  /** Its counters and histograms. */
  get measured(): SseMeasurements {
    return this.streams.measured;
  }

  openCount(): number {
    return this.streams.open.size;
  }

  /** First opens and reopens in flight. */
  opensInFlight(): number {
    return this.streams.connecting.size;
  }

  /** Streams between a drop and their reopen. */
  waitingCount(): number {
    return this.streams.waiting.size;
  }

  /** When the last event arrived (µs), for waiting until traffic has drained. */
  lastEventUs(): number {
    return this.streams.lastEventUs;
  }

  /**
   * Ends the streams' life: no more opens or reopens; requests in flight are cancelled
   * (`sse.connections.cancelled` for first opens). From here no end of a stream counts as a drop.
   */
  stopOpening(): void {
    const streams = this.streams;
    streams.closing = true;
    clearTimeout(streams.rampTimer);
    clearInterval(streams.sweeper);
    for (const stream of streams.waiting) clearTimeout(stream.timer);
    streams.waiting.clear();
    let cancelled = 0;
    for (const stream of streams.connecting) {
      if (!stream.everOpened) cancelled++;
      stream.phase = 'done';
      closeTransport(stream);
    }
    streams.connecting.clear();
    if (cancelled > 0) streams.measured.counters.add('sse.connections.cancelled', cancelled);
  }

  /** Destroys every open stream at once (after the shard has reported). */
  destroyAll(): void {
    const streams = this.streams;
    streams.closing = true;
    for (const stream of streams.open) {
      stream.phase = 'done';
      closeTransport(stream);
    }
    streams.open.clear();
  }
}
