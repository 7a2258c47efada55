import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { scenarioFrom } from '../helpers/scenarios.js';
import { startServer, type TestServer } from '../helpers/servers.js';

/**
 * A target that keeps, independently of pushbench's counters, the intended send time each request
 * carries (`scheduledAtUs` of the built-in body): per-second counts by intended time are exact,
 * whatever the busy machine does to the timeline's timers.
 */
async function scheduleRecorder(): Promise<{ server: TestServer; perSecond: () => number[]; received: () => number }> {
  const scheduled: number[] = [];
  const server = await startServer((_request, response, body) => {
    scheduled.push(Number(/"scheduledAtUs":(\d+)/.exec(body)![1]));
    response.writeHead(200).end();
  });
  return {
    server,
    received: () => scheduled.length,
    perSecond: () => {
      const first = Math.min(...scheduled); // arrival 0 is meant for offset 0
      const counts: number[] = [];
      for (const at of scheduled) {
        const second = Math.floor((at - first) / 1e6);
        counts[second] = (counts[second] ?? 0) + 1;
      }
      return Array.from(counts, (count) => count ?? 0);
    },
  };
}

/** Arrivals meant for [0, t): arrival i is meant for the time the rate's integral N reaches i, so ceil(N(t)) of them. */
const arrivalsBefore = (integral: number): number => Math.ceil(integral - 1e-9);
const perSecondOf = (integralAt: (seconds: number) => number, seconds: number): number[] =>
  Array.from({ length: seconds }, (_unused, k) => arrivalsBefore(integralAt(k + 1)) - arrivalsBefore(integralAt(k)));

describe('load patterns (real traffic on 127.0.0.1): the schedule, asserted exactly', () => {
  it('stages: sends exactly the integral of its rate, second by second', async () => {
    const target = await scheduleRecorder();
    try {
      // 0 -> 300/s over 2 s (300), hold 300/s for 1 s (300), 300 -> 100/s over 1 s (200): 800.
      const result = await runScenario(
        scenarioFrom(`
name: stages
webhook:
  target: ${target.server.url}
  load:
    model: open
    pattern: stages
    stages:
      - { rate: 300, duration: 2s }
      - { rate: 300, duration: 1s }
      - { rate: 100, duration: 1s }
`),
      );
      // N(t): 75 t² for t <= 2; 300 + 300 (t - 2) for t <= 3; 600 + 300 (t - 3) - 100 (t - 3)² after.
      const integral = (t: number): number => (t <= 2 ? 75 * t * t : t <= 3 ? 300 + 300 * (t - 2) : 600 + 300 * (t - 3) - 100 * (t - 3) ** 2);
      expect(perSecondOf(integral, 4)).toEqual([75, 225, 300, 200]);
      expect(result.counters['webhook.sent']).toBe(800);
      expect(result.counters['webhook.ok']).toBe(800);
      expect(target.received()).toBe(800);
      expect(target.perSecond()).toEqual([75, 225, 300, 200]);
      expect(result.plannedWindowUs).toBe(4_000_000);
    } finally {
      await target.server.close();
    }
  });

  it('sine: sends rate x duration over whole periods, and each second exactly what the curve holds (amplitude 0.55 would not pass for 0.8)', async () => {
    const target = await scheduleRecorder();
    try {
      const result = await runScenario(
        scenarioFrom(`
name: sine
webhook:
  target: ${target.server.url}
  load: { model: open, rate: 200, duration: 4s, pattern: sine, sine: { period: 4s, amplitude: 0.8 } }
`),
      );
      // N(t) = 200 t + 200 x a x 4/(2π) x (1 - cos(2πt/4)).
      const sine = (amplitude: number) => (t: number): number => 200 * t + ((200 * amplitude * 4) / (2 * Math.PI)) * (1 - Math.cos((Math.PI * t) / 2));
      expect(perSecondOf(sine(0.8), 4)).toEqual([302, 302, 98, 98]);
      expect(perSecondOf(sine(0.55), 4)).toEqual([271, 270, 130, 129]);
      expect(result.counters['webhook.sent']).toBe(800);
      expect(result.counters['webhook.ok']).toBe(800);
      expect(target.received()).toBe(800);
      expect(target.perSecond()).toEqual([302, 302, 98, 98]);
    } finally {
      await target.server.close();
    }
  });
});
