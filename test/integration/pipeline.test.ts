import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { createChannel, createSession } from 'better-sse';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { renderReport } from '../../src/report/html/render-report.js';
import { buildReportData } from '../../src/report/html/report-data.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { listen, readBody, startStripeSocketIoBackend, STRIPE_SECRET, type Backend } from '../helpers/pipeline-backends.js';

/** A plain http + ws backend that accepts every webhook but does not broadcast the events for which `drop(seq)` is true. */
async function startDroppingBackend(drop: (seq: number) => boolean): Promise<Backend & { dropped: Set<string> }> {
  const accepted = new Set<string>();
  const dropped = new Set<string>();
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const event = JSON.parse(body.toString('utf8')) as { id: string; seq: number };
      accepted.add(event.id);
      if (drop(event.seq)) dropped.add(event.id);
      else for (const client of wss.clients) client.send(JSON.stringify({ kind: 'push', event: { id: event.id } }));
      response.writeHead(200).end('ok');
    });
  });
  const wss = new WebSocketServer({ server });
  const port = await listen(server);
  return {
    port,
    accepted,
    dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A backend of other people's pieces for SSE: standardwebhooks verifies each webhook, a better-sse channel broadcasts it. */
async function startStandardWebhooksSseBackend(): Promise<Backend> {
  const verifier = new Webhook(SW_SECRET);
  const channel = createChannel();
  const accepted = new Set<string>();
  const server = createServer((request, response) => {
    if (request.method === 'GET') {
      void createSession(request, response, { keepAlive: null }).then((session) => channel.register(session));
      return;
    }
    void readBody(request).then((body) => {
      let event: { id: string };
      try {
        event = verifier.verify(body.toString('utf8'), request.headers as Record<string, string>) as { id: string };
      } catch {
        response.writeHead(401).end('bad signature');
        return;
      }
      accepted.add(event.id);
      channel.broadcast({ delivery: { eventId: event.id } }, 'delivery');
      response.writeHead(204).end();
    });
  });
  const port = await listen(server);
  return {
    port,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('pipeline runs (webhook in, push out) against real backends on 127.0.0.1:0', () => {
  it('Stripe-verifying Socket.IO backend: delivered = accepted x subscribers exactly, 0 missing, one pipeline.last sample per event', async () => {
    const backend = await startStripeSocketIoBackend();
    try {
      const result = await runScenario(
        scenarioFrom(`
name: pipeline-stripe-socketio
pipeline:
  ingest:
    target: http://127.0.0.1:${backend.port}/hook
    signing: { scheme: stripe, secret: ${STRIPE_SECRET} }
    payload:
      template: '{"id":"{{id}}","object":"event","type":"payment_intent.succeeded","created":{{timestamp}},"data":{"object":{"id":"pi_{{seq}}"}}}'
    load: { model: open, rate: 100, duration: 1s }
  subscribers:
    websocket:
      target: ws://127.0.0.1:${backend.port}
      protocol: socketio
      event: stripe-event
      connections: 5
      connectRate: 100
  drain: 500ms
`),
      );
      const { counters, metrics } = result;
      const accepted = backend.accepted.size;
      expect(accepted).toBe(100);
      expect(counters['pipeline.ingest.ok']).toBe(accepted);
      expect(counters['pipeline.events']).toBe(accepted);
      expect(counters['pipeline.expected']).toBe(accepted * 5);
      expect(counters['pipeline.delivered']).toBe(accepted * 5);
      expect(counters['pipeline.missing']).toBe(0);
      expect(counters['pipeline.duplicates']).toBe(0);
      expect(counters['pipeline.unmatched']).toBe(0);
      expect(metrics['pipeline.latency']?.count).toBe(accepted * 5);
      expect(metrics['pipeline.last']?.count).toBe(accepted);
      expect(metrics['pipeline.ingest']?.count).toBe(accepted);
      // Each event's last receipt is at least each of its receipts, and every event has 5 of them.
      expect(metrics['pipeline.last']!.max).toBe(metrics['pipeline.latency']!.max);
      expect(metrics['pipeline.last']!.p50).toBeGreaterThanOrEqual(metrics['pipeline.latency']!.p50);
      expect(Object.keys(counters).filter((name) => name.startsWith('pipeline.ingest.errors.'))).toEqual([]);
      expect(result.validity.reasons.filter((reason) => reason.startsWith('pipeline'))).toEqual([]);
      expect(renderTextSummary(result)).toContain(`  pipeline   delivered ${accepted * 5} of ${accepted * 5} (100.00%)`);
    } finally {
      await backend.close();
    }
  }, 30_000);

  it('a backend that drops a known set of events: pipeline.missing is exactly that set x subscribers', async () => {
    const backend = await startDroppingBackend((seq) => seq % 7 === 3);
    try {
      const result = await runScenario(
        scenarioFrom(`
name: pipeline-dropping
pipeline:
  ingest:
    target: http://127.0.0.1:${backend.port}/
    load: { model: open, rate: 80, duration: 1s }
  subscribers:
    websocket:
      target: ws://127.0.0.1:${backend.port}
      match: { kind: push }
      connections: 3
  correlate: { ingest: id, push: event.id }
  drain: 500ms
`),
      );
      const { counters, metrics } = result;
      expect(backend.accepted.size).toBe(80);
      const dropped = backend.dropped.size;
      expect(dropped).toBe([...Array(80).keys()].filter((seq) => seq % 7 === 3).length);
      expect(counters['pipeline.events']).toBe(80);
      expect(counters['pipeline.expected']).toBe(80 * 3);
      expect(counters['pipeline.missing']).toBe(dropped * 3);
      expect(counters['pipeline.delivered']).toBe((80 - dropped) * 3);
      expect(metrics['pipeline.last']?.count).toBe(80 - dropped);
      expect(counters['pipeline.unmatched']).toBe(0);
    } finally {
      await backend.close();
    }
  }, 30_000);

  it('pushes that match no event: no push matched is a failed run with its cause', async () => {
    const backend = await startDroppingBackend(() => true);
    try {
      const result = await runScenario(
        scenarioFrom(`
name: pipeline-nothing-matched
pipeline:
  ingest:
    target: http://127.0.0.1:${backend.port}/
    load: { model: open, rate: 20, duration: 500ms }
  subscribers:
    websocket: { target: ws://127.0.0.1:${backend.port}, connections: 2 }
  drain: 200ms
`),
      );
      expect(result.counters['pipeline.events']).toBe(10);
      expect(result.counters['pipeline.missing']).toBe(20);
      expect(result.validity.ok).toBe(false);
      expect(result.validity.reasons.some((reason) => reason.startsWith('pipeline: no push matched: 10 webhooks accepted, 20 deliveries expected'))).toBe(true);
    } finally {
      await backend.close();
    }
  }, 30_000);

  it('no webhook accepted is a failed run naming the cause; a subscriber that cannot connect fails the run before any webhook', async () => {
    const backend = await startDroppingBackend(() => false);
    try {
      const result = await runScenario(
        scenarioFrom(`
name: pipeline-nothing-accepted
pipeline:
  ingest: { target: "http://127.0.0.1:9/", load: { model: open, rate: 10, duration: 500ms } }
  subscribers: { websocket: { target: "ws://127.0.0.1:${backend.port}", connections: 2 } }
  drain: 100ms
`),
      );
      expect(result.counters['pipeline.ingest.errors.refused']).toBe(5);
      expect(result.counters['pipeline.events']).toBe(0);
      expect(result.validity.ok).toBe(false);
      expect(result.validity.reasons).toContain('pipeline: no request succeeded: 5 refused by http://127.0.0.1:9/ (is it running?)');
      expect(backend.accepted.size).toBe(0);
    } finally {
      await backend.close();
    }
    await expect(
      runScenario(
        scenarioFrom(`
name: pipeline-no-subscribers
pipeline:
  ingest: { target: "http://127.0.0.1:9/", load: { model: open, rate: 10, duration: 500ms } }
  subscribers: { websocket: { target: "ws://127.0.0.1:9/", connections: 2 } }
`),
      ),
    ).rejects.toThrow(/^pipeline: subscriber 0 \(ws:\/\/127\.0\.0\.1:9\/\): connect ECONNREFUSED/);
  }, 30_000);

  it('the built-in backend with a restart: webhooks refused while down are counted, the ledger balances', async () => {
    const result = await runScenario(
      scenarioFrom(`
name: pipeline-builtin-restart
pipeline:
  ingest:
    target: builtin
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
    load: { model: open, rate: 100, duration: 2s }
  subscribers:
    websocket: { target: builtin, connections: 10, reconnect: 100ms }
  drain: 500ms
  faults:
    backendRestart: { at: 800ms, for: 400ms }
`),
    );
    const { counters, metrics } = result;
    const errors = Object.entries(counters)
      .filter(([name]) => name.startsWith('pipeline.ingest.errors.'))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(counters['pipeline.backend.restarts']).toBe(1);
    expect(counters['pipeline.ingest.ok']! + errors).toBe(200);
    expect(errors).toBeGreaterThan(0);
    expect(counters['pipeline.backend.received']).toBe(counters['pipeline.ingest.ok']);
    expect(counters['pipeline.events']).toBe(counters['pipeline.ingest.ok']);
    expect(counters['pipeline.expected']).toBe(counters['pipeline.delivered']! + counters['pipeline.missing']!);
    expect(counters['pipeline.subscribers.dropped']).toBe(10);
    expect(metrics['pipeline.latency']?.count).toBe(counters['pipeline.delivered']);
    expect(result.validity.reasons.filter((reason) => reason.startsWith('pipeline'))).toEqual([]);
    // The report's pipeline view: the headline table, the overlaid percentiles and the restart shaded.
    const data = buildReportData([result], ['run'], 'pipeline', new Date());
    const section = data.sections.find((entry) => entry.id === 'pipeline');
    expect(section?.charts.map((chart) => chart.title)).toEqual([
      'pipeline latency by percentile (intended send → response / receipt)',
      'pushes received per second (shaded: backend restart)',
    ]);
    const perSecond = section!.charts[1]!;
    expect(perSecond.kind === 'line' ? perSecond.bands?.map((band) => band.label) : undefined).toEqual(['backend restart']);
    const html = renderReport([result]);
    expect(html).toContain('Pipeline: webhook in, push out');
    expect(html).toContain('<table class="pipeline">');
  }, 30_000);

  it('SSE subscribers of the built-in backend: delivered = accepted x streams exactly; a restart still balances the ledger', async () => {
    const plain = await runScenario(
      scenarioFrom(`
name: pipeline-builtin-sse
pipeline:
  ingest: { target: builtin, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, load: { model: open, rate: 50, duration: 1s } }
  subscribers:
    sse: { target: builtin, connections: 4 }
  drain: 300ms
`),
    );
    expect(plain.counters['pipeline.events']).toBe(50);
    expect(plain.counters['pipeline.backend.received']).toBe(50);
    expect(plain.counters['pipeline.expected']).toBe(200);
    expect(plain.counters['pipeline.delivered']).toBe(200);
    expect(plain.counters['pipeline.missing']).toBe(0);
    expect(plain.metrics['pipeline.last']?.count).toBe(50);
    const restarted = await runScenario(
      scenarioFrom(`
name: pipeline-builtin-sse-restart
pipeline:
  ingest: { target: builtin, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, load: { model: open, rate: 100, duration: 1500ms } }
  subscribers:
    sse: { target: builtin, connections: 4, reconnect: 100ms }
  drain: 300ms
  faults: { backendRestart: { at: 500ms, for: 300ms } }
`),
    );
    const { counters } = restarted;
    expect(counters['pipeline.backend.restarts']).toBe(1);
    expect(counters['pipeline.subscribers.dropped']).toBe(4);
    expect(counters['pipeline.ingest.errors.refused']).toBeGreaterThan(0);
    expect(counters['pipeline.events']).toBe(counters['pipeline.backend.received']);
    expect(counters['pipeline.expected']).toBe(counters['pipeline.delivered']! + counters['pipeline.missing']!);
    expect(restarted.validity.reasons.filter((reason) => reason.startsWith('pipeline'))).toEqual([]);
  }, 30_000);

  it('SSE against better-sse with standardwebhooks verification: delivered = accepted x streams exactly, 0 missing', async () => {
    const backend = await startStandardWebhooksSseBackend();
    try {
      const result = await runScenario(
        scenarioFrom(`
name: pipeline-better-sse
pipeline:
  ingest:
    target: http://127.0.0.1:${backend.port}/hooks
    secret: ${SW_SECRET}
    load: { model: open, rate: 60, duration: 1s }
  subscribers:
    sse: { target: http://127.0.0.1:${backend.port}/events, event: delivery, connections: 4 }
  correlate: { push: delivery.eventId }
  drain: 300ms
`),
      );
      const { counters, metrics } = result;
      expect(backend.accepted.size).toBe(60);
      expect(counters['pipeline.events']).toBe(60);
      expect(counters['pipeline.delivered']).toBe(60 * 4);
      expect(counters['pipeline.missing']).toBe(0);
      expect(counters['pipeline.unmatched']).toBe(0);
      expect(metrics['pipeline.last']?.count).toBe(60);
    } finally {
      await backend.close();
    }
  }, 30_000);
});
