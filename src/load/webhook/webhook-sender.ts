import { nowUs } from '../../metrics/clock.js';
import type { CounterHandle, MetricHandle, Recorder } from '../../metrics/recorder.js';
import type { StatusRange } from '../../scenario/request-schema.js';
import type { Endpoint } from './endpoint.js';
import { classifyStatus } from './error-class.js';
import { HttpPool, type HttpOutcome } from './http-pool.js';
import { HeaderValueError, type RequestBuilder } from './request-builder.js';

export interface WebhookSenderOptions {
  endpoint: Endpoint;
  /** Most sockets open at once; requests beyond them wait in a FIFO queue. */
  maxConnections: number;
  /** A request not answered this long after its intended start is a timeout (queued or sent). */
  timeoutUs: number;
  requests: RequestBuilder;
  /** Status codes that count as success. */
  expectStatus: readonly StatusRange[];
  /** A target name (`webhook.targets`): its samples also go to `webhook.<name>.*` beside the totals. */
  name?: string | undefined;
  recorder: Recorder;
  /** Called each time a request settles (answered, failed, timed out). */
  onSettled?: () => void;
  /** Per-event observer (the pipeline's correlation ledger). */
  events?: WebhookEventHooks | undefined;
}

/** Sees each event's request as written and how it settled (`errorClass` undefined: accepted). */
export interface WebhookEventHooks {
  written(seq: number, intendedUs: number, request: string): void;
  settled(seq: number, intendedUs: number, latencyUs: number | undefined, errorClass: string | undefined): void;
}

const QUEUE_SWEEP_INTERVAL_MS = 100;

/** A status outside `expectStatus` as a cause: `HTTP 503: <first bytes of the body>`. */
export function statusCause(status: number, bodyHead: string | undefined): string {
  return bodyHead ? `HTTP ${status}: ${Buffer.from(bodyHead, 'latin1').toString('utf8')}` : `HTTP ${status}`;
}

/**
 * Sends signed webhook events over an HttpPool, and records what happened. Every request ends in
 * exactly one counter: `webhook.ok`, `webhook.errors.<class>`, or `webhook.unfinished` (cut off by
 * a cancelled drain), so sent = ok + errors + unfinished. Latency (`webhook.latency`) is recorded
 * for every response, from the request's intended start, so time spent queued for a socket counts.
 */
export class WebhookSender {
  private readonly pool: HttpPool;
  private queueSeq: number[] = [];
  private queueIntendedUs: number[] = [];
  private queueHead = 0;
  private readonly queueSweeper: NodeJS.Timeout;
  private idleWaiter: (() => void) | undefined;
  private recorder!: Recorder;
  private latency!: MetricHandle;
  private okCounter!: CounterHandle;
  private bytesCounter!: CounterHandle;
  private queuedCounter!: CounterHandle;
  private exhaustedCounter!: CounterHandle;
  private targetLatency: MetricHandle | undefined;
  private targetOk: CounterHandle | undefined;

  constructor(private readonly options: WebhookSenderOptions) {
    const { endpoint } = options;
    this.useRecorder(options.recorder);
    this.pool = new HttpPool({
      endpoint,
      maxConnections: options.maxConnections,
      timeoutUs: options.timeoutUs,
      onOutcome: (seq, outcome, intendedUs) => this.settle(seq, outcome, intendedUs),
      onConnected: () => this.pump(),
      onSocketsChanged: (open, opened) => {
        if (opened) this.recorder.count('webhook.connections.opened');
        this.recorder.gauge('webhook.connections.open', open);
      },
    });
    this.queueSweeper = setInterval(() => this.expireQueued(), QUEUE_SWEEP_INTERVAL_MS);
    this.queueSweeper.unref();
  }

  /** From now on, samples go to `recorder`; returns the one used until now (a warm-up's throwaway). */
  useRecorder(recorder: Recorder): Recorder {
    const previous = this.recorder;
    this.recorder = recorder;
    this.latency = recorder.metric('webhook.latency');
    recorder.counterHandle('webhook.sent'); // present (0) in every result, though sends count through countAt
    this.okCounter = recorder.counterHandle('webhook.ok');
    this.bytesCounter = recorder.counterHandle('webhook.bytesSent');
    this.queuedCounter = recorder.counterHandle('webhook.queued');
    this.exhaustedCounter = recorder.counterHandle('webhook.payload.exhausted');
    const { name } = this.options;
    this.targetLatency = name === undefined ? undefined : recorder.metric(`webhook.${name}.latency`);
    this.targetOk = name === undefined ? undefined : recorder.counterHandle(`webhook.${name}.ok`);
    return previous;
  }

  /** Requests sent or queued and not yet settled. */
  get inFlight(): number {
    return this.pool.inFlight + this.queueLength;
  }

