import { z } from 'zod';
import { burstSchedule } from '../schedule.js';
import type { LoadPattern } from './pattern.js';

interface BurstSpec {
  ratePerSec: number;
  multiplier: number;
  periodUs: number;
  burstUs: number;
}

export const burstPattern: LoadPattern = {
  name: 'burst',
  summary: '`rate`, and `rate x burst.multiplier` for the last `burst.for` of every `burst.every`',
  keys: (kit) => ({
    burst: z
      .strictObject({
        every: kit.positiveDurationUs.describe('Length of one burst period.'),
        for: kit.positiveDurationUs.describe('How long the burst lasts, at the end of each period.'),
        multiplier: z.number().min(1).max(1000).describe('Rate during the burst = rate x multiplier.'),
      })
      .optional(),
  }),
  required: [{ key: 'burst', message: 'pattern "burst" needs a `burst: { every, for, multiplier }` section' }],
  needsRate: true,
  needsDuration: true,
  check: ({ keys }, issue) => {
    const burst = keys.burst as { every: number; for: number } | undefined;
    if (burst && burst.for >= burst.every) issue(['burst', 'for'], '`burst.for` must be shorter than `burst.every`');
  },
  resolve: ({ ratePerSec, durationUs, keys }) => {
    const burst = keys.burst as { every: number; for: number; multiplier: number };
    const spec: BurstSpec = { ratePerSec: ratePerSec!, multiplier: burst.multiplier, periodUs: burst.every, burstUs: burst.for };
    return { spec, durationUs: durationUs!, peakRatePerSec: ratePerSec! * burst.multiplier, startRatePerSec: ratePerSec! };
  },
  schedule: (spec, durationUs) => {
    const burst = spec as BurstSpec;
    return burstSchedule(burst.ratePerSec, burst.multiplier, burst.periodUs, burst.burstUs, durationUs);
  },
};
