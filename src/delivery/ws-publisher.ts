import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { nowUs } from '../metrics/clock.js';
import { createHistogram, encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import type { PaceFigures } from '../load/pace-figures.js';
import { runPacer } from '../load/pacer.js';
import { scheduleOutage, type OutageWindow } from './outage.js';
import { TurnBudget } from '../process/turn-budget.js';
import { PairState } from './pair-state.js';
import { EventStream, type StreamSpec } from './stream.js';

export interface WsPublisherOptions {
  stream: StreamSpec;
  /** websocket-ack: subscribers ack cumulatively; a reconnecting subscriber gets everything after its last ack. */
  ack: boolean;
  outage: OutageWindow | undefined;
}

/** What the sending side of a WebSocket transport reports at the cut-off. */
export interface WsPublisherReport {
  states: Uint8Array;
  /** t1 - t0 of each pair's first write, µs, HdrHistogram base64. */
  sendDelayHdr: string;
  dispatched: number;
  /** How the publisher kept the stream's schedule (absent when cut off before its pacer ended). */
  pace?: PaceFigures;
  /** Events written again from the log on a reconnect (websocket-ack). */
  replayed: number;
}

/** The control frame that follows the last event: everything before it on this connection has been written. */
export const END_OF_STREAM = 'end';
const SUBSCRIBER_PATH = /^\/sub\/(\d{1,6})$/;
const SLOT = Symbol('pushbench.publisherSlot');
const TEXT = { binary: false } as const;
/**
 * Replayed frames one turn of the loop may write, over all reconnecting subscribers. Ten subscribers
 * back from an outage are replayed thousands of events; written in one go they held the loop for
 * 10-16 ms and made the stream's own sends late.
 */
const REPLAY_FRAMES_PER_TURN = 256;

interface Slot {
  publisher: WsPublisher;
  index: number;
  socket: WebSocket | undefined;
  /** First seq published while the current connection was open (plain push: later writes are in flight at a cut-off). */
  firstSeqOnConnection: number;
  /** Highest seq the subscriber acknowledged (websocket-ack), -1 for none. */
  ackedThrough: number;
  /** websocket-ack: the next seq to replay on this connection, or -1 once it is caught up (live events go straight out). */
  replayFrom: number;
}

type SlotSocket = WebSocket & { [SLOT]: Slot };

const enum Written {
  No = 0,
  Yes = 1,
  Skipped = 2,
}

/**
 * The built-in WebSocket publisher: runs the seeded stream on its schedule from a shared start time
 * and pushes each event to every connected subscriber (`/sub/<i>`). Plain push skips subscribers
 * that are away; with acks, every event stays in an in-memory log (rebuilt from the seed) and a
 * reconnecting subscriber is replayed everything after its last ack. During the outage window the
 * publisher terminates every connection and stops listening, then listens again on the same port.
 */
export class WsPublisher {
  private readonly stream: EventStream;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  private readonly slots: Slot[];
  private readonly written: Uint8Array;
  private readonly sendDelay: Histogram = createHistogram();
  private readonly pacerAbort = new AbortController();
  private startUs = 0;
  private published = 0;
  private ended = false;
  private frozen = false;
  private port = 0;
  private replayed = 0;
  private pacer: { dispatched: number; pace?: PaceFigures } = { dispatched: 0 };
  private cancelOutage: () => void = () => undefined;
  /** Slots still being replayed, served round-robin a few frames per turn. */
  private replaying: Slot[] = [];
  private readonly replayBudget = new TurnBudget(REPLAY_FRAMES_PER_TURN, () => this.replayTurn());

  constructor(private readonly options: WsPublisherOptions) {
    this.stream = new EventStream(options.stream);
    this.slots = Array.from({ length: this.stream.subscribers }, (_, index) => ({ publisher: this, index, socket: undefined, firstSeqOnConnection: 0, ackedThrough: -1, replayFrom: -1 }));
    this.written = new Uint8Array(this.stream.pairs);
    this.http = createServer();
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
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
        for (const slot of this.slots) slot.socket?.terminate();
      },
      () => this.http.listen(this.port, '127.0.0.1'),
    );
    const outcome = await runPacer(this.stream.schedule, startUs, (seq, intendedUs) => this.publish(seq, intendedUs), this.pacerAbort.signal);
    this.pacer = { dispatched: outcome.dispatched, pace: outcome.pace };
    if (this.frozen) return;
    this.ended = true;
    for (const slot of this.slots) if (slot.socket?.readyState === WebSocket.OPEN && slot.replayFrom < 0) slot.socket.send(END_OF_STREAM);
  }

  /** The cut-off: stops publishing and replaying, closes everything, and reports each pair's state as of now. */
  stop(): WsPublisherReport {
    this.frozen = true;
    this.pacerAbort.abort();
    this.cancelOutage();
    const states = this.states();
    for (const slot of this.slots) slot.socket?.terminate();
    if (this.http.listening) this.http.close();
    return { states, sendDelayHdr: encodeHistogram(this.sendDelay), ...this.pacer, replayed: this.replayed };
  }

  /** @internal a subscriber acknowledged everything up to `seq`. */
  acked(slot: Slot, seq: number): void {
    if (seq > slot.ackedThrough && seq < this.published) slot.ackedThrough = seq;
  }

  /** @internal */
  closed(slot: Slot, socket: WebSocket): void {
    if (slot.socket === socket) slot.socket = undefined;
  }

  private publish(seq: number, intendedUs: number): void {
    const frame = Buffer.from(this.stream.factory.build(seq, intendedUs).body, 'latin1');
    const { subscribers } = this.stream;
    const now = nowUs();
    this.published = seq + 1;
    for (let index = 0; index < subscribers; index++) {
      const slot = this.slots[index]!;
      const socket = slot.socket;
      const pair = seq * subscribers + index;
      if (slot.replayFrom >= 0) continue; // its replay reaches this event in order
      if (socket?.readyState === WebSocket.OPEN) {
        socket.send(frame, TEXT);
        this.written[pair] = Written.Yes;
        recordUs(this.sendDelay, now - intendedUs);
      } else this.written[pair] = Written.Skipped;
    }
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const match = SUBSCRIBER_PATH.exec(request.url ?? '');
    const slot = match ? this.slots[Number(match[1])] : undefined;
    if (!slot || this.frozen) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.attach(slot, ws as SlotSocket));
  }

  private attach(slot: Slot, ws: SlotSocket): void {
    slot.socket?.terminate();
    slot.socket = ws;
    slot.firstSeqOnConnection = this.published;
    ws[SLOT] = slot;
    ws.on('close', onSubscriberClose);
    ws.on('error', onSubscriberError);
    if (this.options.ack) {
      ws.on('message', onSubscriberAck);
      if (slot.ackedThrough + 1 < this.published) return this.startReplay(slot);
    }
    if (this.ended) ws.send(END_OF_STREAM);
  }

  /** websocket-ack: the subscriber gets every published event after its last ack, in order, before any live one. */
  private startReplay(slot: Slot): void {
    if (slot.replayFrom < 0) this.replaying.push(slot);
    slot.replayFrom = slot.ackedThrough + 1;
    this.replayTurn();
  }

  /** Writes replayed events while this turn's budget lasts, a share to each slot in turn; a caught-up slot goes live. */
  private replayTurn(): void {
    if (this.frozen || this.replaying.length === 0) return;
    const { subscribers } = this.stream;
    const share = Math.max(1, Math.floor(REPLAY_FRAMES_PER_TURN / this.replaying.length));
    const now = nowUs();
    for (const slot of this.replaying) {
      const ws = slot.socket;
      if (ws?.readyState !== WebSocket.OPEN) {
        slot.replayFrom = -1; // gone again: its next connection starts a new replay from its last ack
        continue;
      }
      const end = Math.min(this.published, slot.replayFrom + share);
      let seq = slot.replayFrom;
      for (; seq < end && this.replayBudget.take(); seq++) {
        const pair = seq * subscribers + slot.index;
        ws.send(Buffer.from(this.stream.body(seq, this.startUs), 'latin1'), TEXT);
        this.replayed++;
        if (this.written[pair] !== Written.Yes) recordUs(this.sendDelay, now - this.stream.scheduledUs(seq, this.startUs));
        this.written[pair] = Written.Yes;
      }
      slot.replayFrom = seq;
      if (seq === this.published) {
        slot.replayFrom = -1;
        if (this.ended) ws.send(END_OF_STREAM);
      }
    }
    this.replaying = this.replaying.filter((slot) => slot.replayFrom >= 0);
  }

  private states(): Uint8Array {
    const { subscribers, pairs } = this.stream;
    const states = new Uint8Array(pairs);
    for (let pair = 0; pair < this.published * subscribers; pair++) {
      const slot = this.slots[pair % subscribers]!;
      const seq = Math.floor(pair / subscribers);
      if (this.options.ack) states[pair] = seq <= slot.ackedThrough ? PairState.Acked : PairState.Pending;
      else if (this.written[pair] === Written.Skipped) states[pair] = PairState.Skipped;
      else {
        const stillOpen = slot.socket?.readyState === WebSocket.OPEN && seq >= slot.firstSeqOnConnection;
        states[pair] = stillOpen ? PairState.Pending : PairState.Abandoned;
      }
    }
    return states;
  }
}

function onSubscriberAck(this: WebSocket, data: RawData): void {
  const slot = (this as SlotSocket)[SLOT];
  slot.publisher.acked(slot, Number(data.toString()));
}

function onSubscriberClose(this: WebSocket): void {
  const slot = (this as SlotSocket)[SLOT];
  slot.publisher.closed(slot, this);
}

function onSubscriberError(): void {
  // A dropped subscriber is expected (outage, cut-off); 'close' follows and does the bookkeeping.
}
