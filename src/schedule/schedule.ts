/**
 * An open-model arrival schedule: when arrival i is meant to start, as an offset from the start of
 * the run. Offsets come from the integral of the rate, so they stay exact however long the run.
 */
export interface Schedule {
  /** Intended start of arrival `index`, in µs from the run's start; undefined once past the end. */
  offsetUs(index: number): number | undefined;
  /** How many arrivals the whole schedule holds. */
  readonly expectedCount: number;
  readonly durationUs: number;
}

export function bounded(durationUs: number, expectedCount: number, offsetOf: (index: number) => number): Schedule {
  return {
    durationUs,
    expectedCount,
    offsetUs: (index) => (index < expectedCount ? Math.round(offsetOf(index)) : undefined),
  };
}

/** How many arrivals a cumulative count allows: the integral, less float dust. */
export function countOf(integral: number): number {
  return Math.floor(integral + 1e-9);
}

export function constantSchedule(ratePerSec: number, durationUs: number): Schedule {
  const perUs = ratePerSec / 1e6;
  return bounded(durationUs, countOf(perUs * durationUs), (index) => index / perUs);
}

/** Time (µs into a segment) at which a linear rate from `fromPerUs` with `slope` (per µs²) has counted `count`. */
export function linearSegmentTimeUs(fromPerUs: number, slope: number, count: number): number {
  if (Math.abs(slope) < 1e-18) return count / fromPerUs;
  // Solve from*t + slope*t^2/2 = count for the smallest t >= 0.
  return (-fromPerUs + Math.sqrt(Math.max(0, fromPerUs * fromPerUs + 2 * slope * count))) / slope;
}

/** Rate rises (or falls) linearly from `fromPerSec` to `toPerSec` over the duration. */
export function rampSchedule(fromPerSec: number, toPerSec: number, durationUs: number): Schedule {
  return piecewiseLinearSchedule(fromPerSec, [{ toPerSec, durationUs }]);
}

/**
 * Base rate, and for the last `burstUs` of every `periodUs` the rate times `multiplier`. The run
 * opens at the base rate, so each burst hits warm connections.
 */
export function burstSchedule(ratePerSec: number, multiplier: number, periodUs: number, burstUs: number, durationUs: number): Schedule {
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
  return bounded(durationUs, countOf(countUntil(durationUs)), (index) => {
    const periods = Math.floor(index / perPeriod);
    const rest = index - periods * perPeriod;
    const within = rest < calmCount ? rest / base : calmUs + (rest - calmCount) / peak;
    return periods * periodUs + within;
  });
}

export interface LinearStage {
  /** The rate reached at the end of the stage. */
  toPerSec: number;
  durationUs: number;
}

/**
 * Stages in a row, each moving linearly from the previous rate (the first from `startPerSec`) to its
 * own; a stage with the same rate holds it. The count is the integral of that piecewise-linear rate.
 */
export function piecewiseLinearSchedule(startPerSec: number, stages: readonly LinearStage[]): Schedule {
  const segments: Array<{ startUs: number; fromPerUs: number; slope: number; before: number; count: number }> = [];
  let startUs = 0;
  let before = 0;
  let fromPerSec = startPerSec;
  for (const stage of stages) {
    const fromPerUs = fromPerSec / 1e6;
    const toPerUs = stage.toPerSec / 1e6;
    const count = ((fromPerUs + toPerUs) / 2) * stage.durationUs;
    segments.push({ startUs, fromPerUs, slope: (toPerUs - fromPerUs) / stage.durationUs, before, count });
    startUs += stage.durationUs;
    before += count;
    fromPerSec = stage.toPerSec;
  }
  return bounded(startUs, countOf(before), (index) => {
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (segments[mid]!.before <= index) low = mid;
      else high = mid - 1;
    }
    let segment = segments[low]!;
    // A stage at rate 0 counts nothing: the arrival belongs to the next stage that counts.
    while (segment.count === 0 && low < segments.length - 1) segment = segments[++low]!;
    return segment.startUs + linearSegmentTimeUs(segment.fromPerUs, segment.slope, index - segment.before);
  });
}

/**
 * rate(t) = ratePerSec x (1 + amplitude x sin(2πt / period)), amplitude in [0, 1]. The integral is
 * closed-form; each arrival's time is found by Newton steps on it (bisection when a step strays).
 */
export function sineSchedule(ratePerSec: number, periodUs: number, amplitude: number, durationUs: number): Schedule {
  const perUs = ratePerSec / 1e6;
  const omega = (2 * Math.PI) / periodUs;
  const integral = (t: number): number => perUs * (t + (amplitude / omega) * (1 - Math.cos(omega * t)));
  const rateAt = (t: number): number => perUs * (1 + amplitude * Math.sin(omega * t));
  return bounded(durationUs, countOf(integral(durationUs)), (index) => {
    let low = 0;
    let high = durationUs;
    let t = Math.min(durationUs, index / perUs);
    for (let step = 0; step < 60; step++) {
      const error = integral(t) - index;
      if (Math.abs(error) < 1e-7) break;
      if (error > 0) high = t;
      else low = t;
      const rate = rateAt(t);
      let next = rate > 1e-12 ? t - error / rate : (low + high) / 2;
      if (!(next > low && next < high)) next = (low + high) / 2;
      t = next;
    }
    return t;
  });
}
