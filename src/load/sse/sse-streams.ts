import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { nowUs, wallClockUs } from '../../metrics/clock.js';
import { createHistogram, recordUs, type Histogram } from '../../metrics/histogram.js';
import { bindTemplate, seededRandom, type RenderFn } from '../../template/render.js';
import type { Template } from '../../template/template.js';
import { trackSequenceAs, type SequenceState } from '../push-sequence.js';
import { classifyConnectError } from '../websocket/connect-error.js';
import { DeltaCounters } from '../websocket/delta-counters.js';
import { fieldAt, matchesSubset } from '../websocket/json-match.js';
import { EventStreamParser, type EventSink } from './event-stream-parser.js';
import type { SsePushPlan, SseStreamPlan } from './stream-plan.js';

/** What a shard's streams measured; histograms in µs. */
export interface SseMeasurements {
  counters: DeltaCounters;
  connect: Histogram;
  firstEvent: Histogram;
  push: Histogram;
  reconnect: Histogram;
}

const SEQUENCE_NAMES = { gaps: 'sse.push.gaps', duplicates: 'sse.push.duplicates', reordered: 'sse.push.reordered' };
const RAMP_TICK_MS = 10;
const SWEEP_MS = 50;
/** A line or event larger than this cuts the stream (`sse.connections.dropped`, `sse.events.tooLarge`). */
const MAX_EVENT_CHARS = 1 << 20;
/** Render streams: each draws its own seeded numbers. */
const CONNECT_STREAM = 1;

type Phase = 'connecting' | 'open' | 'waiting' | 'done';

/**
 * One stream: its parser, its last event ID (in the parser) and its sequencing. The handlers are
 * methods and module-level functions (no closure per stream); request and response reach their
 * stream through one symbol-keyed property.
 */
class SseStream implements EventSink, SequenceState {
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
  timer: NodeJS.Timeout | undefined;
  pushMaxSeq = Number.NaN;
  pushMissing: Set<number> | undefined;
  readonly parser: EventStreamParser;

  constructor(readonly index: number) {
    this.retryUs = state!.plan.reconnect.retryUs;
    this.parser = new EventStreamParser(this, MAX_EVENT_CHARS);
  }

  onEvent(type: string, data: string, _lastEventId: string): void {
    const streams = state!;
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

  /** When the first response's headers arrived (µs, for sse.firstEvent). */
  headersUs = 0;
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
  sweeper: NodeJS.Timeout;
  onRamped: () => void;
  closing: boolean;
  lastEventUs: number;
  targets: Array<{ url: URL; client: typeof http | typeof https }>;
  headers: Array<[string, RenderFn]>;
  query: Array<[string, RenderFn]>;
  body: RenderFn | undefined;
}

const STREAM = Symbol('sse-stream');
type Tagged<T> = T & { [STREAM]?: SseStream };

let state: StreamsState | undefined;

function matchPush(stream: SseStream, push: SsePushPlan, type: string, data: string): void {
  if (push.event !== undefined && push.event !== type) return;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    if (push.match !== undefined) return;
  }
  if (push.match !== undefined && !matchesSubset(push.match, json)) return;
  const { counters, push: latency } = state!.measured;
  counters.add('sse.push.received');
  const sentAt = Number(fieldAt(json, push.sentAtPath));
  if (Number.isFinite(sentAt)) recordUs(latency, Math.max(0, wallClockUs() - sentAt * (push.sentAtUnit === 'ms' ? 1_000 : 1)));
  else counters.add('sse.push.noTimestamp');
  if (push.seqPath) trackSequenceAs(stream, Number(fieldAt(json, push.seqPath)), counters, SEQUENCE_NAMES);
}

