import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import type { RunResult } from '../../src/result/run-result.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import {
  startConnectionCloseServer,
  startGarbageStatusServer,
  startHugeBodyServer,
  startNeverEndingServer,
  startNeverReadingServer,
  startRedirectServer,
  startResetAfterHeadersServer,
  startRetryAfterServer,
  startSlowlorisServer,
  startUnframedBodyServer,
  type HostileServer,
} from '../helpers/hostile-servers.js';

// Issue 21 asks 10 s at 500/s per case; `npm test` runs 2 s at 250/s with a 1 s timeout (the whole
// file stays under a minute on the shared box). HOSTILE_RATE=500 HOSTILE_DURATION_S=10 runs the full size.
const RATE = Number(process.env.HOSTILE_RATE ?? 250);
const DURATION_S = Number(process.env.HOSTILE_DURATION_S ?? 2);
const TIMEOUT_S = 1;
const SCHEDULED = RATE * DURATION_S;
const MAX_RSS_BYTES = 300 * 1024 * 1024;
/** The run's bound: its duration, its timeout and 2 s. */
const BOUND_MS = (DURATION_S + TIMEOUT_S + 2) * 1_000;

const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track(server: Promise<HostileServer>): Promise<HostileServer> {
  const started = await server;
  servers.push(started);
  return started;
}

interface HostileRun {
  result: RunResult;
  elapsedMs: number;
  /** Highest RSS of this process (generator and hostile server both) sampled every 20 ms. */
  peakRssBytes: number;
}

async function hostileRun(url: string, extra = '', load = ''): Promise<HostileRun> {
  const scenario = scenarioFrom(`
name: hostile
webhook:
  target: ${url}
  timeout: ${TIMEOUT_S}s
${extra}
  load: { model: open, rate: ${RATE}, duration: ${DURATION_S}s${load} }
`);
  let peakRssBytes = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 20);
  const startedMs = Date.now();
  try {
    const result = await runScenario(scenario);
    return { result, elapsedMs: Date.now() - startedMs, peakRssBytes: Math.max(peakRssBytes, process.memoryUsage().rss) };
  } finally {
    clearInterval(sampler);
  }
}

/** Every scheduled request ends in exactly one counter; the run ends in its bound; memory stays bounded. */
function expectBounded({ result, elapsedMs, peakRssBytes }: HostileRun): Record<string, number> {
  const counters = result.counters;
  const errors = Object.entries(counters).filter(([name]) => name.startsWith('webhook.errors.'));
  const ended = (counters['webhook.ok'] ?? 0) + errors.reduce((sum, [, count]) => sum + count, 0) + (counters['webhook.unfinished'] ?? 0);
  expect(counters['webhook.scheduled']).toBe(SCHEDULED);
  expect(ended).toBe(SCHEDULED);
  expect(counters['webhook.unfinished'] ?? 0).toBe(0);
  expect(elapsedMs).toBeLessThan(BOUND_MS);
  // Sampled, not validity.processes' maxRssBytes: that is the worker's lifetime high-water mark, shared by every case of this file.
  expect(peakRssBytes).toBeLessThan(MAX_RSS_BYTES);
  return counters;
}

/** Exit code 3 because nothing succeeded: the first reason says so, naming how many failed and how. */
function expectNothingSucceeded(result: RunResult, how: string): void {
  expect(result.validity.ok).toBe(false);
  expect(result.validity.reasons[0]).toMatch(new RegExp(`^no request succeeded: ${SCHEDULED} ${how} by http://127\\.0\\.0\\.1:\\d+/hook`));
}

/** Something succeeded, and a hostile target never makes the generator the bottleneck: the run is valid. */
function expectSomethingSucceeded(result: RunResult): void {
  expect(result.validity.reasons).toEqual([]);
}

