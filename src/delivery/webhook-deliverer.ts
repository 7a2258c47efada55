import type { LiveWindow } from './live-window.js';
import { CauseBook, type Causes } from '../metrics/causes.js';
import { nowUs } from '../metrics/clock.js';
import { createHistogram, encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.js';
import { mulberry32 } from '../template/render.js';
import type { Endpoint } from '../load/webhook/endpoint.js';
import { BodySource } from '../load/webhook/body-source.js';
import { RequestBuilder } from '../load/webhook/request-builder.js';
import type { SigningConfig } from '../scenario/signing-schema.js';
import { DueQueue } from './due-queue.js';
import { PairState } from './pair-state.js';
import { judgeAttempt, type AttemptOutcome, type RetryPolicy } from './retry-schedule.js';
import type { EventStream } from './stream.js';
import { HttpPool } from '../load/webhook/http-pool.js';
import { TurnBudget } from '../process/turn-budget.js';
import { classifyStatus } from '../load/webhook/error-class.js';
import { statusCause } from '../load/webhook/webhook-sender.js';

/**
 * The backlog (deliveries ready but waiting for a free in-flight slot) may reach this many times
 * `maxInFlight` before the run is aborted: past it the sender, not the receivers, sets the latency.
 * maxInFlight itself should exceed Little's law (rate x subscribers x response time).
 */
export const BACKLOG_LIMIT_FACTOR = 10;
const RETRY_TICK_MS = 5;
/**
 * Attempts one turn of the loop may start. A retry wave after an outage releases up to maxInFlight
 * at once; started in one turn (signing, a socket each) they held the loop for tens of ms and made
 * the stream's own sends late.
 */
const ATTEMPTS_PER_TURN = 64;
/** Sockets opened and connected before the stream starts, so its first events find them ready. */
const WARM_SOCKETS = 16;
const WARM_MAX_MS = 2_000;
/** Failed attempts (any non-2xx answer, or no answer) count as `delivery.webhook.errors.<class>`, classed as `webhook.errors.*`. */
export const DELIVERY_WEBHOOK_ERRORS = 'delivery.webhook.errors.';

export interface WebhookDelivererOptions {
  stream: EventStream;
  /** The receivers' host:port; subscriber i's endpoint is `/sub/<i>`. */
  endpoint: Endpoint;
  /** How requests are signed (Standard Webhooks with the scenario's secret); unsigned when absent. */
  signing: SigningConfig | undefined;
  maxInFlight: number;
  timeoutUs: number;
  retry: RetryPolicy;
  seed: number;
  /** Called once when the backlog passes its limit; the caller aborts the phase. */
  onBacklogExceeded: (reason: string) => void;
  /** Called from I/O callbacks (a response, a failure, a connect): the stream's pacer may send what fell due meanwhile. */
  onIo?: () => void;
}

/** What the sending side of the webhook transport reports at the cut-off. */
export interface WebhookSenderReport {
  states: Uint8Array;
  attempts: number;
  /** t1 - t0 of each pair's first attempt, µs, HdrHistogram base64. */
  sendDelayHdr: string;
  bytesOnWire: number;
  peakSockets: number;
  disabledEndpoints: number;
  /** Failed attempts by counter (`delivery.webhook.errors.<class>`), and each counter's first few distinct causes. */
  errors: Record<string, number>;
  causes: Causes;
}

/**
 * Delivers every event to every subscriber endpoint at least once: the first attempt at the event's
 * scheduled time (or as soon as an in-flight slot frees), then retries on the Standard Webhooks
 * schedule until a 2xx, a 410 (endpoint disabled) or `maxAttempts`. Keeps one state byte per pair.
 */
export class WebhookDeliverer {
  private readonly states: Uint8Array;
  private readonly attemptsByPair: Uint8Array;
  private readonly disabled: Uint8Array;
  private readonly pool: HttpPool;
  private readonly retries = new DueQueue();
  private ready: number[] = [];
  private readyHead = 0;
  private readonly random: () => number;
  private readonly sendDelay: Histogram = createHistogram();
  /** One request builder per subscriber endpoint (`/sub/<i>`); they share the stream's bodies. */
  private readonly requests: RequestBuilder[];
  private readonly backlogLimit: number;
  private readonly ticker: NodeJS.Timeout;
  private attempts = 0;
  private readonly errors: Record<string, number> = {};
  private readonly causes = new CauseBook();
  private pendingCount = 0;
  private frozen = false;
  /** Attempts per turn of the loop: every I/O callback pumps, so the cap must hold across calls, not per call. */
  private readonly turn = new TurnBudget(ATTEMPTS_PER_TURN, () => this.pump());
  private backlogReported = false;
  private settledWaiter: (() => void) | undefined;
  /** t0 of event 0 (monotonic µs), set by `startAt`. */
  private startUs = 0;

  constructor(private readonly options: WebhookDelivererOptions) {
    const { stream, endpoint } = options;
    this.states = new Uint8Array(stream.pairs);
    this.attemptsByPair = new Uint8Array(stream.pairs);
    this.disabled = new Uint8Array(stream.subscribers);
    this.random = mulberry32(options.seed ^ 0x7e7e7);
    this.backlogLimit = BACKLOG_LIMIT_FACTOR * options.maxInFlight;
    const bodies = new BodySource({ order: 'sequential', sizeBytes: stream.spec.sizeBytes, rows: undefined }, stream.spec.seed);
    this.requests = Array.from(
      { length: stream.subscribers },
      (_, index) =>
        new RequestBuilder({ method: 'POST', endpoint: { ...endpoint, path: `/sub/${index}` }, headers: [], signing: options.signing, bodies, seed: stream.spec.seed }),
    );
    this.pool = new HttpPool({
      endpoint,
      maxConnections: options.maxInFlight,
      timeoutUs: options.timeoutUs,
      onOutcome: (pair, outcome) => {
        this.settle(pair, outcome);
        options.onIo?.();
      },
      onConnected: () => {
        this.pump();
        options.onIo?.();
      },
    });
    this.ticker = setInterval(() => this.releaseDueRetries(), RETRY_TICK_MS);
    this.ticker.unref();
  }

  /** Opens a few sockets to the receivers ahead of the stream (waits at most WARM_MAX_MS). */
  warm(): Promise<void> {
    return this.pool.warm(WARM_SOCKETS, WARM_MAX_MS);
  }

  /** The stream's event 0 is due at `startUs` (monotonic µs); call before the first `publish`. */
  startAt(startUs: number): void {
    this.startUs = startUs;
  }

  /** Set to watch acknowledged deliveries live (t2 - t0: the 2xx, not the receipt; progress line and dashboard only). */
  live: LiveWindow | undefined;

  private scheduledUsOf(pair: number): number {
    const { stream } = this.options;
    return stream.scheduledUs(Math.floor(pair / stream.subscribers), this.startUs);
  }

  /** Pairs not yet delivered, given up or abandoned. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Attempts so far, first tries and retries. */
  get attemptsMade(): number {
    return this.attempts;
  }

  get openSockets(): number {
    return this.pool.openSockets;
  }

  /** Event `seq` is due: one delivery per subscriber. */
  publish(seq: number): void {
    const { subscribers } = this.options.stream;
    for (let subscriber = 0; subscriber < subscribers; subscriber++) {
      const pair = seq * subscribers + subscriber;
      if (this.disabled[subscriber]) {
        this.states[pair] = PairState.Abandoned;
        continue;
      }
      this.states[pair] = PairState.Pending;
      this.pendingCount++;
      this.ready.push(pair);
    }
    this.pump();
    const backlog = this.ready.length - this.readyHead;
    if (backlog > this.backlogLimit && !this.backlogReported) {
      this.backlogReported = true;
      this.options.onBacklogExceeded(
        `webhook backlog of ${backlog} deliveries waiting for a free slot passed ${BACKLOG_LIMIT_FACTOR} x maxInFlight (${this.options.maxInFlight}): the receivers cannot keep up with the stream`,
      );
    }
  }

  /** Resolves when nothing is pending, or `maxWaitMs` has passed, or `signal` aborts. */
  settled(maxWaitMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.pendingCount === 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.settledWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(finish, maxWaitMs);
      signal?.addEventListener('abort', finish, { once: true });
      this.settledWaiter = finish;
    });
  }

  /** The cut-off: stops sending, destroys every socket, and reports each pair's state as of now. */
  cutOff(): WebhookSenderReport {
    this.frozen = true;
    clearInterval(this.ticker);
    this.pool.close();
    this.retries.clear();
    this.ready = [];
    this.readyHead = 0;
    return {
      states: this.states.slice(),
      attempts: this.attempts,
      sendDelayHdr: encodeHistogram(this.sendDelay),
      bytesOnWire: this.pool.bytesOnWire,
      peakSockets: this.pool.peakSockets,
      disabledEndpoints: this.disabled.reduce((sum, flag) => sum + flag, 0),
      errors: { ...this.errors },
      causes: this.causes.toJSON(),
    };
  }

  /** Starts ready attempts while the pool has room and this turn's budget lasts (the rest in a later turn). */
  private pump(): void {
    while (this.readyHead < this.ready.length && this.pool.canStart() && !this.frozen) {
      const pair = this.ready[this.readyHead]!;
      if (this.states[pair] !== PairState.Pending) {
        this.readyHead++;
        continue;
      }
      if (!this.turn.take()) break;
      this.readyHead++;
      this.attempt(pair);
    }
    if (this.readyHead > 4096 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }

  private attempt(pair: number): void {
    const { stream } = this.options;
    const seq = Math.floor(pair / stream.subscribers);
    const subscriber = pair - seq * stream.subscribers;
    const scheduledUs = stream.scheduledUs(seq, this.startUs);
    const request = this.requests[subscriber]!.build(seq, scheduledUs);
    this.attempts++;
    if (this.attemptsByPair[pair]!++ === 0) recordUs(this.sendDelay, nowUs() - scheduledUs);
    this.pool.start(pair, request);
  }

  private settle(pair: number, outcome: AttemptOutcome): void {
    this.noteFailure(outcome);
    const verdict = judgeAttempt(outcome, this.attemptsByPair[pair]!, this.options.retry, this.random);
    const wasPending = this.states[pair] === PairState.Pending;
    switch (verdict.kind) {
      case 'delivered':
        // A 2xx is the truth even for a pair given up meanwhile (its endpoint was disabled).
        if (wasPending) this.pendingCount--;
        if (this.live && this.states[pair] !== PairState.Acked) this.live.record(nowUs() - this.scheduledUsOf(pair));
        this.states[pair] = PairState.Acked;
        break;
      case 'retry':
        if (wasPending) this.retries.push(nowUs() + verdict.delayUs, pair);
        break;
      case 'give-up':
        if (wasPending) this.abandon(pair);
        break;
      case 'disable-endpoint':
        this.disableEndpoint(pair % this.options.stream.subscribers);
        break;
    }
    this.pump();
    if (this.pendingCount === 0) this.settledWaiter?.();
  }

  /** A failed attempt: its class counter and its cause (status and body head, or the OS's message). */
  private noteFailure(outcome: AttemptOutcome): void {
    let counter: string;
    let cause: string;
    if (outcome.kind === 'response') {
      const errorClass = classifyStatus(outcome.status);
      if (errorClass === undefined) return;
      counter = DELIVERY_WEBHOOK_ERRORS + errorClass;
      cause = statusCause(outcome.status, outcome.bodyHead);
    } else {
      counter = DELIVERY_WEBHOOK_ERRORS + outcome.errorClass;
      cause = outcome.cause ?? outcome.errorClass;
    }
    this.errors[counter] = (this.errors[counter] ?? 0) + 1;
    this.causes.note(counter, cause);
  }

  private abandon(pair: number): void {
    this.states[pair] = PairState.Abandoned;
    this.pendingCount--;
  }

  /** 410 Gone: every pending delivery to this endpoint is given up, and later events are not sent to it. */
  private disableEndpoint(subscriber: number): void {
    if (this.disabled[subscriber]) return;
    this.disabled[subscriber] = 1;
    const { subscribers } = this.options.stream;
    for (let pair = subscriber; pair < this.states.length; pair += subscribers) {
      if (this.states[pair] === PairState.Pending) this.abandon(pair);
    }
  }

  private releaseDueRetries(): void {
    const now = nowUs();
    for (let pair = this.retries.popDue(now); pair >= 0; pair = this.retries.popDue(now)) {
      if (this.states[pair] === PairState.Pending) this.ready.push(pair);
    }
    this.pump();
  }
}
