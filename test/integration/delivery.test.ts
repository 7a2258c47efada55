import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { liveChildren } from '../../src/process/child-process.js';
import { parseResult } from '../../src/result/read-result.js';
import { EventStream, streamSpecOf } from '../../src/delivery/stream.js';
import { RECONNECT_MIN_MS, RECONNECT_SPREAD_MS } from '../../src/delivery/ws-subscribers.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { mulberry32 } from '../../src/template/render.js';
import { scenarioFrom, TEST_SECRET } from '../helpers/scenarios.js';

const SUBSCRIBERS = 4;

/**
 * What the webhook receivers' seeded fault draw gives (src/delivery/webhook-subscribers.ts): per
 * request one roll against the cumulative fractions of 500, 429, 410, reset, hang; an answered
 * request (not reset, not hung) draws a second roll for its jitter. Counts [500, 429, reset, hang].
 */
function expectedFaults(options: { seed: number; fractions: readonly number[]; oks: number }): number[] {
  const random = mulberry32(options.seed ^ 0x5eed);
  let sum = 0;
  const thresholds = options.fractions.map((fraction) => (sum += fraction));
  const counts = { '500': 0, '429': 0, '410': 0, reset: 0, hang: 0, ok: 0 };
  while (counts.ok < options.oks) {
    const roll = random();
    const kind = (['500', '429', '410', 'reset', 'hang'] as const)[thresholds.findIndex((threshold) => roll < threshold)] ?? 'ok';
    counts[kind]++;
    if (kind !== 'reset' && kind !== 'hang') random();
  }
  return [counts['500'], counts['429'], counts.reset, counts.hang];
}

