import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { nowUs, sleepMs } from '../metrics/clock.js';
import type { Recorder } from '../metrics/recorder.js';
import { EventStreamParser } from '../load/sse/event-stream-parser.js';
import { fieldAt, matchesSubset } from '../load/websocket/json-match.js';
import type { PipelineSseSubscribersConfig } from '../scenario/pipeline-schema.js';
import { tlsConnectOptions, type TlsConnectOptions } from '../scenario/tls-schema.js';
import type { PipelineLedger } from './ledger.js';
import type { PipelineSubscribers } from './subscribers.js';

export interface SseSubscribersOptions {
  config: PipelineSseSubscribersConfig;
  /** The http(s) URL of the event stream (the built-in backend's when `target: builtin`). */
  url: string;
  correlatePath: readonly string[];
  ledger: PipelineLedger;
  recorder: Recorder;
}

/** One stream: the last event id (it survives reconnects) and its current request. */
interface Stream {
  index: number;
  lastEventId: string;
  request: ClientRequest | undefined;
  ready: boolean;
}

/**
 * The pipeline's SSE subscribers, in this process: each opens a GET stream; a `200
 * text/event-stream` response makes it held from that instant; every event (parsed by the WHATWG
 * rules) whose type and data match is a push whose correlation value goes to the ledger. A stream
 * that ends is opened again after `reconnect`, with Last-Event-ID, and is not held meanwhile.
 */
export class SseSubscribers implements PipelineSubscribers {
  private readonly streams: Stream[];
  private readonly url: URL;
  /** https://: the scenario's `tls` (PEM text read at load). */
  private readonly tls: TlsConnectOptions | undefined;
  private closing = false;

  constructor(private readonly options: SseSubscribersOptions) {
    this.tls = tlsConnectOptions(options.config.tls);
    this.url = new URL(options.url);
    for (const [name, value] of Object.entries(options.config.connect.query)) this.url.searchParams.set(name, value);
    this.streams = Array.from({ length: options.config.connections }, (_unused, index) => ({ index, lastEventId: '', request: undefined, ready: false }));
  }

  async connectAll(signal?: AbortSignal): Promise<void> {
    const gapMs = 1000 / this.options.config.connectRatePerSec;
    const started: Promise<void>[] = [];
    let firstError: Error | undefined;
    for (const stream of this.streams) {
      if (signal?.aborted || firstError) break;
      started.push(this.connect(stream).catch((error: unknown) => void (firstError ??= error as Error)));
      if (gapMs >= 1) await sleepMs(gapMs, signal);
    }
    await Promise.all(started);
    if (firstError) throw firstError;
  }

  close(): void {
    this.closing = true;
    for (const stream of this.streams) stream.request?.destroy();
  }

  private connect(stream: Stream): Promise<void> {
    const timeoutMs = this.options.config.connectTimeoutUs / 1000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.request?.destroy();
        reject(new Error(`stream ${stream.index} (${this.url.href}): no event-stream response within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.open(
        stream,
        () => {
          clearTimeout(timer);
          resolve();
        },
        (reason) => {
          clearTimeout(timer);
          reject(new Error(`stream ${stream.index} (${this.url.href}): ${reason}`));
        },
      );
    });
  }

  /** Opens (or reopens) one stream; `ready` at its event-stream headers, `fail` when it never gets there. */
  private open(stream: Stream, ready: () => void, fail: (reason: string) => void): void {
    const { config, ledger, recorder, correlatePath } = this.options;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...config.connect.headers };
    if (stream.lastEventId !== '') headers['last-event-id'] = stream.lastEventId;
    let settled = false;
    const once = (reason: string): void => {
      if (settled) return;
      settled = true;
      fail(reason);
    };
    const request = this.url.protocol === 'https:' ? httpsRequest(this.url, { method: 'GET', headers, ...this.tls }) : httpRequest(this.url, { method: 'GET', headers });
    stream.request = request;
    request.on('error', (error: Error) => once(error.message));
    request.on('response', (response: IncomingMessage) => {
      const type = String(response.headers['content-type'] ?? '');
      if (response.statusCode !== 200 || !type.startsWith('text/event-stream')) {
        response.resume();
        request.destroy();
        once(`answered ${response.statusCode} ${type || '(no content-type)'}, not 200 text/event-stream`);
        return;
      }
      settled = true;
      stream.ready = true;
      ledger.subscriberReady(stream.index, nowUs());
      recorder.count('pipeline.subscribers.connected');
      ready();
      const parser = new EventStreamParser({
        onEvent: (eventType, data, lastEventId) => {
          const receivedUs = nowUs();
          stream.lastEventId = lastEventId;
          if (config.event !== undefined && eventType !== config.event) return;
          let json: unknown;
          try {
            json = JSON.parse(data);
          } catch {
            json = undefined;
          }
          if (config.match !== undefined && !matchesSubset(config.match, json)) return;
          const value = fieldAt(json, correlatePath);
          ledger.received(stream.index, typeof value === 'string' || typeof value === 'number' ? String(value) : undefined, receivedUs);
        },
        onRetry: () => undefined,
      });
      parser.lastEventId = stream.lastEventId;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (!parser.feed(chunk)) request.destroy();
      });
      response.on('close', () => this.dropped(stream, request));
    });
    request.end();
  }

  private dropped(stream: Stream, request: ClientRequest): void {
    if (stream.request !== request || !stream.ready) return;
    stream.ready = false;
    this.options.ledger.subscriberDropped(stream.index, nowUs());
    if (this.closing) return;
    this.options.recorder.count('pipeline.subscribers.dropped');
    this.reopen(stream);
  }

  private reopen(stream: Stream): void {
    setTimeout(() => {
      if (this.closing) return;
      this.open(stream, () => undefined, () => this.reopen(stream));
    }, this.options.config.reconnectUs / 1000).unref();
  }
}
