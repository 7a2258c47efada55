import { z } from 'zod';
import { piecewiseLinearSchedule, type LinearStage } from '../schedule.js';
import type { LoadPattern } from './pattern.js';

interface StagesSpec {
  startPerSec: number;
  stages: LinearStage[];
}

/** Like k6's ramping-arrival-rate: each stage moves linearly from the previous rate to its own. */
export const stagesPattern: LoadPattern = {
  name: 'stages',
  summary: 'from `startRate` (default 0), each of `stages: [{ rate, duration }]` moves linearly to its rate; the stages set the length',
  keys: (kit) => ({
    startRate: z.number().min(0).max(1_000_000).optional().describe('stages: the rate the first stage starts from (default 0).'),
    stages: z
      .array(
        z.strictObject({
          rate: z.number().min(0).max(1_000_000).describe('The rate reached at the end of the stage (the same rate as before holds it).'),
          duration: kit.positiveDurationUs,
        }),
      )
      .min(1, 'list at least one stage, like [{ rate: 100, duration: 30s }]')
      .max(1_000)
      .optional(),
  }),
  required: [{ key: 'stages', message: 'pattern "stages" needs `stages: [{ rate, duration }, ...]`' }],
  needsRate: false,
  needsDuration: false,
  check: ({ ratePerSec, durationUs, keys }, issue) => {
    if (ratePerSec !== undefined) issue(['rate'], '`rate` does not apply to pattern "stages": each stage has its own');
    if (durationUs !== undefined) issue(['duration'], '`duration` does not apply to pattern "stages": the stages set the length');
    const stages = keys.stages as Array<{ rate: number }> | undefined;
    if (stages && (keys.startRate as number | undefined ?? 0) === 0 && stages.every((stage) => stage.rate === 0)) {
      issue(['stages'], 'every stage has rate 0: nothing would be sent');
    }
  },
  resolve: ({ keys }) => {
    const written = keys.stages as Array<{ rate: number; duration: number }>;
    const startPerSec = (keys.startRate as number | undefined) ?? 0;
    const stages = written.map((stage) => ({ toPerSec: stage.rate, durationUs: stage.duration }));
    const spec: StagesSpec = { startPerSec, stages };
    const peak = Math.max(startPerSec, ...written.map((stage) => stage.rate));
    const firstNonZero = [startPerSec, ...written.map((stage) => stage.rate)].find((rate) => rate > 0) ?? peak;
    return { spec, durationUs: stages.reduce((sum, stage) => sum + stage.durationUs, 0), peakRatePerSec: peak, startRatePerSec: firstNonZero };
  },
  schedule: (spec) => {
    const stages = spec as StagesSpec;
    return piecewiseLinearSchedule(stages.startPerSec, stages.stages);
  },
};
