import { constantSchedule } from '../schedule.js';
import type { LoadPattern } from './pattern.js';

interface ConstantSpec {
  ratePerSec: number;
}

export const constantPattern: LoadPattern = {
  name: 'constant',
  summary: '`rate` per second for `duration`',
  keys: () => ({}),
  required: [],
  needsRate: true,
  needsDuration: true,
  resolve: ({ ratePerSec, durationUs }) => ({ spec: { ratePerSec: ratePerSec! } satisfies ConstantSpec, durationUs: durationUs!, peakRatePerSec: ratePerSec!, startRatePerSec: ratePerSec! }),
  schedule: (spec, durationUs) => constantSchedule((spec as ConstantSpec).ratePerSec, durationUs),
};
