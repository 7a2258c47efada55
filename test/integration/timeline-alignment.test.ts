import { describe, expect, it } from 'vitest';
import { liveChildren } from '../../src/process/child-process.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { sineSchedule } from '../../src/schedule/schedule.js';
import { scenarioFrom } from '../helpers/scenarios.js';

/** Open model: second k of the timeline holds the sends whose intended time is in [k, k+1) s of the schedule. */
describe('timeline slots are aligned with the schedule start', () => {
  it('a sine run\'s per-second sends equal the schedule\'s own per-second counts exactly', async () => {
    const rate = 150;
    const result = await runScenario(
      scenarioFrom(`
name: sine-aligned
webhook:
  load: { model: open, rate: ${rate}, duration: 4s, pattern: sine, sine: { period: 2s, amplitude: 0.9 } }
`),
    );
    const schedule = sineSchedule(rate, 2_000_000, 0.9, 4_000_000);
    const expected = [0, 0, 0, 0];
    for (let index = 0; index < schedule.expectedCount; index++) expected[Math.floor(schedule.offsetUs(index)! / 1_000_000)]!++;
    const perSecond = [0, 1, 2, 3].map((second) => result.timeline.find((point) => point.second === second)?.counts['webhook.sent'] ?? 0);
    expect(result.counters['webhook.sent']).toBe(schedule.expectedCount);
    expect(perSecond).toEqual(expected);
    // The curve itself: 2-second periods, high then low in each.
    expect(expected[0]!).toBeGreaterThan(2 * expected[1]!);
    expect(result.timeline.filter((point) => point.second > 3).reduce((sum, point) => sum + (point.counts['webhook.sent'] ?? 0), 0)).toBe(0);
    expect(liveChildren()).toBe(0);
  });
});
