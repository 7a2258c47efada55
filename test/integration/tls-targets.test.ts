import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { InputError } from '../../src/errors.js';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { generateTestCerts, type TestCerts } from '../helpers/tls-certs.js';

/**
 * Real https:// and wss:// servers with certificates generated for the test (openssl CLI): a
 * custom CA, `insecure` with a warning, and mTLS, for webhook and websocket sections.
 */

let certs: TestCerts;
const servers: HttpsServer[] = [];

beforeAll(() => {
  certs = generateTestCerts();
});

afterAll(async () => {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface TlsServer {
  port: number;
  counts: { requests: number; upgrades: number; clientCerts: number };
}

/** An https server (and a ws server on it); `mtls` requires a client certificate signed by the CA. */
async function startTlsServer(mtls: boolean): Promise<TlsServer> {
  const counts = { requests: 0, upgrades: 0, clientCerts: 0 };
  const server = createHttpsServer(
    { cert: certs.serverCert, key: certs.serverKey, ...(mtls ? { ca: certs.ca, requestCert: true, rejectUnauthorized: true } : {}) },
    (request, response) => {
      counts.requests++;
      if ((request.socket as TLSSocket).getPeerCertificate().subject?.CN === 'pushbench client') counts.clientCerts++;
      request.resume();
      request.on('end', () => response.end('ok'));
    },
  );
  server.keepAliveTimeout = 10_000;
  const wss = new WebSocketServer({ server });
  wss.on('connection', (_socket, request) => {
    counts.upgrades++;
    if ((request.socket as TLSSocket).getPeerCertificate().subject?.CN === 'pushbench client') counts.clientCerts++;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('close', () => {
    for (const client of wss.clients) client.terminate();
  });
  return { port: (server.address() as { port: number }).port, counts };
}

const scenarioFile = (): string => join(certs.dir, 'tls.yaml');

function webhookRun(port: number, tls: string) {
  return runScenario(scenarioFrom(`name: tls-webhook\nwebhook:\n  target: https://127.0.0.1:${port}/hook\n${tls}\n  load: { model: open, rate: 20, duration: 500ms }\n`, scenarioFile()));
}

function websocketRun(port: number, tls: string) {
  return runScenario(scenarioFrom(`name: tls-ws\nwebsocket:\n  target: wss://127.0.0.1:${port}/\n${tls}\n  connections: 3\n  connectRate: 100\n  hold: 100ms\n`, scenarioFile()));
}

describe('TLS targets', () => {
  it('https:// webhook: a custom CA works; without it the failure has a cause; insecure works with a validity warning', async () => {
    const server = await startTlsServer(false);
    const withCa = await webhookRun(server.port, '  tls: { ca: ca.pem }');
    expect(withCa.counters['webhook.ok']).toBe(10);
    expect(server.counts.requests).toBe(10);
    expect(withCa.validity.warnings.filter((warning) => warning.includes('tls.insecure'))).toEqual([]);
    const withoutCa = await webhookRun(server.port, '');
    expect(withoutCa.counters['webhook.ok'] ?? 0).toBe(0);
    expect(withoutCa.counters['webhook.errors.other']).toBe(10);
    expect(withoutCa.causes?.['webhook.errors.other']?.[0]?.cause).toMatch(/self[- ]signed certificate in certificate chain|unable to verify/);
    expect(server.counts.requests).toBe(10);
    const insecure = await webhookRun(server.port, '  tls: { insecure: true }');
    expect(insecure.counters['webhook.ok']).toBe(10);
    expect(server.counts.requests).toBe(20);
    expect(insecure.validity.warnings).toContain('webhook.tls.insecure: server certificates were not verified (anyone in the path could have answered)');
  });

  it('https:// webhook mTLS: the client certificate opens the door; without it each failure has a cause', async () => {
    const server = await startTlsServer(true);
    const withCert = await webhookRun(server.port, '  tls: { ca: ca.pem, cert: client.pem, key: client-key.pem }');
    expect(withCert.counters['webhook.ok']).toBe(10);
    expect(server.counts.clientCerts).toBe(10);
    const withoutCert = await webhookRun(server.port, '  tls: { ca: ca.pem }');
    expect(withoutCert.counters['webhook.ok'] ?? 0).toBe(0);
    const failed = Object.entries(withoutCert.counters).filter(([name]) => name.startsWith('webhook.errors.'));
    expect(failed.reduce((sum, [, count]) => sum + count, 0)).toBe(10);
    const causes = Object.values(withoutCert.causes ?? {}).flat();
    expect(causes.reduce((sum, { count }) => sum + count, 0)).toBe(10);
    expect(causes.map(({ cause }) => cause).join(' | ')).toMatch(/certificate|alert|socket hang up|closed the connection/i);
    expect(server.counts.requests).toBe(10);
  });

  it('wss:// websocket: a custom CA, insecure with a warning, mTLS; without the client certificate the handshake failure has a cause', async () => {
    const plain = await startTlsServer(false);
    const withCa = await websocketRun(plain.port, '  tls: { ca: ca.pem }');
    expect(withCa.counters['ws.connections.opened']).toBe(3);
    expect(plain.counts.upgrades).toBe(3);
    const insecure = await websocketRun(plain.port, '  tls: { insecure: true }');
    expect(insecure.counters['ws.connections.opened']).toBe(3);
    expect(insecure.validity.warnings).toContain('websocket.tls.insecure: server certificates were not verified (anyone in the path could have answered)');
    const noCa = await websocketRun(plain.port, '');
    expect(noCa.counters['ws.connections.opened'] ?? 0).toBe(0);
    expect(Object.values(noCa.causes ?? {}).flat().map(({ cause }) => cause).join(' | ')).toMatch(/self[- ]signed certificate in certificate chain|unable to verify/);
    expect(plain.counts.upgrades).toBe(6);
    const mtls = await startTlsServer(true);
    const withCert = await websocketRun(mtls.port, '  tls: { ca: ca.pem, cert: client.pem, key: client-key.pem }');
    expect(withCert.counters['ws.connections.opened']).toBe(3);
    expect(mtls.counts.clientCerts).toBe(3);
    const withoutCert = await websocketRun(mtls.port, '  tls: { ca: ca.pem }');
    expect(withoutCert.counters['ws.connections.opened'] ?? 0).toBe(0);
    const failed = Object.entries(withoutCert.counters).filter(([name]) => name.startsWith('ws.connections.failed.'));
    expect(failed.reduce((sum, [, count]) => sum + count, 0)).toBe(3);
    expect(Object.values(withoutCert.causes ?? {}).flat().reduce((sum, { count }) => sum + count, 0)).toBe(3);
    expect(mtls.counts.upgrades).toBe(3);
    expect(liveChildren()).toBe(0);
  });

  it('a PEM file that is missing or not PEM is one located exit-2 line at load', () => {
    const lines = (yaml: string): readonly string[] => {
      try {
        scenarioFrom(yaml, scenarioFile());
      } catch (error) {
        if (error instanceof InputError) return error.lines;
        throw error;
      }
      return [];
    };
    expect(lines('name: t\nwebhook:\n  target: https://127.0.0.1:1/\n  tls: { ca: nope.pem }\n  load: { model: open, rate: 1, duration: 1s }\n')).toEqual([
      `${scenarioFile()}:4:14: webhook.tls.ca: cannot read "nope.pem": ENOENT`,
    ]);
    expect(lines('name: t\nwebsocket:\n  target: wss://127.0.0.1:1/\n  tls:\n    cert: server.ext\n    key: client-key.pem\n  connections: 1\n  hold: 1s\n')[0]).toBe(
      `${scenarioFile()}:5:11: websocket.tls.cert: "server.ext" is not a PEM file (no "-----BEGIN" line)`,
    );
    expect(lines('name: t\nwebsocket:\n  target: wss://127.0.0.1:1/\n  tls: { cert: client.pem }\n  connections: 1\n  hold: 1s\n')[0]).toMatch(/websocket\.tls: `cert` and `key` go together/);
  });
});
