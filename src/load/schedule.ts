import type { OpenLoadConfig } from '../scenario/schema.js';

/**
 * An open-model arrival schedule: when request i is meant to start, as an offset from the start of
 * the run. Offsets come from the integral of the rate, so they stay exact however long the run.
 */
export interface Schedule {
  /** Intended start of request `index`, in µs from the run's start; undefined once past the end. */
  offsetUs(index: number): number | undefined;
  /** How many requests the whole schedule holds. */
  readonly expectedCount: number;
  readonly durationUs: number;
}

export function buildSchedule(load: OpenLoadConfig): Schedule {
  const { durationUs } = load;
  switch (load.pattern) {
    case 'constant':
      return constantSchedule(load.ratePerSec, durationUs);
    case 'ramp':
      return rampSchedule(load.ramp?.fromPerSec ?? 0, load.ratePerSec, durationUs);
    case 'burst': {
      const burst = load.burst!;
      return burstSchedule(load.ratePerSec, burst.multiplier, burst.periodUs, burst.burstUs, durationUs);
    }
  }
}

function bounded(durationUs: number, expectedCount: number, offsetOf: (index: number) => number): Schedule {
  return {
    durationUs,
    expectedCount,
    offsetUs: (index) => (index < expectedCount ? Math.round(offsetOf(index)) : undefined),
  };
}

export function constantSchedule(ratePerSec: number, durationUs: number): Schedule {
  const perUs = ratePerSec / 1e6;
  return bounded(durationUs, Math.floor(perUs * durationUs + 1e-9), (index) => index / perUs);
}

/** Rate rises linearly from `fromPerSec` to `toPerSec` over the duration. */
export function rampSchedule(fromPerSec: number, toPerSec: number, durationUs: number): Schedule {
  const a = fromPerSec / 1e6;
  const slope = (toPerSec - fromPerSec) / 1e6 / durationUs; // rate change per µs, per µs
  const expected = Math.floor(((fromPerSec + toPerSec) / 2) * (durationUs / 1e6) + 1e-9);
  return bounded(durationUs, expected, (index) => {
    if (Math.abs(slope) < 1e-18) return index / a;
    // Solve a*t + slope*t^2/2 = index for t.
    return (-a + Math.sqrt(a * a + 2 * slope * index)) / slope;
  });
}

/**
 * Base rate, and for the last `burstUs` of every `periodUs` the rate times `multiplier`. The run
 * opens at the base rate, so each burst hits warm connections.
 */
export function burstSchedule(
  ratePerSec: number,
  multiplier: number,
  periodUs: number,
  burstUs: number,
  durationUs: number,
): Schedule {
  const base = ratePerSec / 1e6;
  const peak = base * multiplier;
  const calmUs = periodUs - burstUs;
  const calmCount = base * calmUs;
  const perPeriod = calmCount + peak * burstUs;
  const countUntil = (us: number): number => {
    const periods = Math.floor(us / periodUs);
    const within = us - periods * periodUs;
    return periods * perPeriod + (within <= calmUs ? base * within : calmCount + peak * (within - calmUs));
  };
  return bounded(durationUs, Math.floor(countUntil(durationUs) + 1e-9), (index) => {
    const periods = Math.floor(index / perPeriod);
    const rest = index - periods * perPeriod;
    const within = rest < calmCount ? rest / base : calmUs + (rest - calmCount) / peak;
    return periods * periodUs + within;
  });
}
