import WebSocket from 'ws';
import { nowUs, sleepMs } from '../metrics/clock.js';
import type { Recorder } from '../metrics/recorder.js';
import { fieldAt, matchesSubset } from '../load/websocket/json-match.js';
import { protocolAdapter } from '../load/websocket/protocols/registry.js';
import type { AdapterConnection, Incoming, WsProtocolAdapter } from '../load/websocket/protocols/protocol.js';
import type { PipelineSubscribersConfig } from '../scenario/pipeline-schema.js';
import { tlsConnectOptions, type TlsConnectOptions } from '../scenario/tls-schema.js';
import type { PipelineLedger } from './ledger.js';
import type { PipelineSubscribers } from './subscribers.js';

/** One subscriber: its socket and the adapter's per-connection state. */
class Subscriber implements AdapterConnection {
  readonly namespace = '/';
  protocolPhase = 0;
  nextAckId = 0;
  protocolState: unknown = undefined;
  socket: WebSocket | undefined;
  ready = false;
  onReady: (() => void) | undefined;
  onFail: ((reason: string) => void) | undefined;

  constructor(readonly index: number) {}

  sendText(text: string): void {
    this.socket?.send(text);
  }
  sendBinary(data: Uint8Array): void {
    this.socket?.send(data);
  }
  protocolReady(): void {
    this.onReady?.();
  }
  fail(reason: string): void {
    this.onFail?.(reason);
    this.socket?.terminate();
  }
  protocolError(): void {}
  isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }
}

export interface WsSubscribersOptions {
  config: PipelineSubscribersConfig;
  /** The ws(s) URL (the built-in backend's when `target: builtin`). */
  url: string;
  correlatePath: readonly string[];
  ledger: PipelineLedger;
  recorder: Recorder;
}

/**
 * The pipeline's WebSocket subscribers, in this process: each connects, finishes the protocol
 * handshake and its `onOpen` steps (then it is held, from that instant), and hands every matching
 * push's correlation value to the ledger. A dropped subscriber is not held until it is ready again
 * after `reconnect`.
 */
export class WsSubscribers implements PipelineSubscribers {
  private readonly subscribers: Subscriber[];
  private readonly adapter: WsProtocolAdapter;
  private readonly url: string;
  /** wss://: the scenario's `tls` (PEM text read at load). */
  private readonly tls: TlsConnectOptions | undefined;
  private closing = false;

  constructor(private readonly options: WsSubscribersOptions) {
    this.tls = tlsConnectOptions(options.config.tls);
    this.adapter = protocolAdapter(options.config.protocol);
    const url = new URL(options.url);
    this.adapter.decorateUrl(url);
    for (const [name, value] of Object.entries(options.config.connect.query)) url.searchParams.set(name, value);
    this.url = url.href;
    this.subscribers = Array.from({ length: options.config.connections }, (_unused, index) => new Subscriber(index));
  }

  /** Connects every subscriber at `connectRate`; resolves when all are held, rejects with the first failure. */
  async connectAll(signal?: AbortSignal): Promise<void> {
    const gapMs = 1000 / this.options.config.connectRatePerSec;
    const started: Promise<void>[] = [];
    let firstError: Error | undefined;
    for (const subscriber of this.subscribers) {
      if (signal?.aborted || firstError) break;
      started.push(this.connect(subscriber).catch((error: unknown) => void (firstError ??= error as Error)));
      if (gapMs >= 1) await sleepMs(gapMs, signal);
    }
    await Promise.all(started);
    if (firstError) throw firstError;
  }

  /** Closes every subscriber (no reconnects from now on). */
  close(): void {
    this.closing = true;
    for (const subscriber of this.subscribers) subscriber.socket?.terminate();
  }

  private connect(subscriber: Subscriber): Promise<void> {
    const { config, ledger, recorder } = this.options;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(`not connected and through onOpen within ${config.connectTimeoutUs / 1000} ms`), config.connectTimeoutUs / 1000);
      timer.unref();
      const fail = (reason: string): void => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        subscriber.socket?.terminate();
        reject(new Error(`subscriber ${subscriber.index} (${this.url}): ${reason}`));
      };
      const ready = (): void => {
        clearTimeout(timer);
        for (const step of config.onOpen) {
          if ('send' in step) subscriber.sendText(this.adapter.frameSend(step.send));
          else subscriber.sendText(this.adapter.frameEmit(subscriber, step.emit.event, step.emit.data === undefined ? undefined : JSON.stringify(step.emit.data), undefined));
        }
        subscriber.ready = true;
        ledger.subscriberReady(subscriber.index, nowUs());
        recorder.count('pipeline.subscribers.connected');
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      this.open(subscriber, ready, fail);
    });
  }

  /** Opens (or reopens) one subscriber's socket. */
  private open(subscriber: Subscriber, ready: () => void, fail: (reason: string) => void): void {
    const { config, ledger, recorder, correlatePath } = this.options;
    subscriber.protocolPhase = 0;
    subscriber.protocolState = undefined;
    let failed = false;
    const failOnce = (reason: string): void => {
      if (failed) return;
      failed = true;
      fail(reason);
    };
    subscriber.onReady = ready;
    subscriber.onFail = failOnce;
    const socket = new WebSocket(this.url, [...(this.adapter.subprotocols ?? [])], { headers: config.connect.headers, perMessageDeflate: false, ...this.tls });
    subscriber.socket = socket;
    socket.on('open', () => this.adapter.opened(subscriber, {}));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const receivedUs = nowUs();
      if (isBinary) return;
      const incoming = this.adapter.receive(subscriber, data.toString('utf8'));
      if (!incoming || !subscriber.ready || !isPush(incoming, config)) return;
      const value = fieldAt(incoming.json, correlatePath);
      ledger.received(subscriber.index, typeof value === 'string' || typeof value === 'number' ? String(value) : undefined, receivedUs);
    });
    socket.on('error', (error: Error) => failOnce(error.message));
    socket.on('close', () => {
      if (subscriber.socket !== socket) return;
      if (!subscriber.ready) {
        failOnce('closed before it was ready');
        return;
      }
      subscriber.ready = false;
      ledger.subscriberDropped(subscriber.index, nowUs());
      if (this.closing) return;
      recorder.count('pipeline.subscribers.dropped');
      setTimeout(() => {
        if (!this.closing) this.open(subscriber, ready, () => this.retry(subscriber, ready));
      }, config.reconnectUs / 1000).unref();
    });
  }

  /** A reconnect that failed tries again after `reconnect` until the run closes. */
  private retry(subscriber: Subscriber, ready: () => void): void {
    if (this.closing) return;
    setTimeout(() => {
      if (!this.closing) this.open(subscriber, ready, () => this.retry(subscriber, ready));
    }, this.options.config.reconnectUs / 1000).unref();
  }
}

function isPush(incoming: Incoming, config: PipelineSubscribersConfig): boolean {
  if (incoming.ackId !== undefined) return false;
  if (config.event !== undefined && incoming.event !== config.event) return false;
  if (config.match !== undefined && !matchesSubset(config.match, incoming.json)) return false;
  return true;
}
