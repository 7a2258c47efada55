import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { InputError } from '../../errors.js';
import type { TimelinePoint } from '../../metrics/recorder.js';
import type { LiveOutput, LiveSource, RunIdentity } from '../../outputs/live-output.js';
import { renderDashboardPage } from './dashboard-page.js';
import { toDashboardPoint } from './dashboard-point.js';

export const DEFAULT_DASHBOARD_PORT = 5666;
const KEEPALIVE_MS = 15_000;
/** After the end event, how long the page gets to fetch report.html before the server closes. */
const REPORT_GRACE_MS = 3_000;

interface Entry {
  id: number;
  event: 'point' | 'reset' | 'end';
  data: string;
}

/**
 * `run --dashboard`: a page on 127.0.0.1 fed over SSE from the run itself. Every event is kept, so
 * a browser that opens the page late (or reconnects with Last-Event-ID) gets the history first.
 * Handlers only append and write: the run never waits on a browser.
 */
export class DashboardOutput implements LiveOutput {
  readonly name = 'dashboard';
  private readonly history: Entry[] = [];
  private readonly clients = new Set<ServerResponse>();
  private nextId = 1;
  private source: LiveSource | undefined;
  private lastSecond = -1;
  private page = '';
  private reportPath: string | undefined;
  private reportFetched = false;
  private readonly keepalive: NodeJS.Timeout;

  private constructor(private readonly server: Server) {
    this.keepalive = setInterval(() => {
      for (const client of this.clients) client.write(': keepalive\n\n');
    }, KEEPALIVE_MS).unref();
  }

  /** Listens on 127.0.0.1:`port` (0: a free port). A port in use is bad input (exit 2). */
  static async listen(port: number, scenario: string): Promise<DashboardOutput> {
    const server = createServer();
    const dashboard = new DashboardOutput(server);
    dashboard.page = renderDashboardPage(scenario);
    server.on('request', (request, response) => dashboard.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new InputError(`--dashboard: port ${port} on 127.0.0.1 is in use; give another port, or 0 for any free one`) : error),
      );
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return dashboard;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  start(source: LiveSource, _identity: RunIdentity): void {
    this.source = source;
    if (this.lastSecond >= 0) this.reset(); // a new trial of --repeat
  }

  onSecond(point: TimelinePoint): void {
    if (point.second <= this.lastSecond) this.reset(); // the recorder restarted its clock at the measured start
    this.lastSecond = point.second;
    this.append('point', toDashboardPoint(point, this.source?.levels()));
  }

  async finish(): Promise<void> {}

  counters(): Record<string, number> {
    return {};
  }

  warnings(): string[] {
    return [];
  }

  /** The run is over and its report written (or not): tells every page, present and late, where it is. */
  ended(reportPath: string | undefined): void {
    this.reportPath = reportPath;
    this.append('end', reportPath ? { reportUrl: '/report.html', reportPath } : {});
  }

  /** Closes the server, after giving open pages up to a few seconds to fetch the report. */
  async close(): Promise<void> {
    if (this.reportPath && this.clients.size > 0) {
      const deadline = Date.now() + REPORT_GRACE_MS;
      while (!this.reportFetched && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    clearInterval(this.keepalive);
    for (const client of this.clients) client.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private reset(): void {
    this.history.length = 0;
    this.lastSecond = -1;
    this.append('reset', {});
  }

  private append(event: Entry['event'], value: unknown): void {
    const entry: Entry = { id: this.nextId++, event, data: JSON.stringify(value) };
    this.history.push(entry);
    const text = format(entry);
    for (const client of this.clients) client.write(text);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405, { Allow: 'GET' }).end();
    } else if (path === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(this.page);
    } else if (path === '/events') {
      this.subscribe(request, response);
    } else if (path === '/report.html' && this.reportPath) {
      readFile(this.reportPath).then(
        (html) => {
          this.reportFetched = true;
          response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
        },
        () => response.writeHead(404).end(),
      );
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  }

  private subscribe(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    const after = Number(request.headers['last-event-id'] ?? 0);
    const resumeFrom = Number.isInteger(after) && after > 0 ? after : 0;
    let replay = 'retry: 1000\n\n';
    for (const entry of this.history) if (entry.id > resumeFrom) replay += format(entry);
    response.write(replay);
    this.clients.add(response);
    request.on('close', () => this.clients.delete(response));
  }
}

function format(entry: Entry): string {
  return `id: ${entry.id}\nevent: ${entry.event}\ndata: ${entry.data}\n\n`;
}
