import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { liveChildren } from '../../src/process/child-process.js';
import { renderTextSummary } from '../../src/report/text-summary.js';
import { renderReport } from '../../src/report/html/render-report.js';
import { scenarioFrom } from '../helpers/scenarios.js';

const DEFAULT_SCENARIO = new URL('../../scenarios/webhook-vs-websocket.yaml', import.meta.url);
const SIX = ['webhook', 'websocket', 'websocket-ack', 'sse', 'polling', 'long-polling'];

describe('the default delivery scenario (npm run bench), at a reduced duration', () => {
  it('compares six transports, each ledger balanced, each with its requests per delivered event', async () => {
    const text = readFileSync(DEFAULT_SCENARIO, 'utf8');
    expect(text).toContain('duration: 10s');
    expect(text).toContain('outage: { at: 3s, for: 3s }');
    // 2 s of the same stream (200 events a second, 10 subscribers) with a 1 s outage from 0.5 s.
    const scenario = scenarioFrom(text.replace('duration: 10s', 'duration: 2s').replace('outage: { at: 3s, for: 3s }', 'outage: { at: 500ms, for: 1s }'), 'webhook-vs-websocket.yaml');
    const result = await runScenario(scenario);
    const { delivery } = result;
    expect(Object.keys(delivery!.transports)).toEqual(SIX);
    expect(delivery!.ledgerBalanced).toBe(true);
    const published = 400 * 10;
    for (const transport of SIX) {
      const entry = delivery!.transports[transport]!;
      expect(entry.balanced, transport).toBe(true);
      expect(entry.published, transport).toBe(published);
      expect(entry.delivered + entry.lost + entry.inflight, transport).toBe(published);
      expect(result.metrics[`delivery.${transport}.latency`]?.count, transport).toBe(entry.delivered);
      expect(result.counters[`delivery.${transport}.requests`], transport).toBe(entry.requests);
      expect(entry.requestsPerDelivered, transport).toBe(Math.round((entry.requests! / entry.delivered) * 10_000) / 10_000);
    }
    const { transports } = delivery!;
    // Lossless by design: retries, acks + resume, Last-Event-ID resume, cursors.
    for (const transport of ['webhook', 'websocket-ack', 'sse', 'polling', 'long-polling']) expect(transports[transport]!.lost, transport).toBe(0);
    expect(transports.websocket!.lost).toBeGreaterThan(0);
    // A webhook is a request per attempt; a WebSocket or SSE stream one per (re)connect.
    expect(transports.webhook!.requests).toBe(transports.webhook!.attempts);
    expect(transports.websocket!.requests).toBe(10 + result.counters['delivery.websocket.reconnects']!);
    expect(transports.sse!.requests).toBe(10 + result.counters['delivery.sse.reconnects']!);
    expect(transports.webhook!.requestsPerDelivered).toBeGreaterThanOrEqual(1);
    expect(transports.sse!.requestsPerDelivered).toBeLessThan(0.1);
    expect(renderTextSummary(result)).toMatch(/long-polling +\S+ +\S+ +4000 +4000 +0 /);
    const html = renderReport([result], { labels: ['default'], generatedAt: new Date('2026-12-02T00:00:00Z') });
    expect(html).toContain('requests per event');
    expect(liveChildren()).toBe(0);
  });
});