function openStream(stream: SseStream): void {
  const streams = state!;
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
  const request: Tagged<ClientRequest> = target.client.request({
    protocol: target.url.protocol,
    hostname: target.url.hostname.replace(/^\[|\]$/g, ''),
    port: target.url.port,
    path,
    method: plan.request.method,
    headers,
    agent: false,
    ...(plan.localAddress ? { localAddress: plan.localAddress } : {}),
  });
  request[STREAM] = stream;
  stream.request = request;
  stream.phase = 'connecting';
  stream.startedUs = nowUs();
  streams.connecting.add(stream);
  request.on('response', onResponse);
  request.on('error', onRequestError);
  request.end(body);
}

function onResponse(this: Tagged<ClientRequest>, response: Tagged<IncomingMessage>): void {
  const stream = this[STREAM]!;
  const streams = state!;
  if (stream.phase !== 'connecting') {
    response.destroy();
    return;
  }
  streams.connecting.delete(stream);
  const now = nowUs();
  const status = response.statusCode ?? 0;
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // As a browser does: anything but 200 with text/event-stream fails the stream for good.
  if (status !== 200 || mediaType !== 'text/event-stream') {
    const cause = status !== 200 ? `http${status}` : 'contentType';
    finish(stream, `${stream.everOpened ? 'sse.reconnects.failed.' : 'sse.connections.failed.'}${cause}`);
    response.resume();
    this.destroy();
    if (!stream.everOpened) settle(streams);
    return;
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
  stream.response = response;
  stream.parser.reset();
  streams.open.add(stream);
  response[STREAM] = stream;
  response.setEncoding('utf8');
  response.on('data', onData);
  // 'close' follows 'end' and every error (autoDestroy); 'error' is listened to so none is unhandled.
  response.on('close', onResponseGone);
  response.on('error', onResponseGone);
  if (first) settle(streams);
}

function onData(this: Tagged<IncomingMessage>, chunk: string): void {
  const stream = this[STREAM]!;
  if (stream.phase !== 'open') return;
  if (!stream.parser.feed(chunk)) {
    state!.measured.counters.add('sse.events.tooLarge');
    this.destroy();
  }
}

/** The server ended or cut an open stream: a drop, reopened after the retry time unless the run is closing. */
function onResponseGone(this: Tagged<IncomingMessage>): void {
  const stream = this[STREAM]!;
  const streams = state!;
  if (stream.phase !== 'open' || stream.response !== this) return;
  streams.open.delete(stream);
  stream.response = undefined;
  stream.request?.destroy();
  stream.request = undefined;
  if (streams.closing) {
    stream.phase = 'done';
    return;
  }
  streams.measured.counters.add('sse.connections.dropped');
  stream.awaitingFirstEvent = false;
  stream.droppedUs = nowUs();
  scheduleReopen(stream);
}

function onRequestError(this: Tagged<ClientRequest>, error: Error): void {
  const stream = this[STREAM]!;
  const streams = state!;
  if (stream.phase !== 'connecting' || stream.request !== this) return;
  streams.connecting.delete(stream);
  const cause = classifyConnectError(error);
  if (!stream.everOpened) {
    finish(stream, streams.closing ? 'sse.connections.cancelled' : `sse.connections.failed.${cause}`);
    settle(streams);
    return;
  }
  if (streams.closing) {
    stream.phase = 'done';
    return;
  }
  streams.measured.counters.add(`sse.reconnects.failed.${cause}`);
  stream.failedAttempts++;
  scheduleReopen(stream);
}

/** The stream is over for good (failed, or given up): counted under `counter`. */
function finish(stream: SseStream, counter: string): void {
  const streams = state!;
  stream.phase = 'done';
  streams.connecting.delete(stream);
  streams.measured.counters.add(counter);
}

function scheduleReopen(stream: SseStream): void {
  const streams = state!;
  const { reconnect } = streams.plan;
  if (!reconnect.enabled || (reconnect.maxAttempts !== undefined && stream.failedAttempts >= reconnect.maxAttempts)) {
    stream.phase = 'done';
    if (reconnect.enabled) streams.measured.counters.add('sse.reconnects.gaveUp');
    return;
  }
  stream.phase = 'waiting';
  streams.waiting.add(stream);
  stream.timer = setTimeout(reopen, stream.retryUs / 1000, stream);
}

function reopen(stream: SseStream): void {
  const streams = state!;
  streams.waiting.delete(stream);
  stream.timer = undefined;
  if (streams.closing || stream.phase !== 'waiting') return;
  openStream(stream);
}

/** Requests without response headers after the connect timeout fail as `timeout` (first opens) or are retried (reopens). */
function sweep(): void {
  const streams = state!;
  const limitUs = streams.plan.connectTimeoutMs * 1_000;
  const now = nowUs();
  for (const stream of streams.connecting) {
    if (now - stream.startedUs >= limitUs) stream.request?.destroy(Object.assign(new Error('no response headers in time'), { code: 'ETIMEDOUT' }));
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
    openStream(new SseStream(plan.firstConnection + streams.started));
    streams.started++;
  }
}

function rampTick(): void {
  const streams = state!;
  pump(streams);
  if (streams.started < streams.plan.connections && !streams.closing) streams.rampTimer = setTimeout(rampTick, RAMP_TICK_MS);
}

/** Opens the shard's streams at the asked rate; resolves when every first open has succeeded or failed for good. */
export function openStreams(plan: SseStreamPlan): Promise<void> {
  if (state) throw new Error('one set of streams per process');
  const bindAll = (record: Record<string, Template>): Array<[string, RenderFn]> =>
    Object.entries(record).map(([name, template]) => [name, bindTemplate(template)]);
  return new Promise((resolve) => {
    state = {
      plan,
      measured: { counters: new DeltaCounters(), connect: createHistogram(), firstEvent: createHistogram(), push: createHistogram(), reconnect: createHistogram() },
      open: new Set(),
      connecting: new Set(),
      waiting: new Set(),
      started: 0,
      settled: 0,
      rampStartUs: nowUs(),
      rampTimer: undefined,
      sweeper: setInterval(sweep, SWEEP_MS),
      onRamped: resolve,
      closing: false,
      lastEventUs: 0,
      targets: plan.targets.map((target) => {
        const url = new URL(target);
        return { url, client: url.protocol === 'https:' ? https : http };
      }),
      headers: bindAll(plan.request.headers),
      query: bindAll(plan.request.query),
      body: plan.request.body ? bindTemplate(plan.request.body) : undefined,
    };
    rampTick();
  });
}

export function streamMeasurements(): SseMeasurements {
  return state!.measured;
}

export function openStreamCount(): number {
  return state?.open.size ?? 0;
}

/** First opens and reopens in flight. */
export function opensInFlight(): number {
  return state?.connecting.size ?? 0;
}

/** Streams between a drop and their reopen. */
export function streamsWaiting(): number {
  return state?.waiting.size ?? 0;
}

/** When the last event arrived (µs), for waiting until traffic has drained. */
export function lastEventUs(): number {
  return state?.lastEventUs ?? 0;
}

/**
 * Ends the run's streams' life: no more opens or reopens; requests in flight are cancelled
 * (`sse.connections.cancelled` for first opens). From here no end of a stream counts as a drop.
 */
export function stopOpening(): void {
  const streams = state;
  if (!streams) return;
  streams.closing = true;
  clearTimeout(streams.rampTimer);
  clearInterval(streams.sweeper);
  for (const stream of streams.waiting) clearTimeout(stream.timer);
  streams.waiting.clear();
  let cancelled = 0;
  for (const stream of streams.connecting) {
    if (!stream.everOpened) cancelled++;
    stream.phase = 'done';
    stream.request?.destroy();
  }
  streams.connecting.clear();
  if (cancelled > 0) streams.measured.counters.add('sse.connections.cancelled', cancelled);
}

/** Destroys every open stream at once (after the shard has reported). */
export function destroyAll(): void {
  const streams = state;
  if (!streams) return;
  streams.closing = true;
  for (const stream of streams.open) {
    stream.phase = 'done';
    stream.request?.destroy();
  }
  streams.open.clear();
}
