import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
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
 * event streams (`subscribers.sse.tls`). It runs in its own process
 * (test/fixtures/servers/tls-pipeline-backend.mjs), as a real backend would, so its TLS work is not
 * on the generator's event loop. Counts are the backend's own.
 */

const RATE = 40;
/**
 * 3 s at 40/s: 120 sends, so one scheduler stall of this shared 2-core box (a send or two late)
 * stays out of the generator's sendLag p99 and the run is judged on what the generator did.
 */
const SECONDS = 3;
const EVENTS = RATE * SECONDS;
const SUBSCRIBERS = 3;
const CLIENT_TLS = '{ ca: ca.pem, cert: client.pem, key: client-key.pem }';

let certs: TestCerts;
let backend: TlsBackend;

/** Webhooks accepted, pushes written, and requests/upgrades/streams that showed the test client certificate. */
interface BackendCounts {
  accepted: number;
  pushed: number;
  clientCerts: number;
  upgrades: number;
  streams: number;
}

interface TlsBackend {
  port: number;
  child: ChildProcess;
  /** Asks the backend process and waits for its answer of the same type. */
  ask<T>(message: { type: 'reset' | 'counts' }): Promise<T>;
}

const BACKEND_ENTRY = new URL('../fixtures/servers/tls-pipeline-backend.mjs', import.meta.url).pathname;

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the backend process sent no "${type}" within 10 s`)), 10_000);
    const onMessage = (message: { type: string }): void => {
      if (message.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
  });
}

async function startTlsBackend(): Promise<TlsBackend> {
  const child = fork(BACKEND_ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const listening = nextMessage<{ port: number }>(child, 'listening');
  child.send({ type: 'start', tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca } });
  const { port } = await listening;
  return {
    port,
    child,
    ask<T>(message: { type: 'reset' | 'counts' }): Promise<T> {
      const answer = nextMessage<T>(child, message.type);
      child.send(message);
      return answer;
    },
  };
}

const backendCounts = async (): Promise<BackendCounts> => (await backend.ask<{ counts: BackendCounts }>({ type: 'counts' })).counts;

beforeAll(async () => {
  certs = generateTestCerts();
  backend = await startTlsBackend();
});

afterAll(async () => {
  if (backend.child.exitCode !== null) return;
  const exited = new Promise((resolve) => backend.child.once('exit', resolve));
  backend.child.kill();
  await exited;
});

async function pipelineRun(subscribers: string): Promise<RunResult> {
  await backend.ask({ type: 'reset' });
  return runScenario(
    scenarioFrom(
      `name: pipeline-tls
pipeline:
  ingest:
    target: https://127.0.0.1:${backend.port}/hooks
    tls: ${CLIENT_TLS}
    load: { model: open, rate: ${RATE}, duration: ${SECONDS}s }
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
async function expectEveryPushDelivered(result: RunResult): Promise<BackendCounts> {
  const { counters, metrics } = result;
  const counts = await backendCounts();
  expect(counts.accepted).toBe(EVENTS);
  expect(counts.pushed).toBe(EVENTS * SUBSCRIBERS);
  expect(counters['pipeline.ingest.ok']).toBe(EVENTS);
  expect(counters['pipeline.events']).toBe(EVENTS);
  expect(counters['pipeline.expected']).toBe(EVENTS * SUBSCRIBERS);
  expect(counters['pipeline.delivered']).toBe(EVENTS * SUBSCRIBERS);
  expect(counters['pipeline.missing']).toBe(0);
  expect(counters['pipeline.unmatched']).toBe(0);
  expect(metrics['pipeline.last']?.count).toBe(EVENTS);
  expect(result.validity.reasons).toEqual([]);
  return counts;
}

describe('pipeline over TLS (https:// ingest, wss:// and https:// subscribers, mTLS backend)', () => {
  it('ingest.tls and subscribers.websocket.tls: every webhook and every upgrade carries the client certificate; delivered = accepted x subscribers', async () => {
    const result = await pipelineRun(`    websocket:
      target: wss://127.0.0.1:${backend.port}/
      tls: ${CLIENT_TLS}
      match: { kind: push }
      connections: ${SUBSCRIBERS}`);
    const counts = await expectEveryPushDelivered(result);
    expect(counts.upgrades).toBe(SUBSCRIBERS);
    expect(counts.clientCerts).toBe(EVENTS + SUBSCRIBERS);
    expect(result.validity.warnings.filter((warning) => warning.includes('tls.insecure'))).toEqual([]);
  }, 30_000);

  it('subscribers.sse.tls with insecure: every stream carries the client certificate, the run warns that certificates were not verified', async () => {
    const result = await pipelineRun(`    sse:
      target: https://127.0.0.1:${backend.port}/events
      tls: { insecure: true, cert: client.pem, key: client-key.pem }
      connections: ${SUBSCRIBERS}`);
    const counts = await expectEveryPushDelivered(result);
    expect(counts.streams).toBe(SUBSCRIBERS);
    expect(counts.clientCerts).toBe(EVENTS + SUBSCRIBERS);
    expect(result.validity.warnings).toContain('pipeline.subscribers.sse.tls.insecure: server certificates were not verified (anyone in the path could have answered)');
  }, 30_000);

  it('subscribers without the CA fail the run before any webhook, naming the TLS cause', async () => {
    await expect(
      pipelineRun(`    sse:
      target: https://127.0.0.1:${backend.port}/events
      connections: ${SUBSCRIBERS}`),
    ).rejects.toThrow(/^pipeline: stream \d \(https:\/\/127\.0\.0\.1:\d+\/events\): self-signed certificate in certificate chain$/);
    expect(await backendCounts()).toMatchObject({ accepted: 0, streams: 0 });
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
