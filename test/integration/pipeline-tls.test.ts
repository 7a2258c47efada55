import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runScenario } from '../../src/run/run-scenario.js';
import type { RunResult } from '../../src/result/run-result.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { generateTestCerts, type TestCerts } from '../helpers/tls-certs.js';

/**
 * The pipeline over TLS: one https backend (certificates made by openssl for the test) that asks
 * every client for a certificate signed by the test CA (mTLS) takes the webhooks (`ingest.tls`) and
 * pushes each accepted event to its wss:// subscribers (`subscribers.websocket.tls`) and its https://
 * event streams (`subscribers.sse.tls`). Counts are the backend's own.
 */

const RATE = 40;
const SUBSCRIBERS = 3;
const CLIENT_TLS = '{ ca: ca.pem, cert: client.pem, key: client-key.pem }';

let certs: TestCerts;
let backend: TlsBackend;

interface TlsBackend {
  port: number;
  server: HttpsServer;
  /** Webhooks accepted, pushes written, and requests/upgrades/streams that showed the test client certificate. */
  counts: { accepted: number; pushed: number; clientCerts: number; upgrades: number; streams: number };
  reset(): void;
}

function hasClientCert(request: IncomingMessage): boolean {
  return (request.socket as TLSSocket).getPeerCertificate().subject?.CN === 'pushbench client';
}

