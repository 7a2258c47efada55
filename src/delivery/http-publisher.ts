import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { nowUs } from '../metrics/clock.js';
import { createHistogram, encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import type { PaceFigures } from '../load/pace-figures.js';
import { runPacer } from '../load/pacer.js';
import { scheduleOutage, type OutageWindow } from './outage.js';
import { PairState } from './pair-state.js';
import { EventStream, type StreamSpec } from './stream.js';

/** Which HTTP transport the publisher serves: one SSE stream per subscriber, or polls of `events?after=<cursor>`. */
export type HttpPublisherMode = 'sse' | 'polling' | 'long-polling';

export interface HttpPublisherOptions {
  mode: HttpPublisherMode;
  stream: StreamSpec;
  outage: OutageWindow | undefined;
  /** sse: the last this-many events are kept for Last-Event-ID resumes. */
  historyEvents: number;
  /** long-polling: a GET with nothing to return is held this long at most (µs). */
  holdUs: number;
}

/** What the sending side of an HTTP transport reports at the cut-off. */
export interface HttpPublisherReport {
  states: Uint8Array;
  /** t1 - t0 of each pair's first write (sse: live write or replay; polls: first response carrying it), µs, HdrHistogram base64. */
  sendDelayHdr: string;
  dispatched: number;
  /** How the publisher kept the stream's schedule (absent when cut off before its pacer ended). */
  pace?: PaceFigures;
  /** Requests that reached the publisher (SSE stream GETs, polls). */
  requests: number;
  /** Polls answered with no event (the publisher's own count of empty polls). */
  emptyAnswers: number;
  /** sse: streams opened with a Last-Event-ID, events written again after it, and pairs that had left the history by then. */
  resumed: number;
  replayed: number;
  unreplayable: number;
}

/** The SSE event that follows the last one: everything before it on this stream has been written. */
export const SSE_END_EVENT = 'end';
/** Response header of a poll: the stream has ended and this response carries everything up to its last event. */
export const POLL_END_HEADER = 'x-pushbench-end';
const SSE_PATH = /^\/sub\/(\d{1,6})\/stream$/;
const POLL_PATH = /^\/sub\/(\d{1,6})\/events\?after=(-1|\d{1,10})$/;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } as const;

interface Slot {
  index: number;
  /** sse: the open stream, and the lowest seq written on it (replay included). */
  stream: ServerResponse | undefined;
  streamFromSeq: number;
  /** polls: the highest `after` the subscriber sent (it has everything up to there). */
  ackedThrough: number;
  /** long-polling: the held GET, if any, with the cursor it asked after. */
  held: { response: ServerResponse; after: number; timer: NodeJS.Timeout } | undefined;
}

/**
 * The built-in publisher of the sse, polling and long-polling transports (one node:http server in a
 * child process). It runs the seeded stream on its schedule from the shared start time.
 * - sse: `GET /sub/<i>/stream` is a text/event-stream with `id: <seq>`; a `Last-Event-ID` replays
 *   what is still in the history (the last `historyEvents` events), the rest is lost.
 * - polling / long-polling: `GET /sub/<i>/events?after=<cursor>` answers every event after the
 *   cursor, one JSON body per line (empty when there is none); long-polling holds an empty answer
 *   up to `holdUs` and answers as soon as an event is published. The whole stream stays answerable,
 *   so polling loses nothing; the cursor acknowledges everything up to it.
 * During the outage the server stops listening and destroys every open socket, then listens again
 * on the same port.
 */
export class HttpPublisher {
  private readonly stream: EventStream;
  private readonly http: Server;
  private readonly slots: Slot[];
  private readonly sentOnce: Uint8Array;
  private readonly sendDelay: Histogram = createHistogram();
  private readonly pacerAbort = new AbortController();
  private readonly sockets = new Set<Socket>();
  private startUs = 0;
  private published = 0;
  private ended = false;
  private frozen = false;
  private port = 0;
  private requests = 0;
  private emptyAnswers = 0;
  private resumed = 0;
  private replayed = 0;
  private unreplayable = 0;
  private pacer: { dispatched: number; pace?: PaceFigures } = { dispatched: 0 };
  private cancelOutage: () => void = () => undefined;

