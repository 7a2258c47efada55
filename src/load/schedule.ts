import { loadPattern } from '../schedule/patterns/registry.js';
import type { Schedule } from '../schedule/schedule.js';
import type { OpenLoadConfig } from '../scenario/schema.js';

export { bounded, burstSchedule, constantSchedule, piecewiseLinearSchedule, rampSchedule, sineSchedule, type Schedule } from '../schedule/schedule.js';

/** The arrival schedule of an open-model load, built by its pattern (src/schedule/patterns/). */
export function buildSchedule(load: OpenLoadConfig): Schedule {
  return loadPattern(load.pattern).schedule(load.patternSpec, load.durationUs);
}
