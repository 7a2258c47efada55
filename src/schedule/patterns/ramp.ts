import { z } from 'zod';
import { rampSchedule } from '../schedule.js';
import type { LoadPattern } from './pattern.js';

interface RampSpec {
  fromPerSec: number;
  toPerSec: number;
}

/** A warm-up before a ramp that starts near 0 runs at a tenth of the final rate at least. */
const WARM_UP_SHARE = 0.1;

export const rampPattern: LoadPattern = {
  name: 'ramp',
  summary: 'linear from `ramp.from` (default 0) to `rate` over `duration`',
  keys: () => ({
    ramp: z
      .strictObject({ from: z.number().min(0).max(1_000_000).default(0).describe('Rate at the start of the ramp.') })
      .optional(),
  }),
  required: [],
  needsRate: true,
  needsDuration: true,
  resolve: ({ ratePerSec, durationUs, keys }) => {
    const fromPerSec = (keys.ramp as { from: number } | undefined)?.from ?? 0;
    const spec: RampSpec = { fromPerSec, toPerSec: ratePerSec! };
    return { spec, durationUs: durationUs!, peakRatePerSec: Math.max(fromPerSec, ratePerSec!), startRatePerSec: Math.max(fromPerSec, ratePerSec! * WARM_UP_SHARE) };
  },
  schedule: (spec, durationUs) => rampSchedule((spec as RampSpec).fromPerSec, (spec as RampSpec).toPerSec, durationUs),
};
