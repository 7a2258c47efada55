import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import type { ProgressSnapshot } from '../../src/run/progress.js';
import { scenarioFrom } from '../helpers/scenarios.js';

describe('delivery runs show a live p99 and delivered per second (progress line and dashboard)', () => {
  it('every transport reports its deliveries while it streams; the live figures come from the same receipts as result.json', async () => {
    const scenario = scenarioFrom(`
name: delivery-live
seed: 3
delivery:
  events: { rate: 50, duration: 3s, sizeBytes: 200 }
  subscribers: 2
  drain: 2s
`);
    const snapshots: ProgressSnapshot[] = [];
    const result = await runScenario(scenario, { onProgress: (progress) => snapshots.push(progress) });
    for (const transport of ['webhook', 'websocket', 'websocket-ack']) {
      const mine = snapshots.filter((snapshot) => snapshot.label === transport);
      expect(mine.length, transport).toBeGreaterThanOrEqual(2);
      const live = mine.reduce((sum, snapshot) => sum + (snapshot.deliveredPerSec ?? 0), 0);
      const { delivered } = result.delivery!.transports[transport]!;
      expect(delivered).toBe(300);
      // Deliveries after the last progress tick are not shown live; none is shown twice.
      expect(live, transport).toBeGreaterThan(0);
      expect(live, transport).toBeLessThanOrEqual(delivered);
      const p99s = mine.flatMap((snapshot) => (snapshot.p99Us === undefined ? [] : [snapshot.p99Us]));
      expect(p99s.length, transport).toBeGreaterThan(0);
      for (const snapshot of mine) expect(snapshot.p99Us === undefined, transport).toBe((snapshot.deliveredPerSec ?? 0) === 0);
      if (transport !== 'webhook') {
        // Receipt latency (t3 - t0) live is a subset of the samples of delivery.<transport>.latency.
        const metric = result.metrics[`delivery.${transport}.latency`]!;
        for (const p99 of p99s) expect(p99).toBeLessThanOrEqual(metric.max);
      }
    }
  }, 60_000);
});
