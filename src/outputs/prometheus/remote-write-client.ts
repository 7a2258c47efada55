import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** How one write ended after its retries. */
export interface WriteOutcome {
  ok: boolean;
  attempts: number;
  /** Why the last attempt failed: `HTTP 400: <body start>` or the socket error. */
  problem?: string;
}

export interface WriteOptions {
  timeoutMs: number;
  /** Attempts after the first, for 5xx, 429 and socket errors; other 4xx are final. */
  retries: number;
  /** The first retry waits this long; each later one twice as long. */
  backoffMs: number;
}

export const REMOTE_WRITE_HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'User-Agent': 'pushbench',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
} as const;

/** An endpoint as it may be shown: no credentials, no query string. */
export function shownUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * POSTs remote-write bodies to one endpoint over a keep-alive agent. Credentials in the URL
 * (`https://user:token@host/...`) become a Basic Authorization header and never appear in a message.
 */
export class RemoteWriteClient {
  private readonly target: URL;
  private readonly authorization: string | undefined;
  private readonly agent: HttpAgent;

  constructor(url: URL) {
    this.target = new URL(url);
    this.authorization =
      url.username || url.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
        : undefined;
    this.target.username = '';
    this.target.password = '';
    this.agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  /** The endpoint as it may be shown: no credentials, no query string. */
  get shownUrl(): string {
    return shownUrl(this.target);
  }

  /** Gives up (the attempt under way, the retries left) when `signal` aborts; the outcome's problem is then the abort's reason. */
  async write(body: Buffer, options: WriteOptions, signal?: AbortSignal): Promise<WriteOutcome> {
    let problem = '';
    for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
      if (signal?.aborted) return { ok: false, attempts: attempt - 1, problem: abortProblem(signal) };
      const answer = await this.post(body, options.timeoutMs, signal);
      if (signal?.aborted) return { ok: false, attempts: attempt, problem: abortProblem(signal) };
      if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) return { ok: true, attempts: attempt };
      problem = answer.status === undefined ? answer.problem : `HTTP ${answer.status}${answer.problem ? `: ${answer.problem}` : ''}`;
      const retryable = answer.status === undefined || answer.status === 429 || answer.status >= 500;
      if (!retryable || attempt > options.retries) return { ok: false, attempts: attempt, problem };
      await sleep(options.backoffMs * 2 ** (attempt - 1), undefined, signal ? { signal } : {}).catch(() => undefined);
    }
    return { ok: false, attempts: options.retries + 1, problem };
  }

  close(): void {
    this.agent.destroy();
  }

  private post(body: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<{ status?: number; problem: string }> {
    const send = this.target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = { ...REMOTE_WRITE_HEADERS, 'Content-Length': body.length };
      if (this.authorization) headers.Authorization = this.authorization;
      const request = send(this.target, { method: 'POST', headers, agent: this.agent, timeout: timeoutMs, ...(signal ? { signal } : {}) }, (response: IncomingMessage) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < 300) text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, problem: oneLine(text) }));
        response.on('error', (error) => resolve({ problem: error.message }));
        response.on('close', () => resolve({ problem: 'the connection closed before the answer ended' })); // after 'end', a no-op
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (error) => resolve({ problem: error.message }));
      request.end(body);
    });
  }
}

function abortProblem(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
