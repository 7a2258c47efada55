import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';

/** Sends per timeline second (the timeline's second 0 is the schedule's start). */
function sentPerSecond(timeline: ReadonlyArray<{ second: number; counts: Record<string, number> }>): Map<number, number> {
  const perSecond = new Map<number, number>();
  for (const point of timeline) perSecond.set(point.second, (perSecond.get(point.second) ?? 0) + (point.counts['webhook.sent'] ?? 0));
  return perSecond;
}

describe('load patterns against the built-in receiver (real traffic on 127.0.0.1)', () => {
  it('stages: sends the integral of its rate (within 1%), every request answered and received', async () => {
    // 0 -> 300/s over 2 s (300), hold 300/s for 1 s (300), 300 -> 100/s over 1 s (200): 800.
    const result = await runScenario(
      scenarioFrom(`
name: stages
webhook:
  load:
    model: open
    pattern: stages
    stages:
      - { rate: 300, duration: 2s }
      - { rate: 300, duration: 1s }
      - { rate: 100, duration: 1s }
`),
    );
    const sent = result.counters['webhook.sent']!;
    expect(Math.abs(sent - 800) / 800).toBeLessThanOrEqual(0.01);
    expect(result.counters['webhook.ok']).toBe(sent);
    expect(result.counters['receiver.unique']).toBe(sent);
    expect(result.plannedWindowUs).toBe(4_000_000);
  });

  it('sine: over whole periods sends rate x duration, and the per-second counts follow the curve', async () => {
    const result = await runScenario(
      scenarioFrom(`
name: sine
webhook:
  load: { model: open, rate: 200, duration: 4s, pattern: sine, sine: { period: 4s, amplitude: 0.8 } }
`),
    );
    const sent = result.counters['webhook.sent']!;
    expect(Math.abs(sent - 800) / 800).toBeLessThanOrEqual(0.01);
    expect(result.counters['receiver.unique']).toBe(sent);
    // Expected per second: 200 + 200 x 0.8 x (cos(2πk/4) - cos(2π(k+1)/4)) x 4/(2π): about 302, 302, 98, 98.
    const perSecond = sentPerSecond(result.timeline);
    const expected = [0, 1, 2, 3].map((k) => 200 + ((200 * 0.8 * 4) / (2 * Math.PI)) * (Math.cos((Math.PI * k) / 2) - Math.cos((Math.PI * (k + 1)) / 2)));
    // The timeline's seconds roll on a timer that a busy machine delays by up to ~150 ms, moving some
    // sends across a boundary (never in or out of the run): a tolerance of a sixth of the peak.
    expected.forEach((count, second) => expect(Math.abs((perSecond.get(second) ?? 0) - count)).toBeLessThanOrEqual(50));
    expect(Math.min(perSecond.get(0) ?? 0, perSecond.get(1) ?? 0)).toBeGreaterThan(2 * Math.max(perSecond.get(2) ?? 0, perSecond.get(3) ?? 0));
  });
});