describe('delivery: one seeded stream through webhook, websocket and websocket-ack (real child processes on 127.0.0.1)', () => {
  it('with a 1 s outage: webhook retries lose nothing, plain push loses the window, acks + resume lose nothing but duplicate', async () => {
    const scenario = scenarioFrom(`
name: delivery-outage
seed: 5
delivery:
  events: { rate: 100, duration: 3s, sizeBytes: 300 }
  subscribers: ${SUBSCRIBERS}
  webhook: { secret: ${TEST_SECRET}, timeout: 500ms, retry: { maxAttempts: 10, compress: 10000 } }
  faults: { latency: 1ms, jitter: 1ms, outage: { at: 1s, for: 1s } }
  drain: 8s
`);
    const result = await runScenario(scenario);
    const { delivery, counters, metrics } = result;
    const published = 300 * SUBSCRIBERS;
    expect(delivery?.ledgerBalanced).toBe(true);
    expect(result.validity.reasons.filter((reason) => reason.includes('ledger') || reason.includes('backlog'))).toEqual([]);

    const webhook = delivery!.transports.webhook!;
    expect(webhook).toMatchObject({ published, delivered: published, lost: 0, inflight: 0, balanced: true });
    // The outage alone fails every first attempt in its window: at least 100 events x 4 subscribers more attempts.
    expect(webhook.attempts).toBeGreaterThan(published + 400);
    expect(webhook.retryAmplification).toBe(Math.round((webhook.attempts! / published) * 10_000) / 10_000);
    expect(counters['delivery.webhook.attempts']).toBe(webhook.attempts);
    expect(counters['delivery.webhook.receiver.outages']).toBe(1);
    expect(counters['delivery.webhook.receiver.ok']).toBe(published + webhook.duplicates);
    expect(counters['delivery.webhook.receiver.requests']).toBe(counters['delivery.webhook.receiver.ok']);
    // Every attempt but each pair's one 2xx failed at the sender (refused or cut while the receivers
    // were down, or a 200 later than the timeout), counted by class with its causes.
    const failedAttempts = Object.entries(counters).filter(([name]) => name.startsWith('delivery.webhook.errors.'));
    expect(failedAttempts.reduce((sum, [, count]) => sum + count, 0)).toBe(webhook.attempts! - published);
    expect(counters['delivery.webhook.errors.refused']).toBeGreaterThan(0);
    expect(result.causes?.['delivery.webhook.errors.refused']?.map(({ cause }) => cause)).toEqual([expect.stringMatching(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/)]);
    for (const [name, count] of failedAttempts) expect(result.causes?.[name]?.reduce((sum, entry) => sum + entry.count, 0), name).toBeLessThanOrEqual(count);

    // Plain push loses what was published during the window, plus the reconnect gap after it.
    const stream = new EventStream(streamSpecOf(scenario.config.delivery!, 5));
    const inWindow = stream.countBetween(1_000_000, 2_000_000) * SUBSCRIBERS;
    // Slack for a busy CI machine: reconnects that land up to 0.5 s after their planned time.
    const withReconnect = stream.countBetween(1_000_000, 2_000_000 + (RECONNECT_MIN_MS + RECONNECT_SPREAD_MS + 500) * 1000) * SUBSCRIBERS;
    expect(inWindow).toBe(400);
    const websocket = delivery!.transports.websocket!;
    expect(websocket.lost).toBeGreaterThanOrEqual(inWindow);
    expect(websocket.lost).toBeLessThanOrEqual(withReconnect);
    expect(websocket).toMatchObject({ published, delivered: published - websocket.lost, inflight: 0, duplicates: 0, balanced: true });
    expect(counters['delivery.websocket.reconnects']).toBeGreaterThanOrEqual(SUBSCRIBERS * 5);

    const ack = delivery!.transports['websocket-ack']!;
    expect(ack).toMatchObject({ published, delivered: published, lost: 0, inflight: 0, balanced: true });
    expect(ack.duplicates).toBeGreaterThan(0);
    expect(counters['delivery.websocket-ack.replayed']).toBeGreaterThanOrEqual(inWindow + ack.duplicates);

    for (const transport of ['webhook', 'websocket', 'websocket-ack']) {
      const entry = delivery!.transports[transport]!;
      expect(metrics[`delivery.${transport}.latency`]?.count).toBe(entry.delivered);
      expect(counters[`ledger.${transport}.published`]).toBe(published);
      expect(counters[`ledger.${transport}.delivered`]).toBe(entry.delivered);
      expect(counters[`ledger.${transport}.lost`]).toBe(entry.lost);
      expect(entry.bytesPerDelivered).toBeGreaterThan(300);
      expect(entry.sendCpuMsPer1kEvents).toBeGreaterThan(0);
      expect(entry.receiveCpuMsPer1kEvents).toBeGreaterThan(0);
    }
    // Events delivered after the outage are in the histogram: the webhook tail waits for retries.
    expect(metrics['delivery.webhook.latency']!.max).toBeGreaterThan(500_000);
    expect(parseResult(JSON.stringify(result), 'result.json').delivery).toEqual(delivery);
    expect(renderTextSummary(result)).toMatch(/websocket-ack +\S+ +\S+ +1200 +1200 +0 /);
    expect(liveChildren()).toBe(0);
  });

  it('without faults every transport delivers every pair exactly once', async () => {
    const scenario = scenarioFrom(`
name: delivery-clean
delivery:
  events: { rate: 100, duration: 2s, sizeBytes: 256 }
  subscribers: 5
  webhook: { secret: ${TEST_SECRET} }
  drain: 3s
`);
    const result = await runScenario(scenario);
    const exactlyOnce = { published: 1000, delivered: 1000, lost: 0, inflight: 0, duplicates: 0, ackedNotReceived: 0, receivedNotSent: 0, balanced: true };
    for (const transport of ['webhook', 'websocket', 'websocket-ack']) {
      expect(result.delivery!.transports[transport]).toMatchObject(exactlyOnce);
      expect(result.metrics[`delivery.${transport}.latency`]?.count).toBe(1000);
    }
    expect(result.delivery!.transports.webhook).toMatchObject({ attempts: 1000, retryAmplification: 1 });
    // One connection per subscriber, in order: nothing is reordered on a WebSocket.
    expect(result.delivery!.transports.websocket).toMatchObject({ peakSockets: 5, reordered: 0 });
    expect(result.delivery!.transports['websocket-ack']).toMatchObject({ peakSockets: 5, reordered: 0 });
    expect(result.counters['delivery.websocket-ack.replayed']).toBe(0);
    expect(liveChildren()).toBe(0);
  });

  it('webhook error faults (500, 429 + Retry-After, reset, hang) are retried until delivered; 410 disables the endpoint', async () => {
    const faulty = await runScenario(
      scenarioFrom(`
name: delivery-errors
delivery:
  events: { rate: 100, duration: 2s, sizeBytes: 256 }
  subscribers: ${SUBSCRIBERS}
  transports: [webhook]
  webhook: { secret: ${TEST_SECRET}, timeout: 300ms, retry: { maxAttempts: 10, compress: 10000 } }
  faults: { errors: { "500": 0.05, "429": 0.02, reset: 0.02, hang: 0.02 } }
  drain: 5s
`),
    );
    const webhook = faulty.delivery!.transports.webhook!;
    expect(webhook).toMatchObject({ published: 800, delivered: 800, lost: 0, inflight: 0, balanced: true });
    const faults = ['500', '429', 'reset', 'hang'].map((name) => faulty.counters[`delivery.webhook.receiver.${name}`]!);
    // The receivers draw one seeded roll per request, in the order requests finish arriving (whoever
    // sent them): the faults are exactly those of the rolls drawn until 800 + duplicates were answered 200.
    expect(faults).toEqual(expectedFaults({ seed: 1, fractions: [0.05, 0.02, 0, 0.02, 0.02], oks: 800 + webhook.duplicates }));
    // Every fault costs exactly one more attempt; every request the receiver saw was an attempt.
    expect(webhook.attempts).toBe(800 + faults.reduce((sum, count) => sum + count, 0) + webhook.duplicates);
    expect(faulty.counters['delivery.webhook.receiver.requests']).toBe(webhook.attempts);
    // A 429 asks for 1 s: the slowest deliveries waited for it.
    expect(faulty.metrics['delivery.webhook.latency']!.max).toBeGreaterThan(1_000_000);
    // Every failed attempt counts at the sender by class, with its cause (status + body head, or
    // why there was no answer): an injected fault, or a 200 that came after the 300 ms timeout
    // (its pair was sent again: a duplicate). On a quiet machine each class equals the receivers'
    // count of its fault; an answer that came too late on a busy one is a timeout instead.
    const [answered500, answered429, resets, hangs] = faults as [number, number, number, number];
    const errors = Object.fromEntries(Object.entries(faulty.counters).filter(([name]) => name.startsWith('delivery.webhook.errors.')));
    expect(Object.keys(errors).sort()).toEqual(['delivery.webhook.errors.4xx', 'delivery.webhook.errors.5xx', 'delivery.webhook.errors.reset', 'delivery.webhook.errors.timeout']);
    expect(Object.values(errors).reduce((sum, count) => sum + count, 0)).toBe(webhook.attempts! - 800);
    expect(Object.values(errors).reduce((sum, count) => sum + count, 0)).toBe(answered500 + answered429 + resets + hangs + webhook.duplicates);
    expect(errors['delivery.webhook.errors.5xx']).toBeGreaterThan(0);
    expect(errors['delivery.webhook.errors.5xx']).toBeLessThanOrEqual(answered500);
    expect(errors['delivery.webhook.errors.4xx']).toBeLessThanOrEqual(answered429);
    expect(errors['delivery.webhook.errors.reset']).toBeLessThanOrEqual(resets);
    expect(errors['delivery.webhook.errors.timeout']).toBeGreaterThanOrEqual(hangs);
    const causes = faulty.causes!;
    expect(Object.keys(causes).sort()).toEqual(Object.keys(errors).sort());
    expect(causes['delivery.webhook.errors.5xx']).toEqual([{ cause: 'HTTP 500: {"error":"injected fault 500"}', count: errors['delivery.webhook.errors.5xx'] }]);
    expect(causes['delivery.webhook.errors.4xx']).toEqual([{ cause: 'HTTP 429: {"error":"injected fault 429"}', count: errors['delivery.webhook.errors.4xx'] }]);
    expect(causes['delivery.webhook.errors.timeout']).toEqual([{ cause: 'no complete response within 0.3s', count: errors['delivery.webhook.errors.timeout'] }]);
    // A reset is seen as the peer closing, or as the OS's error on the socket.
    expect(causes['delivery.webhook.errors.reset']!.reduce((sum, { count }) => sum + count, 0)).toBe(errors['delivery.webhook.errors.reset']);
    for (const { cause } of causes['delivery.webhook.errors.reset']!) expect(cause).toMatch(/^(the target closed the connection before a complete response|read ECONNRESET|write EPIPE)$/);
    expect(renderTextSummary(faulty)).toContain(`delivery.webhook.errors.5xx: ${String(errors['delivery.webhook.errors.5xx']).padStart(7)} x HTTP 500: {"error":"injected fault 500"}`);

    const gone = await runScenario(
      scenarioFrom(`
name: delivery-gone
delivery:
  events: { rate: 100, duration: 1s, sizeBytes: 256 }
  subscribers: ${SUBSCRIBERS}
  transports: [webhook]
  faults: { errors: { "410": 0.05 } }
  drain: 2s
`),
    );
    const disabled = gone.delivery!.transports.webhook!;
    // Each endpoint is disabled by its first 410; attempts already in flight to it may draw 410s too,
    // so the endpoints disabled are at least one and at most min(410 answers, subscribers).
    expect(gone.counters['delivery.webhook.disabledEndpoints']).toBeGreaterThan(0);
    expect(gone.counters['delivery.webhook.disabledEndpoints']).toBeLessThanOrEqual(Math.min(gone.counters['delivery.webhook.receiver.410']!, SUBSCRIBERS));
    expect(disabled).toMatchObject({ published: 400, inflight: 0, duplicates: 0, balanced: true });
    expect(disabled.lost).toBeGreaterThan(0);
    expect(disabled.delivered + disabled.lost).toBe(400);
    expect(disabled.attempts).toBe(disabled.delivered + gone.counters['delivery.webhook.receiver.410']!);
    expect(gone.counters['delivery.webhook.errors.4xx']).toBe(gone.counters['delivery.webhook.receiver.410']);
    expect(gone.causes).toEqual({ 'delivery.webhook.errors.4xx': [{ cause: 'HTTP 410: {"error":"injected fault 410"}', count: gone.counters['delivery.webhook.receiver.410'] }] });
  });

  it('Ctrl-C (abort) cuts the run short: the result comes back at once, balanced, and no child outlives it', async () => {
    const scenario = scenarioFrom(`
name: delivery-abort
delivery:
  events: { rate: 100, duration: 20s }
  subscribers: 3
  transports: [websocket-ack, webhook]
  drain: 10s
`);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 1_500);
    const result = await runScenario(scenario, { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(result.interrupted).toBe(true);
    expect(Object.keys(result.delivery!.transports)).toEqual(['websocket-ack']);
    const ack = result.delivery!.transports['websocket-ack']!;
    expect(ack.balanced).toBe(true);
    expect(ack.published).toBeGreaterThan(0);
    expect(ack.published).toBeLessThan(2000 * 3);
    expect(ack.delivered + ack.lost + ack.inflight).toBe(ack.published);
    expect(liveChildren()).toBe(0);
  });
});
