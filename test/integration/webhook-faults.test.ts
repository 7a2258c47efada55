import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import {
  closedPort,
  startFreezingServer,
  startGarbageServer,
  startCloseDelimitedServer,
  startHangingServer,
  startResettingServer,
  startServer,
  type TestServer,
} from '../helpers/servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track(server: Promise<TestServer>): Promise<TestServer> {
  const started = await server;
  servers.push(started);
  return started;
}

function openRun(url: string, rate: number, duration: string, extra = '') {
  return runScenario(
    scenarioFrom(`
name: fault
webhook:
  target: ${url}
${extra}
  load: { model: open, rate: ${rate}, duration: ${duration} }
`),
  );
}

describe('what a target does is counted and classified, never fatal', () => {
  it('open model: a target that freezes 500 ms every second shows the freeze in p90/p99 (no coordinated omission)', async () => {
    const server = await track(startFreezingServer(1_000, 500));
    const { metrics, counters } = await openRun(server.url, 200, '3s');
    const latency = metrics['webhook.latency']!;
    expect(counters['webhook.ok']).toBe(600);
    // Half of all requests are scheduled inside a freeze and wait for its end: on average 250 ms.
    expect(latency.p50).toBeGreaterThan(1_000);
    expect(latency.p90).toBeGreaterThan(350_000);
    expect(latency.p99).toBeGreaterThan(450_000);
    expect(latency.max).toBeLessThan(700_000);
  });

  it('a closed port gives "refused"', async () => {
    const port = await closedPort();
    const { counters, metrics } = await openRun(`http://127.0.0.1:${port}/`, 100, '1s');
    expect(counters['webhook.errors.refused']).toBe(100);
    expect(counters['webhook.ok'] ?? 0).toBe(0);
    expect(metrics['webhook.latency']?.count ?? 0).toBe(0);
  });

  it('a target that resets connections gives "reset"', async () => {
    const server = await track(startResettingServer());
    const { counters } = await openRun(server.url, 100, '1s');
    expect(counters['webhook.errors.reset']).toBe(100);
  });

  it('garbage instead of HTTP gives "other"', async () => {
    const server = await track(startGarbageServer());
    const { counters } = await openRun(server.url, 50, '1s');
    expect(counters['webhook.errors.other']).toBe(50);
  });

  it('a target that never answers gives "timeout" after the scenario timeout, and the run still ends', async () => {
    const server = await track(startHangingServer());
    const startedMs = Date.now();
    const { counters } = await openRun(server.url, 50, '1s', '  timeout: 300ms');
    expect(counters['webhook.errors.timeout']).toBe(50);
    expect(Date.now() - startedMs).toBeLessThan(6_000);
  });

  it('a response framed by closing the connection (no length) is a response, not a reset', async () => {
    const server = await track(startCloseDelimitedServer());
    const { counters } = await openRun(server.url, 50, '1s');
    expect(counters['webhook.ok']).toBe(50);
    expect(counters['webhook.errors.reset'] ?? 0).toBe(0);
  });

  it('4xx and 5xx answers are classified by status, with their latency recorded', async () => {
    let request = 0;
    const server = await track(
      startServer((_request, response) => {
        request++;
        response.statusCode = request % 2 === 0 ? 404 : 500;
        response.end('no');
      }),
    );
    const { counters, metrics } = await openRun(server.url, 100, '1s');
    expect(counters['webhook.errors.4xx']).toBe(50);
    expect(counters['webhook.errors.5xx']).toBe(50);
    expect(metrics['webhook.latency']?.count).toBe(100);
  });
});
