import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/metrics/recorder.js';
import { DashboardOutput } from '../../src/report/dashboard/dashboard-output.js';
import type { LiveLevels } from '../../src/outputs/live-output.js';

const IDENTITY = { testid: 't', scenario: 's', shard: 0 };
const point = (second: number, sent: number) => ({ second, counts: { 'webhook.sent': sent, 'webhook.errors.5xx': 1 }, p50Us: { 'webhook.latency': 900 }, p99Us: { 'webhook.latency': 4_000 }, gauges: {} });

/** Reads an SSE stream until `events` events arrived (or 3 s passed); returns them parsed. */
function readEvents(url: string, events: number, lastEventId?: string): Promise<Array<{ id: string; event: string; data: unknown }>> {
  return new Promise((resolve, reject) => {
    const got: Array<{ id: string; event: string; data: unknown }> = [];
    const req = request(url, { headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {} }, (response) => {
      expect(response.headers['content-type']).toBe('text/event-stream');
      let buffer = '';
      const timer = setTimeout(() => done(), 3_000);
      const done = (): void => {
        clearTimeout(timer);
        req.destroy();
        resolve(got);
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
          if (fields.event) got.push({ id: fields.id!, event: fields.event, data: JSON.parse(fields.data!) });
          if (got.length >= events) return done();
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('the live dashboard server (real HTTP on 127.0.0.1:0)', () => {
  it('replays the history to a late joiner, resumes after Last-Event-ID, resets when second 0 restarts, and serves the report at the end', async () => {
    const dashboard = await DashboardOutput.listen(0, 'live <test>');
    const recorder = new Recorder();
    cleanups.push(async () => {
      recorder.close();
      await dashboard.close();
    });
    let levels: LiveLevels | undefined = { elapsedUs: 0, totalUs: 1, sentPerSec: 50, p99Us: 4_000, errors: 1, inFlight: 3, openConnections: 7 };
    dashboard.start({ recorder, levels: () => levels }, IDENTITY);
    const page = await fetch(dashboard.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html.includes('live &lt;test&gt;')).toBe(true);
    expect(/connect-src (&#39;|')self/.test(html)).toBe(true); // the page may reach its own origin (SSE, report) and nothing else
    expect((await fetch(`${dashboard.url}report.html`)).status).toBe(404);
    expect((await fetch(dashboard.url, { method: 'POST' })).status).toBe(405);

    dashboard.onSecond(point(0, 10));
    dashboard.onSecond(point(1, 20));
    const late = await readEvents(`${dashboard.url}events`, 2);
    expect(late.map((event) => event.event)).toEqual(['point', 'point']);
    expect(late[1]!.data).toEqual({
      second: 1,
      sentPerSec: 50,
      inFlight: 3,
      openConnections: 7,
      p50Us: { 'webhook.latency': 900 },
      p99Us: { 'webhook.latency': 4_000 },
      counts: { 'webhook.sent': 20, 'webhook.errors.5xx': 1 },
    });
    levels = undefined;
    dashboard.onSecond(point(2, 30));
    const resumed = await readEvents(`${dashboard.url}events`, 1, late[1]!.id);
    expect(resumed.map((event) => (event.data as { second: number }).second)).toEqual([2]);

    // The measured schedule starts: second 0 again; the history before it is dropped.
    dashboard.onSecond(point(0, 40));
    const afterReset = await readEvents(`${dashboard.url}events`, 2);
    expect(afterReset.map((event) => event.event)).toEqual(['reset', 'point']);
    expect((afterReset[1]!.data as { counts: Record<string, number> }).counts['webhook.sent']).toBe(40);

    const dir = await mkdtemp(join(tmpdir(), 'pushbench-dashboard-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'report.html'), '<!DOCTYPE html><title>report</title>');
    dashboard.ended(join(dir, 'report.html'));
    const end = await readEvents(`${dashboard.url}events`, 3);
    expect(end[2]).toMatchObject({ event: 'end', data: { reportUrl: '/report.html', reportPath: join(dir, 'report.html') } });
    expect(await (await fetch(`${dashboard.url}report.html`)).text()).toContain('<title>report</title>');
  });
});
