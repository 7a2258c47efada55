import { describe, expect, it } from 'vitest';
import { burstSchedule, constantSchedule, rampSchedule, type Schedule } from '../../../src/load/schedule.js';

function offsets(schedule: Schedule): number[] {
  const all: number[] = [];
  for (let i = 0; ; i++) {
    const offset = schedule.offsetUs(i);
    if (offset === undefined) return all;
    all.push(offset);
  }
}

function countIn(all: number[], fromUs: number, toUs: number): number {
  return all.filter((offset) => offset >= fromUs && offset < toUs).length;
}

describe('open-model schedules', () => {
  it('constant: rate x duration requests, evenly spaced, within the duration', () => {
    const all = offsets(constantSchedule(2_000, 3_000_000));
    expect(all).toHaveLength(6_000);
    expect(all[1]! - all[0]!).toBe(500);
    expect(all.at(-1)!).toBeLessThan(3_000_000);
  });

  it('burst: base rate, and the rate x multiplier for the last `for` of every period', () => {
    const schedule = burstSchedule(1_000, 10, 5_000_000, 1_000_000, 10_000_000);
    const all = offsets(schedule);
    expect(schedule.expectedCount).toBe(2 * (4_000 + 10_000));
    expect(all).toHaveLength(schedule.expectedCount);
    expect(countIn(all, 0, 4_000_000)).toBe(4_000);
    expect(countIn(all, 4_000_000, 5_000_000)).toBe(10_000);
    expect(countIn(all, 5_000_000, 9_000_000)).toBe(4_000);
    expect(countIn(all, 9_000_000, 10_000_000)).toBe(10_000);
  });

  it('ramp: rate rises linearly, so each second carries more than the one before', () => {
    const schedule = rampSchedule(0, 1_000, 4_000_000);
    const all = offsets(schedule);
    expect(all).toHaveLength(2_000);
    const perSecond = [0, 1, 2, 3].map((s) => countIn(all, s * 1_000_000, (s + 1) * 1_000_000));
    expect(perSecond.map((n) => Math.round(n / 10) * 10)).toEqual([130, 380, 630, 880]);
  });

  it('offsets never go backwards', () => {
    for (const schedule of [constantSchedule(777, 2_000_000), rampSchedule(100, 900, 2_000_000), burstSchedule(300, 7, 700_000, 200_000, 2_000_000)]) {
      const all = offsets(schedule);
      for (let i = 1; i < all.length; i++) expect(all[i]!).toBeGreaterThanOrEqual(all[i - 1]!);
    }
  });
});
