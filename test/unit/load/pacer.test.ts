import { describe, expect, it, vi } from 'vitest';
import { nowUs } from '../../../src/metrics/clock.js';
import { PacerPoke, runPacer } from '../../../src/load/pacer.js';
import { constantSchedule, piecewiseLinearSchedule } from '../../../src/schedule/schedule.js';

describe('pacer (timers only, batches of what is due)', () => {
  it('dispatches every arrival exactly once, in order, with its intended time from the schedule', async () => {
    const schedule = constantSchedule(2_000, 300_000);
    const seen: Array<[number, number]> = [];
    const startUs = nowUs() + 1_000;
    const outcome = await runPacer(schedule, startUs, (index, intendedUs) => seen.push([index, intendedUs]));
    expect(outcome.dispatched).toBe(600);
    expect(seen.map(([index]) => index)).toEqual(Array.from({ length: 600 }, (_unused, index) => index));
    seen.forEach(([index, intendedUs]) => expect(intendedUs).toBe(startUs + schedule.offsetUs(index)!));
  });

  it('never dispatches an arrival before its intended time, and sends several per timer tick at high rates', async () => {
    const schedule = piecewiseLinearSchedule(0, [{ toPerSec: 20_000, durationUs: 200_000 }]);
    const startUs = nowUs() + 1_000;
    const early: number[] = [];
    const ticks = new Set<number>();
    const outcome = await runPacer(schedule, startUs, (_index, intendedUs) => {
      const now = nowUs();
      if (now < intendedUs) early.push(intendedUs - now);
      ticks.add(Math.floor(now / 500));
    });
    expect(outcome.dispatched).toBe(schedule.expectedCount);
    expect(early).toEqual([]);
    // 2,000 sends in 200 ms went out in far fewer wake-ups than sends: batches, not one wake-up each.
    expect(ticks.size).toBeLessThan(outcome.dispatched / 4);
  });

  it('does not spin: between sends it sleeps on timers, never on setImmediate', async () => {
    const immediate = vi.spyOn(globalThis, 'setImmediate');
    try {
      await runPacer(constantSchedule(2_000, 200_000), nowUs() + 1_000, () => {});
      // setImmediate only continues a batch that is already due; a punctual pacer at 2,000/s needs few if any.
      expect(immediate.mock.calls.length).toBeLessThan(40);
    } finally {
      immediate.mockRestore();
    }
  });

  it('stops on abort with what it dispatched, and its pace figures count exactly those sends', async () => {
    const controller = new AbortController();
    const outcome = await runPacer(constantSchedule(1_000, 10_000_000), nowUs() + 1_000, (index) => {
      if (index === 49) controller.abort();
    }, controller.signal);
    expect(outcome.dispatched).toBe(50);
    expect(outcome.pace.dispatched).toBe(50);
  });

  it('a poke between timers sends only overdue arrivals, each once and never early', async () => {
    const schedule = constantSchedule(5_000, 200_000);
    const startUs = nowUs() + 1_000;
    const poke = new PacerPoke();
    const seen: number[] = [];
    const early: number[] = [];
    let pokes = 0;
    let poking = false;
    let sentByPoke = 0;
    // A stand-in for response reads: something wakes the loop every ~0.2 ms and pokes the pacer.
    const poker = setInterval(() => {
      pokes++;
      poking = true;
      poke.poke();
      poking = false;
    }, 0.2);
    try {
      const outcome = await runPacer(schedule, startUs, (index, intendedUs) => {
        const now = nowUs();
        if (now < intendedUs) early.push(index);
        if (poking) sentByPoke++;
        seen.push(index);
      }, undefined, undefined, poke);
      expect(outcome.dispatched).toBe(1_000);
    } finally {
      clearInterval(poker);
    }
    expect(pokes).toBeGreaterThan(0);
    // The poke itself sent: arrivals fell due between the pacer's own timers (every 0.2 ms at 5,000/s,
    // which timers of ~1 ms resolution cannot follow) and went out from inside poke().
    expect(sentByPoke).toBeGreaterThan(0);
    expect(seen).toEqual(Array.from({ length: 1_000 }, (_unused, index) => index));
    expect(early).toEqual([]);
    // Once the schedule is done, a poke does nothing.
    poke.poke();
    expect(seen).toHaveLength(1_000);
  });
});