  constructor(private readonly options: HttpPublisherOptions) {
    this.stream = new EventStream(options.stream);
    this.slots = Array.from({ length: this.stream.subscribers }, (_, index) => ({ index, stream: undefined, streamFromSeq: 0, ackedThrough: -1, held: undefined }));
    this.sentOnce = new Uint8Array(this.stream.pairs);
    this.http = createServer({ keepAliveTimeout: 60_000 }, (request, response) => this.handle(request, response));
    this.http.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => {
        this.http.off('error', reject);
        const address = this.http.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  /** Runs the stream from `startUs`; resolves when its last event has been published (or the cut-off came first). */
  async go(startUs: number): Promise<void> {
    this.startUs = startUs;
    this.cancelOutage = scheduleOutage(
      startUs,
      this.options.outage,
      () => {
        this.http.close();
        this.dropEverything();
      },
      () => this.http.listen(this.port, '127.0.0.1'),
    );
    const outcome = await runPacer(this.stream.schedule, startUs, (seq, intendedUs) => this.publish(seq, intendedUs), this.pacerAbort.signal);
    this.pacer = { dispatched: outcome.dispatched, pace: outcome.pace };
    if (this.frozen) return;
    this.ended = true;
    for (const slot of this.slots) {
      slot.stream?.write(`event: ${SSE_END_EVENT}\ndata: ${SSE_END_EVENT}\n\n`);
      if (slot.held) this.answerPoll(slot, slot.held.response, slot.held.after);
    }
  }

  /** The cut-off: stops publishing, closes everything, and reports each pair's state as of now. */
  stop(): HttpPublisherReport {
    this.frozen = true;
    this.pacerAbort.abort();
    this.cancelOutage();
    const states = this.states();
    this.dropEverything();
    if (this.http.listening) this.http.close();
    return {
      states,
      sendDelayHdr: encodeHistogram(this.sendDelay),
      ...this.pacer,
      requests: this.requests,
      emptyAnswers: this.emptyAnswers,
      resumed: this.resumed,
      replayed: this.replayed,
      unreplayable: this.unreplayable,
    };
  }

  private dropEverything(): void {
    for (const slot of this.slots) {
      if (slot.held) clearTimeout(slot.held.timer);
      slot.held = undefined;
      slot.stream = undefined;
    }
    for (const socket of this.sockets) socket.destroy();
  }

  private publish(seq: number, intendedUs: number): void {
    this.published = seq + 1;
    if (this.options.mode !== 'sse') {
      for (const slot of this.slots) if (slot.held) this.answerPoll(slot, slot.held.response, slot.held.after);
      return;
    }
    const frame = sseFrame(seq, this.stream.factory.build(seq, intendedUs).body);
    for (const slot of this.slots) {
      if (!slot.stream) continue;
      slot.stream.write(frame);
      this.markSent(seq, slot.index, intendedUs);
    }
  }

  private markSent(seq: number, subscriber: number, scheduledUs: number): void {
    const pair = seq * this.stream.subscribers + subscriber;
    if (this.sentOnce[pair] === 1) return;
    this.sentOnce[pair] = 1;
    recordUs(this.sendDelay, nowUs() - scheduledUs);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests++;
    const url = request.url ?? '';
    if (this.frozen) {
      response.destroy();
      return;
    }
    if (this.options.mode === 'sse') {
      const match = SSE_PATH.exec(url);
      const slot = match ? this.slots[Number(match[1])] : undefined;
      if (!slot) return void response.writeHead(404).end();
      this.openStream(slot, response, request.headers['last-event-id']);
      return;
    }
    const match = POLL_PATH.exec(url);
    const slot = match ? this.slots[Number(match[1])] : undefined;
    if (!slot) return void response.writeHead(404).end();
    const after = Math.min(Number(match![2]), this.published - 1);
    if (after > slot.ackedThrough) slot.ackedThrough = after;
    if (this.options.mode === 'long-polling' && after >= this.published - 1 && !this.ended) this.hold(slot, response, after);
    else this.answerPoll(slot, response, after);
  }

  private openStream(slot: Slot, response: ServerResponse, lastEventId: string | string[] | undefined): void {
    slot.stream?.destroy();
    response.writeHead(200, SSE_HEADERS);
    response.once('close', () => {
      if (slot.stream === response) slot.stream = undefined;
    });
    let from = this.published;
    if (typeof lastEventId === 'string' && /^\d{1,10}$/.test(lastEventId)) {
      this.resumed++;
      const wanted = Number(lastEventId) + 1;
      const oldest = Math.max(0, this.published - this.options.historyEvents);
      if (wanted < oldest) this.unreplayable += oldest - wanted;
      from = Math.min(this.published, Math.max(wanted, oldest));
      const chunks: string[] = [];
      for (let seq = from; seq < this.published; seq++) {
        const scheduledUs = this.stream.scheduledUs(seq, this.startUs);
        chunks.push(sseFrame(seq, this.stream.factory.build(seq, scheduledUs).body));
        this.markSent(seq, slot.index, scheduledUs);
        this.replayed++;
      }
      if (chunks.length > 0) response.write(chunks.join(''));
    } else response.write(': open\n\n');
    slot.stream = response;
    slot.streamFromSeq = from;
    if (this.ended) response.write(`event: ${SSE_END_EVENT}\ndata: ${SSE_END_EVENT}\n\n`);
  }

  private hold(slot: Slot, response: ServerResponse, after: number): void {
    if (slot.held) this.answerPoll(slot, slot.held.response, slot.held.after);
    const timer = setTimeout(() => {
      if (slot.held?.response === response) this.answerPoll(slot, response, after);
    }, this.options.holdUs / 1000);
    slot.held = { response, after, timer };
    response.once('close', () => {
      if (slot.held?.response === response) {
        clearTimeout(slot.held.timer);
        slot.held = undefined;
      }
    });
  }

  /** Answers a poll with every event after `after` (possibly none), and the end header once the stream is complete. */
  private answerPoll(slot: Slot, response: ServerResponse, after: number): void {
    if (slot.held?.response === response) {
      clearTimeout(slot.held.timer);
      slot.held = undefined;
    }
    const lines: string[] = [];
    for (let seq = after + 1; seq < this.published; seq++) {
      const scheduledUs = this.stream.scheduledUs(seq, this.startUs);
      lines.push(this.stream.factory.build(seq, scheduledUs).body);
      this.markSent(seq, slot.index, scheduledUs);
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.ended) headers[POLL_END_HEADER] = '1';
    if (lines.length === 0) this.emptyAnswers++;
    response.writeHead(200, headers).end(lines.join('\n'));
  }

  /**
   * sse: a pair is in flight if it was written on the open stream or is still in the history (a
   * resume would replay it); otherwise it is lost. Polls: acknowledged up to the subscriber's last
   * cursor, in flight after it (the whole stream stays answerable).
   */
  private states(): Uint8Array {
    const { subscribers, pairs } = this.stream;
    const states = new Uint8Array(pairs);
    const oldest = Math.max(0, this.published - this.options.historyEvents);
    for (let pair = 0; pair < this.published * subscribers; pair++) {
      const slot = this.slots[pair % subscribers]!;
      const seq = Math.floor(pair / subscribers);
      if (this.options.mode !== 'sse') states[pair] = seq <= slot.ackedThrough ? PairState.Acked : PairState.Pending;
      else if ((slot.stream && seq >= slot.streamFromSeq) || seq >= oldest) states[pair] = PairState.Pending;
      else states[pair] = PairState.Abandoned;
    }
    return states;
  }
}

function sseFrame(seq: number, body: string): string {
  return `id: ${seq}\ndata: ${body}\n\n`;
}
