import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { liveChildren } from '../../src/process/child-process.js';
import { parseResult } from '../../src/result/read-result.js';
import { scenarioFrom, TEST_SECRET } from '../helpers/scenarios.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('webhook runs against the built-in receiver (real fastify child process on 127.0.0.1:0)', () => {
  it('open model: every scheduled event is sent, signed, received once, and accounted for', async () => {
    const scenario = scenarioFrom(`
name: open-small
seed: 11
webhook:
  secret: ${TEST_SECRET}
  payload: { sizeBytes: 256 }
  load: { model: open, rate: 400, duration: 2s }
`);
    const result = await runScenario(scenario);
    const { counters, metrics, validity } = result;
    expect(counters['webhook.sent']).toBe(800);
    expect(counters['webhook.ok']).toBe(800);
    expect(counters['receiver.received']).toBe(800);
    expect(counters['receiver.unique']).toBe(800);
    expect(counters['receiver.duplicates']).toBe(0);
    expect(counters['receiver.badSignature']).toBe(0);
    expect(metrics['webhook.latency']?.count).toBe(800);
    expect(metrics['webhook.delivery']?.count).toBe(800);
    // Delivery (scheduled -> arrival) cannot exceed the full round trip (scheduled -> response) at the top.
    expect(metrics['webhook.delivery']!.p50).toBeLessThanOrEqual(metrics['webhook.latency']!.p50);
    expect(validity.askedRatePerSec).toBe(400);
    // Exactly 400 unless the last send started late (a stall on a busy machine): then a little less.
    expect(validity.achievedRatePerSec).toBeGreaterThan(396);
    expect(validity.achievedRatePerSec).toBeLessThanOrEqual(400);
    expect(result.timeline.reduce((sum, point) => sum + (point.counts['webhook.sent'] ?? 0), 0)).toBe(800);
    expect(JSON.stringify(result.scenario.config)).not.toContain(TEST_SECRET);
    expect(result.scenario.config).toMatchObject({ webhook: { secret: '<redacted>' } });
    // result.json round-trips through the validating reader.
    expect(parseResult(JSON.stringify(result), 'result.json').counters).toEqual(counters);
    const receiver = validity.processes.find((entry) => entry.role === 'receiver');
    expect(receiver?.cpuMs).toBeGreaterThan(0);
    expect(isAlive(receiver!.pid)).toBe(false);
    expect(liveChildren()).toBe(0);
  });

  it('closed model: keeps the connections busy, and sent = ok + errors', async () => {
    const scenario = scenarioFrom(`
name: closed-small
webhook:
  secret: ${TEST_SECRET}
  load: { model: closed, connections: 8, duration: 1s }
`);
    const { counters, metrics } = await runScenario(scenario);
    expect(counters['webhook.sent']).toBeGreaterThan(500);
    expect(counters['webhook.ok']).toBe(counters['webhook.sent']);
    expect(counters['receiver.unique']).toBe(counters['webhook.sent']);
    expect(counters['webhook.connections.open.peak']).toBe(8);
    expect(metrics['webhook.latency']?.count).toBe(counters['webhook.sent']);
  });

  it('a warm-up sends load first and discards it: the generator, the receiver and the timeline count only the measured part', async () => {
    const open = await runScenario(
      scenarioFrom(`
name: warm-open
webhook:
  load: { model: open, rate: 300, duration: 1s, warmup: 1s }
`),
    );
    expect(open.counters['webhook.sent']).toBe(300);
    expect(open.counters['receiver.received']).toBe(300);
    expect(open.counters['receiver.unique']).toBe(300);
    expect(open.metrics['webhook.delivery']?.count).toBe(300);
    expect(open.timeline[0]?.counts['webhook.sent']).toBeGreaterThan(200);
    const closed = await runScenario(
      scenarioFrom(`
name: warm-closed
webhook:
  load: { model: closed, connections: 4, duration: 1s, warmup: 500ms }
`),
    );
    expect(closed.counters['receiver.unique']).toBe(closed.counters['webhook.sent']);
    expect(closed.counters['webhook.ok']).toBe(closed.counters['webhook.sent']);
  });

  it('counts injected receiver faults as classified errors, never as deliveries', async () => {
    const scenario = scenarioFrom(`
name: faulty
webhook:
  receiver: { errorRate: 0.25, errorStatus: 503, latency: 2ms }
  load: { model: open, rate: 200, duration: 1s }
`);
    const { counters } = await runScenario(scenario);
    const errors = counters['webhook.errors.5xx'] ?? 0;
    expect(counters['webhook.sent']).toBe(200);
    expect(errors).toBe(counters['receiver.faultsInjected']);
    expect(errors).toBeGreaterThan(20);
    expect(errors).toBeLessThan(80);
    expect(counters['webhook.ok']! + errors).toBe(200);
    expect(counters['receiver.unique']).toBe(counters['webhook.ok']);
  });

  it('an abort ends the run early, still returns what was measured, and marks it invalid', async () => {
    const scenario = scenarioFrom(`
name: aborted
webhook:
  load: { model: open, rate: 100, duration: 30s }
`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_500);
    const startedMs = Date.now();
    const result = await runScenario(scenario, { signal: controller.signal });
    expect(Date.now() - startedMs).toBeLessThan(8_000);
    expect(result.interrupted).toBe(true);
    expect(result.validity.ok).toBe(false);
    expect(result.validity.reasons[0]).toMatch(/interrupted/);
    expect(result.counters['webhook.sent']).toBeGreaterThan(10);
    expect(result.counters['webhook.sent']).toBeLessThan(250);
    expect(liveChildren()).toBe(0);
  });
});
