import { describe, expect, it } from 'vitest';
import { MIN_WINDOW_ARRIVALS, PaceTracker, WINDOW_GRACE_US } from '../../../src/load/pace-figures.js';
import { nowUs } from '../../../src/metrics/clock.js';
import { runPacer } from '../../../src/load/pacer.js';
import { constantSchedule } from '../../../src/schedule/schedule.js';

const START_US = 1_000_000_000;
const SECOND_US = 1_000_000;

describe('pace figures: send lag and the achieved share per window', () => {
  it('a punctual pacer: exact lag percentiles, every window at 100%', () => {
    const tracker = new PaceTracker(START_US);
    // 2 s at 100/s, each send 1 ms late (4 ms for one in a hundred).
    for (let index = 0; index < 200; index++) {
      const intendedUs = START_US + index * 10_000;
      tracker.add(intendedUs, intendedUs + (index % 100 === 99 ? 4_000 : 1_000));
    }
    expect(tracker.figures()).toEqual({
      dispatched: 200,
      sendLagP50Us: 1_000,
      sendLagP90Us: 1_000,
      sendLagP99Us: 1_000,
      sendLagMaxUs: 4_001, // the HDR bucket's highest equivalent value, as every max in result.json
      worstWindowRateShare: 1,
      worstWindowSecond: 0,
    });
  });

  it('lateness within the grace costs no window anything; falling behind shows in the window it happened', () => {
    const tracker = new PaceTracker(START_US);
    // Second 0: on time. Second 1: the pacer stalls and sends its second half 600 ms late, in second 2.
    for (let index = 0; index < 300; index++) {
      const intendedUs = START_US + index * 10_000;
      const late = index >= 150 && index < 200 ? 600_000 : WINDOW_GRACE_US;
      tracker.add(intendedUs, intendedUs + late);
    }
    const figures = tracker.figures();
    expect(figures.worstWindowSecond).toBe(1);
    expect(figures.worstWindowRateShare).toBe(0.5);
    expect(figures.sendLagMaxUs).toBeGreaterThanOrEqual(600_000);
  });

  it('does not judge a window with fewer than MIN_WINDOW_ARRIVALS due', () => {
    const tracker = new PaceTracker(START_US);
    for (let index = 0; index < MIN_WINDOW_ARRIVALS - 1; index++) tracker.add(START_US + index * 1_000, START_US + 3 * SECOND_US);
    expect(tracker.figures()).toMatchObject({ worstWindowRateShare: 1, dispatched: MIN_WINDOW_ARRIVALS - 1 });
    expect(tracker.figures().worstWindowSecond).toBeUndefined();
  });

  it('the pacer reports its figures: every dispatch counted, no send before its time', async () => {
    const outcome = await runPacer(constantSchedule(1_000, 300_000), nowUs() + 1_000, () => {});
    expect(outcome.pace.dispatched).toBe(300);
    expect(outcome.pace.sendLagP50Us).toBeGreaterThanOrEqual(0);
    expect(outcome.pace.sendLagMaxUs).toBeGreaterThanOrEqual(outcome.pace.sendLagP99Us);
  });
});