  get openConnections(): number {
    return this.pool.openSockets;
  }

  /** Opens up to `count` connections ahead of the load and waits (at most `maxWaitMs`) until they are connected. */
  warmUp(count: number, maxWaitMs: number): Promise<void> {
    return this.pool.warm(count, maxWaitMs);
  }

  /** Starts request `seq` now (or as soon as a socket is free); its latency counts from `intendedUs`. */
  submit(seq: number, intendedUs: number): void {
    if (!this.options.requests.has(seq)) {
      this.exhaustedCounter.add();
      return;
    }
    this.recorder.countAt('webhook.sent', intendedUs);
    if (this.queueLength === 0 && this.pool.canStart()) this.write(seq, intendedUs);
    else {
      this.queueSeq.push(seq);
      this.queueIntendedUs.push(intendedUs);
      this.queuedCounter.add();
    }
  }

  /** Resolves when nothing is in flight, or after `maxWaitMs`; unlike drain() the sender stays usable. */
  whenIdle(maxWaitMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.idleWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(finish, maxWaitMs);
      this.idleWaiter = finish;
    });
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
    clearInterval(this.queueSweeper);
    const unfinished = this.queueLength + this.pool.close();
    if (unfinished > 0) this.recorder.count('webhook.unfinished', unfinished);
    this.queueSeq = [];
    this.queueIntendedUs = [];
    this.queueHead = 0;
  }

  private get queueLength(): number {
    return this.queueSeq.length - this.queueHead;
  }

  private write(seq: number, intendedUs: number): void {
    let request: string;
    try {
      request = this.options.requests.build(seq, intendedUs);
    } catch (error) {
      if (!(error instanceof HeaderValueError)) throw error;
      // Never sent: an error of its own class, not a latency. Settled on the next turn, so a closed
      // model whose every row is bad still yields to its timers instead of recursing.
      this.countError('badHeader', `header ${error.header} holds a CR or LF (a value from a row): not sent`);
      setImmediate(() => this.settled());
      return;
    }
    this.bytesCounter.add(request.length);
    this.options.events?.written(seq, intendedUs, request);
    this.pool.start(seq, request, intendedUs);
  }

  private settle(seq: number, outcome: HttpOutcome, intendedUs: number): void {
    if (outcome.kind === 'response') {
      const latencyUs = nowUs() - intendedUs;
      this.latency.record(latencyUs);
      this.targetLatency?.record(latencyUs);
      const errorClass = classifyStatus(outcome.status, this.options.expectStatus);
      if (errorClass) this.countError(errorClass, statusCause(outcome.status, outcome.bodyHead));
      else {
        this.okCounter.add();
        this.targetOk?.add();
      }
      this.options.events?.settled(seq, intendedUs, latencyUs, errorClass);
    } else {
      this.countError(outcome.errorClass, outcome.cause ?? outcome.errorClass);
      this.options.events?.settled(seq, intendedUs, undefined, outcome.errorClass);
    }
    this.pump();
    this.settled();
  }

  private countError(errorClass: string, cause: string, count = 1): void {
    this.recorder.count(`webhook.errors.${errorClass}`, count);
    this.recorder.cause(`webhook.errors.${errorClass}`, cause, count);
    if (this.options.name !== undefined) this.recorder.count(`webhook.${this.options.name}.errors.${errorClass}`, count);
  }

  /** Starts queued requests while the pool has room. */
  private pump(): void {
    while (this.queueLength > 0 && this.pool.canStart()) {
      const seq = this.queueSeq[this.queueHead]!;
      const intendedUs = this.queueIntendedUs[this.queueHead]!;
      this.dequeue();
      this.write(seq, intendedUs);
    }
  }

  private settled(): void {
    this.options.onSettled?.();
    if (this.idleWaiter && this.inFlight === 0) this.idleWaiter();
  }

  private dequeue(): void {
    this.queueHead++;
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queueSeq.length) {
      this.queueSeq = this.queueSeq.slice(this.queueHead);
      this.queueIntendedUs = this.queueIntendedUs.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  /** A queued request whose timeout passed before a socket was free is a timeout, never sent. */
  private expireQueued(): void {
    const deadlineUs = nowUs() - this.options.timeoutUs;
    let expired = 0;
    while (this.queueLength > 0 && this.queueIntendedUs[this.queueHead]! < deadlineUs) {
      this.options.events?.settled(this.queueSeq[this.queueHead]!, this.queueIntendedUs[this.queueHead]!, undefined, 'timeout');
      this.dequeue();
      expired++;
    }
    if (expired === 0) return;
    this.countError('timeout', `queued for a socket longer than the ${this.options.timeoutUs / 1e6}s timeout (every socket busy)`, expired);
    for (let i = 0; i < expired; i++) this.settled();
  }
}
