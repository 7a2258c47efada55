import { z } from 'zod';
import { sineSchedule } from '../schedule.js';
import type { LoadPattern } from './pattern.js';

interface SineSpec {
  ratePerSec: number;
  periodUs: number;
  amplitude: number;
}

export const sinePattern: LoadPattern = {
  name: 'sine',
  summary: '`rate x (1 + sine.amplitude x sin(2πt / sine.period))`',
  keys: (kit) => ({
    sine: z
      .strictObject({
        period: kit.positiveDurationUs.describe('Length of one full wave.'),
        amplitude: z.number().min(0).max(1).describe('Swing as a fraction of `rate` (0..1): the rate moves between rate x (1 - a) and rate x (1 + a).'),
      })
      .optional(),
  }),
  required: [{ key: 'sine', message: 'pattern "sine" needs a `sine: { period, amplitude }` section' }],
  needsRate: true,
  needsDuration: true,
  resolve: ({ ratePerSec, durationUs, keys }) => {
    const sine = keys.sine as { period: number; amplitude: number };
    const spec: SineSpec = { ratePerSec: ratePerSec!, periodUs: sine.period, amplitude: sine.amplitude };
    return { spec, durationUs: durationUs!, peakRatePerSec: ratePerSec! * (1 + sine.amplitude), startRatePerSec: ratePerSec! };
  },
  schedule: (spec, durationUs) => {
    const sine = spec as SineSpec;
    return sineSchedule(sine.ratePerSec, sine.periodUs, sine.amplitude, durationUs);
  },
};
