import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { buildSchedule } from '../../../src/load/schedule.js';
import { piecewiseLinearSchedule, sineSchedule, type Schedule } from '../../../src/schedule/schedule.js';
import { LOAD_PATTERNS } from '../../../src/schedule/patterns/registry.js';
import { parseScenarioBytes } from '../../../src/scenario/load-scenario.js';
import type { OpenLoadConfig } from '../../../src/scenario/schema.js';

function offsets(schedule: Schedule): number[] {
  return Array.from({ length: schedule.expectedCount }, (_unused, index) => schedule.offsetUs(index)!);
}

/** Arrivals per whole second of the schedule. */
function perSecond(schedule: Schedule): number[] {
  const counts = new Array<number>(Math.ceil(schedule.durationUs / 1e6)).fill(0);
  for (const offset of offsets(schedule)) counts[Math.floor(offset / 1e6)]!++;
  return counts;
}

function openLoad(yamlLoad: string): OpenLoadConfig {
  const loaded = parseScenarioBytes(Buffer.from(`name: p\nwebhook:\n  load:\n${yamlLoad}`), 'p.yaml');
  return loaded.config.webhook!.load as OpenLoadConfig;
}

function problems(yamlLoad: string): readonly string[] {
  try {
    openLoad(yamlLoad);
  } catch (error) {
    if (error instanceof InputError) return error.lines;
    throw error;
  }
  return [];
}

describe('load patterns', () => {
  it('every pattern is registered once by name', () => {
    const names = LOAD_PATTERNS.map((pattern) => pattern.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['constant', 'ramp', 'burst', 'stages', 'sine']));
  });

  it('stages: the count is the integral of the piecewise-linear rate, offsets rise, each stage lands in its window', () => {
    // 0 -> 100/s over 10 s (500), hold 100/s for 5 s (500), 100 -> 20/s over 4 s (240): 1,240.
    const load = openLoad('    model: open\n    pattern: stages\n    stages:\n      - { rate: 100, duration: 10s }\n      - { rate: 100, duration: 5s }\n      - { rate: 20, duration: 4s }\n');
    expect(load.durationUs).toBe(19_000_000);
    expect(load.peakRatePerSec).toBe(100);
    const schedule = buildSchedule(load);
    expect(schedule.expectedCount).toBe(1_240);
    const all = offsets(schedule);
    for (let index = 1; index < all.length; index++) expect(all[index]!).toBeGreaterThanOrEqual(all[index - 1]!);
    expect(all.at(-1)!).toBeLessThanOrEqual(19_000_000);
    const seconds = perSecond(schedule);
    expect(seconds.slice(0, 10).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(499);
    expect(seconds.slice(0, 10).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(501);
    expect(seconds.slice(10, 15)).toEqual([100, 100, 100, 100, 100]);
    // The ramp up: second k holds about 10k + 5 arrivals.
    for (let second = 0; second < 10; second++) expect(Math.abs(seconds[second]! - (10 * second + 5))).toBeLessThanOrEqual(1);
  });

  it('stages may start from startRate and pass through a stage at rate 0', () => {
    const schedule = piecewiseLinearSchedule(50, [
      { toPerSec: 0, durationUs: 2_000_000 },
      { toPerSec: 0, durationUs: 1_000_000 },
      { toPerSec: 100, durationUs: 2_000_000 },
    ]);
    expect(schedule.expectedCount).toBe(150);
    const seconds = perSecond(schedule);
    expect(seconds[2]).toBe(0); // the rate-0 stage sends nothing
    expect(seconds.reduce((a, b) => a + b, 0)).toBe(150);
  });

  it('sine: the count over whole periods is rate x duration, and per-second counts follow the curve', () => {
    const schedule = sineSchedule(200, 20_000_000, 0.5, 40_000_000);
    expect(schedule.expectedCount).toBe(8_000);
    const seconds = perSecond(schedule);
    seconds.forEach((count, second) => {
      const t0 = second * 1e6;
      const t1 = t0 + 1e6;
      const omega = (2 * Math.PI) / 20e6;
      const expected = 200 * ((t1 - t0) / 1e6) + ((200 * 0.5) / omega / 1e6) * (Math.cos(omega * t0) - Math.cos(omega * t1)) * 1e6 / 1e6;
      expect(Math.abs(count - expected)).toBeLessThanOrEqual(1.5);
    });
    expect(Math.max(...seconds)).toBeGreaterThan(290); // peak near 300/s
    expect(Math.min(...seconds)).toBeLessThan(110); // trough near 100/s
  });

  it('sine through the scenario: peak rate and schedule', () => {
    const load = openLoad('    model: open\n    rate: 100\n    duration: 10s\n    pattern: sine\n    sine: { period: 10s, amplitude: 1 }\n');
    expect(load.peakRatePerSec).toBe(200);
    expect(buildSchedule(load).expectedCount).toBe(1_000);
  });

  it('located errors: keys of another pattern, missing sections, rate with stages', () => {
    expect(problems('    model: open\n    rate: 5\n    duration: 5s\n    pattern: sine\n')).toEqual([
      'p.yaml:7:14: webhook.load.pattern: pattern "sine" needs a `sine: { period, amplitude }` section',
    ]);
    expect(problems('    model: open\n    rate: 5\n    duration: 5s\n    stages: [{ rate: 5, duration: 1s }]\n')[0]).toMatch(
      /^p\.yaml:7:13: webhook\.load\.stages: `stages` only applies to pattern "stages"/,
    );
    expect(problems('    model: open\n    rate: 5\n    pattern: stages\n    stages: [{ rate: 5, duration: 1s }]\n')[0]).toMatch(
      /^p\.yaml:5:11: webhook\.load\.rate: `rate` does not apply to pattern "stages"/,
    );
    expect(problems('    model: open\n    duration: 5s\n')[0]).toMatch(/webhook\.load\.rate: required: pattern "constant" needs `rate`/);
    expect(problems('    model: open\n    rate: 5\n    duration: 5s\n    pattern: sine\n    sine: { period: 1s, amplitude: 2 }\n')[0]).toMatch(/webhook\.load\.sine\.amplitude/);
  });
});
