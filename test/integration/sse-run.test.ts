import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { pushbench } from '../helpers/cli.js';
import { closedPort, startServer } from '../helpers/servers.js';
import { scenarioFrom } from '../helpers/scenarios.js';

afterEach(() => {
  delete process.env.PUSHBENCH_WS_PER_PROCESS;
  expect(liveChildren()).toBe(0);
});

/** Reasons other than a client loop stalled by this shared 2-core box. */
function realReasons(reasons: string[]): string[] {
  return reasons.filter((reason) => !/event loop stalled/.test(reason));
}

describe('sse runs against the built-in SSE target (real child processes on 127.0.0.1:0)', () => {
  it('120 streams over 2 client shards and 2 servers, cut at dropAt, resumed from a history that holds the cut: 0 gaps, counts equal the servers\'', async () => {
    process.env.PUSHBENCH_WS_PER_PROCESS = '60';
    const result = await runScenario(
      scenarioFrom(`
name: sse-resume
sse:
  connections: 120
  connectRate: 600
  hold: 3s
  broadcast: { every: 200ms, sizeBytes: 150 }
  reconnect: { retry: 300ms }
  faults: { dropAt: 1100ms, history: 50 }
`),
    );
    const { counters, metrics, validity } = result;
    expect(counters['sse.connections.opened']).toBe(120);
    expect(counters['sse.connections.peak']).toBe(120);
    expect(counters['sse.server.streams.cut']).toBe(120);
    expect(counters['sse.connections.dropped']).toBe(120);
    expect(counters['sse.reconnects']).toBe(120);
    expect(counters['sse.resumed']).toBe(120);
    expect(counters['sse.server.resumed']).toBe(120);
    expect(counters['sse.server.streams.opened']).toBe(240);
    // Two servers send broadcasts k = 0 .. 13 (3 s hold, every 200 ms, the last half an interval before its end).
    expect(counters['sse.server.broadcasts']).toBe(2 * 14);
    expect(counters['sse.server.events.replayed']).toBeGreaterThan(0);
    expect(counters['sse.server.events.notReplayed'] ?? 0).toBe(0);
    expect(counters['sse.server.events.sent']).toBe(120 * 14);
    expect(counters['sse.events.received']).toBe(counters['sse.server.events.sent']);
    expect(counters['sse.push.gaps']).toBe(0);
    expect(counters['sse.push.duplicates']).toBe(0);
    expect(counters['sse.push.reordered']).toBe(0);
    expect(metrics['sse.connect']?.count).toBe(120);
    expect(metrics['sse.reconnect']?.count).toBe(120);
    expect(metrics['sse.push']?.count).toBe(120 * 14);
    // The shards' samples reached the timeline while the run went on (each tick's new samples).
    const livePushSeconds = result.timeline.filter((point) => point.p99Us['sse.push'] !== undefined);
    expect(livePushSeconds.length).toBeGreaterThanOrEqual(2);
    for (const point of livePushSeconds) expect(point.p99Us['sse.push']!).toBeLessThanOrEqual(metrics['sse.push']!.max);
    expect(validity.shards?.map((shard) => [shard.role, shard.connections])).toEqual([
      ['sse-client-0', 60],
      ['sse-client-1', 60],
      ['sse-server-0', 60],
      ['sse-server-1', 60],
    ]);
    expect(validity.clientBytesPerConnection).toBeGreaterThan(0);
    expect(realReasons(validity.reasons)).toEqual([]);
  }, 40_000);

  it('history 0: what a stream misses during the cut is lost, and its gaps equal the server\'s own count of events not replayed', async () => {
    const result = await runScenario(
      scenarioFrom(`
name: sse-lossy
sse:
  connections: 50
  connectRate: 500
  hold: 3s
  broadcast: { every: 100ms, sizeBytes: 100 }
  reconnect: { retry: 400ms }
  faults: { dropAt: 1s, history: 0 }
`),
    );
    const { counters } = result;
    expect(counters['sse.connections.opened']).toBe(50);
    expect(counters['sse.reconnects']).toBe(50);
    expect(counters['sse.server.events.replayed'] ?? 0).toBe(0);
    expect(counters['sse.server.events.notReplayed']).toBeGreaterThanOrEqual(50 * 3);
    expect(counters['sse.push.gaps']).toBe(counters['sse.server.events.notReplayed']);
    expect(counters['sse.events.received']).toBe(counters['sse.server.events.sent']);
    expect(counters['sse.push.gaps']! + counters['sse.events.received']!).toBe(50 * counters['sse.server.broadcasts']!);
  }, 30_000);
});