describe(`hostile HTTP targets (${RATE}/s for ${DURATION_S} s, timeout ${TIMEOUT_S} s): the run ends in its bound, every failure is classified`, () => {
  it('slowloris: headers dribbled one byte a second time out', async () => {
    const run = await hostileRun((await track(startSlowlorisServer())).url);
    const counters = expectBounded(run);
    expect(counters['webhook.errors.timeout']).toBe(SCHEDULED);
    expectNothingSucceeded(run.result, 'timeout');
  });

  it('a response that never ends times out', async () => {
    const run = await hostileRun((await track(startNeverEndingServer())).url);
    expect(expectBounded(run)['webhook.errors.timeout']).toBe(SCHEDULED);
    expectNothingSucceeded(run.result, 'timeout');
  });

  it('a 100 MB body is read and discarded, never buffered whole (the rest time out waiting for a socket)', async () => {
    const server = await track(startHugeBodyServer(100 * 1024 * 1024));
    // Two connections: each 100 MB answer has a chance to finish inside the timeout on a shared box.
    const run = await hostileRun(server.url, '', ', connections: 2');
    const counters = expectBounded(run);
    expect(counters['webhook.ok']).toBeGreaterThan(0);
    expect(counters['webhook.ok']! + counters['webhook.errors.timeout']!).toBe(SCHEDULED);
    expect(run.result.metrics['webhook.latency']?.count).toBe(counters['webhook.ok']);
    // Reading 100 MB answers is the generating process's own CPU (and the hostile server shares this
    // process): when that delays its sends past the bound, validity must say so and name the
    // generator, nothing else. Whether it crosses the bound depends on the machine's speed.
    expect(run.result.validity.reasons.filter((reason) => !/^generator \(pid \d+\): sendLag p99 /.test(reason))).toEqual([]);
  });

  it('a garbage status line is "other"', async () => {
    const run = await hostileRun((await track(startGarbageStatusServer())).url);
    expect(expectBounded(run)['webhook.errors.other']).toBe(SCHEDULED);
    expectNothingSucceeded(run.result, 'other');
  });

  it('a server that accepts and never reads: 256 KiB requests sit unread in the socket buffers, then time out', async () => {
    const run = await hostileRun((await track(startNeverReadingServer())).url, '  payload: { sizeBytes: 262144 }');
    expect(expectBounded(run)['webhook.errors.timeout']).toBe(SCHEDULED);
    expectNothingSucceeded(run.result, 'timeout');
  });

  it('RST after the headers is "reset"', async () => {
    const run = await hostileRun((await track(startResetAfterHeadersServer())).url);
    expect(expectBounded(run)['webhook.errors.reset']).toBe(SCHEDULED);
    expectNothingSucceeded(run.result, 'reset');
  });

  it('429 and 503 with Retry-After are counted by class, each with its latency', async () => {
    const run = await hostileRun((await track(startRetryAfterServer())).url);
    const counters = expectBounded(run);
    expect(counters['webhook.errors.4xx']).toBe(SCHEDULED / 2);
    expect(counters['webhook.errors.5xx']).toBe(SCHEDULED / 2);
    expect(run.result.metrics['webhook.latency']?.count).toBe(SCHEDULED);
    expect(run.result.validity.reasons[0]).toMatch(new RegExp(`^no request succeeded: ${SCHEDULED / 2} 4xx, ${SCHEDULED / 2} 5xx by `));
  });

  it('Connection: close on every response: every request succeeds on a new connection', async () => {
    const server = await track(startConnectionCloseServer());
    const run = await hostileRun(server.url);
    const counters = expectBounded(run);
    expect(counters['webhook.ok']).toBe(SCHEDULED);
    expect(server.requests).toBe(SCHEDULED);
    expect(server.connections).toBeGreaterThanOrEqual(SCHEDULED);
    expectSomethingSucceeded(run.result);
  });

  it('a 307 redirect is counted as 3xx and not followed', async () => {
    const elsewhere = await track(startConnectionCloseServer());
    const server = await track(startRedirectServer(elsewhere.url));
    const run = await hostileRun(server.url);
    expect(expectBounded(run)['webhook.errors.3xx']).toBe(SCHEDULED);
    expect(server.requests).toBe(SCHEDULED);
    expect(elsewhere.connections).toBe(0);
    expectNothingSucceeded(run.result, '3xx');
  });

  it('a body with neither Content-Length nor chunking ends with the connection and succeeds', async () => {
    const server = await track(startUnframedBodyServer());
    const run = await hostileRun(server.url);
    expect(expectBounded(run)['webhook.ok']).toBe(SCHEDULED);
    expect(server.requests).toBe(SCHEDULED);
    expectSomethingSucceeded(run.result);
  });
});