/** POST /hooks: accepts the webhook and pushes `{ kind: push, event: { id } }` to every WebSocket and `data: { id }` to every stream; GET /events: an event stream. */
async function startTlsBackend(): Promise<TlsBackend> {
  const counts = { accepted: 0, pushed: 0, clientCerts: 0, upgrades: 0, streams: 0 };
  const streams = new Set<ServerResponse>();
  const server = createHttpsServer({ cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: true, rejectUnauthorized: true }, (request, response) => {
    if (hasClientCert(request)) counts.clientCerts++;
    if (request.method === 'GET') {
      counts.streams++;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(': open\n\n');
      streams.add(response);
      response.on('close', () => streams.delete(response));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      counts.accepted++;
      for (const client of wss.clients) {
        client.send(JSON.stringify({ kind: 'push', event: { id } }));
        counts.pushed++;
      }
      for (const stream of streams) {
        stream.write(`data: ${JSON.stringify({ event: { id } })}\n\n`);
        counts.pushed++;
      }
      response.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 10_000;
  const wss = new WebSocketServer({ server });
  wss.on('connection', (_socket, request) => {
    counts.upgrades++;
    if (hasClientCert(request)) counts.clientCerts++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    server,
    counts,
    reset() {
      for (const client of wss.clients) client.terminate();
      for (const stream of streams) stream.destroy();
      Object.assign(counts, { accepted: 0, pushed: 0, clientCerts: 0, upgrades: 0, streams: 0 });
    },
  };
}

beforeAll(async () => {
  certs = generateTestCerts();
  backend = await startTlsBackend();
});

afterAll(async () => {
  backend.reset();
  backend.server.closeAllConnections();
  await new Promise<void>((resolve) => backend.server.close(() => resolve()));
});

function pipelineRun(subscribers: string): Promise<RunResult> {
  backend.reset();
  return runScenario(
    scenarioFrom(
      `name: pipeline-tls
pipeline:
  ingest:
    target: https://127.0.0.1:${backend.port}/hooks
    tls: ${CLIENT_TLS}
    load: { model: open, rate: ${RATE}, duration: 1s }
  subscribers:
${subscribers}
  correlate: { push: event.id }
  drain: 500ms
`,
      join(certs.dir, 'pipeline-tls.yaml'),
    ),
  );
}

/** Every webhook accepted and every push matched: the ledger's counts equal the backend's. */
function expectEveryPushDelivered(result: RunResult): void {
  const { counters, metrics } = result;
  expect(backend.counts.accepted).toBe(RATE);
  expect(backend.counts.pushed).toBe(RATE * SUBSCRIBERS);
  expect(counters['pipeline.ingest.ok']).toBe(RATE);
  expect(counters['pipeline.events']).toBe(RATE);
  expect(counters['pipeline.expected']).toBe(RATE * SUBSCRIBERS);
  expect(counters['pipeline.delivered']).toBe(RATE * SUBSCRIBERS);
  expect(counters['pipeline.missing']).toBe(0);
  expect(counters['pipeline.unmatched']).toBe(0);
  expect(metrics['pipeline.last']?.count).toBe(RATE);
  expect(result.validity.reasons).toEqual([]);
}

describe('pipeline over TLS (https:// ingest, wss:// and https:// subscribers, mTLS backend)', () => {
  it('ingest.tls and subscribers.websocket.tls: every webhook and every upgrade carries the client certificate; delivered = accepted x subscribers', async () => {
    const result = await pipelineRun(`    websocket:
      target: wss://127.0.0.1:${backend.port}/
      tls: ${CLIENT_TLS}
      match: { kind: push }
      connections: ${SUBSCRIBERS}`);
    expectEveryPushDelivered(result);
    expect(backend.counts.upgrades).toBe(SUBSCRIBERS);
    expect(backend.counts.clientCerts).toBe(RATE + SUBSCRIBERS);
    expect(result.validity.warnings.filter((warning) => warning.includes('tls.insecure'))).toEqual([]);
  }, 30_000);

  it('subscribers.sse.tls with insecure: every stream carries the client certificate, the run warns that certificates were not verified', async () => {
    const result = await pipelineRun(`    sse:
      target: https://127.0.0.1:${backend.port}/events
      tls: { insecure: true, cert: client.pem, key: client-key.pem }
      connections: ${SUBSCRIBERS}`);
    expectEveryPushDelivered(result);
    expect(backend.counts.streams).toBe(SUBSCRIBERS);
    expect(backend.counts.clientCerts).toBe(RATE + SUBSCRIBERS);
    expect(result.validity.warnings).toContain('pipeline.subscribers.sse.tls.insecure: server certificates were not verified (anyone in the path could have answered)');
  }, 30_000);

  it('subscribers without the CA fail the run before any webhook, naming the TLS cause', async () => {
    await expect(
      pipelineRun(`    sse:
      target: https://127.0.0.1:${backend.port}/events
      connections: ${SUBSCRIBERS}`),
    ).rejects.toThrow(/^pipeline: stream \d \(https:\/\/127\.0\.0\.1:\d+\/events\): self-signed certificate in certificate chain$/);
    expect(backend.counts.accepted).toBe(0);
    expect(backend.counts.streams).toBe(0);
  }, 30_000);

  it('a pipeline or sse PEM file that cannot be read is one located exit-2 line at load', () => {
    const lines = (yaml: string): readonly string[] => {
      try {
        scenarioFrom(yaml, join(certs.dir, 'pipeline-tls.yaml'));
      } catch (error) {
        if (error instanceof InputError) return error.lines;
        throw error;
      }
      return [];
    };
    const file = join(certs.dir, 'pipeline-tls.yaml');
    expect(
      lines(`name: t
pipeline:
  ingest:
    target: https://127.0.0.1:1/hooks
    load: { model: open, rate: 1, duration: 1s }
  subscribers:
    websocket:
      target: wss://127.0.0.1:1/
      tls:
        ca: ca.pem
        key: missing-key.pem
        cert: client.pem
      connections: 1
`),
    ).toEqual([`${file}:11:14: pipeline.subscribers.websocket.tls.key: cannot read "missing-key.pem": ENOENT`]);
    expect(lines(`name: t\npipeline:\n  ingest:\n    target: https://127.0.0.1:1/hooks\n    tls: { ca: server.ext }\n    load: { model: open, rate: 1, duration: 1s }\n  subscribers:\n    sse: { target: https://127.0.0.1:1/events, connections: 1 }\n`)).toEqual([
      `${file}:5:16: pipeline.ingest.tls.ca: "server.ext" is not a PEM file (no "-----BEGIN" line)`,
    ]);
    expect(lines(`name: t\nsse:\n  target: https://127.0.0.1:1/events\n  tls: { ca: nope.pem }\n  connections: 1\n  hold: 1s\n`)).toEqual([`${file}:4:14: sse.tls.ca: cannot read "nope.pem": ENOENT`]);
  });
});