describe('sse against servers that do not stream', () => {
  it('a non-200 or a Content-Type other than text/event-stream fails the stream for good: no reconnect, one request each', async () => {
    let requests = 0;
    const server = await startServer((request, response) => {
      requests++;
      const conn = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('conn'));
      if (conn % 2 === 0) {
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end(conn === 0 ? 'maintenance\nback at 10:00\n' : '');
      } else {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<html></html>');
      }
    });
    try {
      const result = await runScenario(
        scenarioFrom(`
name: sse-not-streaming
sse:
  target: ${server.url}
  connections: 10
  connectRate: 100
  hold: 500ms
  connect: { query: { conn: '{{conn}}' } }
`),
      );
      expect(requests).toBe(10);
      expect(result.counters['sse.connections.failed.http503']).toBe(5);
      expect(result.counters['sse.connections.failed.contentType']).toBe(5);
      expect(result.counters['sse.connections.opened']).toBe(0);
      expect(result.counters['sse.reconnects']).toBe(0);
      expect(result.validity.ok).toBe(false);
      expect(result.validity.reasons).toContain(`no stream opened: 5 http503, 5 contentType by ${server.url}`);
      expect(result.causes).toEqual({
        'sse.connections.failed.contentType': [{ cause: 'HTTP 200 with Content-Type "text/html", not text/event-stream', count: 5 }],
        'sse.connections.failed.http503': [
          { cause: 'HTTP 503: maintenance back at 10:00', count: 1 },
          { cause: 'HTTP 503', count: 4 },
        ],
      });
      expect(renderTextSummary(result).split('\n')[0]).toMatch(/ERRORS: 10 of 10 streams failed \(100\.00%\)$/);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('an LLM-style POST stream: templated body and headers per stream, tokens counted, the stream ends and is not reopened with reconnect off', async () => {
    const bodies: string[] = [];
    const auth = new Set<string>();
    const server = await startServer((request, response, body) => {
      bodies.push(body);
      auth.add(String(request.headers.authorization));
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      for (let token = 0; token < 5; token++) response.write(`event: token\ndata: {"seq":${token},"sentAt":${Date.now()},"text":"t${token}"}\n\n`);
      response.end('event: done\ndata: [DONE]\n\n');
    });
    try {
      const result = await runScenario(
        scenarioFrom(`
name: sse-llm
sse:
  target: ${server.url}
  connections: 8
  connectRate: 80
  hold: 500ms
  method: POST
  body: { model: tiny, prompt: 'stream {{conn}}', stream: true }
  connect: { headers: { authorization: 'Bearer token-{{conn}}' } }
  reconnect: { enabled: false }
  push: { event: token, sentAt: sentAt, seq: seq }
`),
      );
      const { counters, metrics } = result;
      expect(bodies.map((body) => JSON.parse(body).prompt).sort()).toEqual(Array.from({ length: 8 }, (_unused, conn) => `stream ${conn}`).sort());
      expect(auth.size).toBe(8);
      expect(counters['sse.connections.opened']).toBe(8);
      expect(counters['sse.events.received']).toBe(8 * 6);
      expect(counters['sse.push.received']).toBe(8 * 5);
      expect(metrics['sse.push']?.count).toBe(8 * 5);
      expect(metrics['sse.firstEvent']?.count).toBe(8);
      expect(counters['sse.connections.dropped']).toBe(8);
      expect(counters['sse.reconnects']).toBe(0);
      expect(counters['sse.push.gaps']).toBe(0);
    } finally {
      await server.close();
    }
  }, 30_000);

  it("a server's retry: replaces reconnect.retry, and an id-only block's id is the Last-Event-ID of the reopen", async () => {
    const lastEventIds: Array<string | undefined> = [];
    const server = await startServer((request, response) => {
      const header = request.headers['last-event-id'];
      lastEventIds.push(typeof header === 'string' ? header : undefined);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // retry 100 ms; an event with id 41; an id-only block (42, nothing dispatched); an event without id (still 42); then the end.
      response.end('retry: 100\nid: 41\ndata: a\n\nid: 42\n\ndata: b\n\n');
    });
    try {
      const result = await runScenario(
        scenarioFrom(`
name: sse-retry
sse:
  target: ${server.url}
  connections: 1
  connectRate: 10
  hold: 1500ms
  reconnect: { retry: 1m, maxAttempts: 2 }
`),
      );
      const { counters, metrics } = result;
      // With the scenario's 1 minute no stream would have been reopened within the 1.5 s hold.
      expect(counters['sse.reconnects']).toBeGreaterThanOrEqual(3);
      expect(lastEventIds[0]).toBeUndefined();
      expect(new Set(lastEventIds.slice(1))).toEqual(new Set(['42']));
      expect(counters['sse.resumed']).toBe(counters['sse.reconnects']);
      expect(counters['sse.events.received']).toBe(2 * (1 + counters['sse.reconnects']!));
      expect(metrics['sse.reconnect']!.min).toBeGreaterThanOrEqual(100_000);
      expect(metrics['sse.reconnect']!.max).toBeLessThan(60_000_000);
      // Every drop is the server ending its response, and says so.
      expect(result.causes).toEqual({ 'sse.connections.dropped': [{ cause: 'the server ended the response', count: counters['sse.connections.dropped'] }] });
    } finally {
      await server.close();
    }
  }, 30_000);

  it('nothing measured: every stream refused -> exit 3, one line naming the URL and the cause', async () => {
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-sse-'));
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, `name: sse-refused\nsse:\n  target: http://127.0.0.1:${port}/events\n  connections: 5\n  connectRate: 50\n  hold: 200ms\n`);
    const run = await pushbench(['run', file, '--out', join(dir, 'out')]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`no stream opened: 5 refused by http://127.0.0.1:${port}/events (is it running?)`);
    expect(run.stdout).toContain(`sse.connections.failed.refused:       5 x connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const written = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8'));
    expect(written.causes).toEqual({ 'sse.connections.failed.refused': [{ cause: `connect ECONNREFUSED 127.0.0.1:${port}`, count: 5 }] });
  }, 30_000);
});
