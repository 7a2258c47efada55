import { z } from 'zod';
import { burstSection, durationWithDefault, positiveDurationUs } from './fields.js';

const warmupUs = durationWithDefault('0s').describe(
  'Load run before measuring (open model: at the starting rate); its samples are discarded and the built-in receiver forgets it.',
);

const openLoad = z
  .strictObject({
    model: z.literal('open').describe('Requests start on schedule whatever the target does; latency counts from the intended start.'),
    rate: z.number().positive().max(1_000_000).describe('Requests per second (for `ramp`: the rate reached at the end).'),
    pattern: z.enum(['constant', 'ramp', 'burst']).default('constant'),
    burst: burstSection.optional(),
    ramp: z
      .strictObject({ from: z.number().min(0).max(1_000_000).default(0).describe('Rate at the start of the ramp.') })
      .optional(),
    duration: positiveDurationUs,
    warmup: warmupUs,
    connections: z
      .number()
      .int()
      .min(1)
      .max(15_000)
      .default(128)
      .describe('Most connections the generator may open; requests wait for a free one beyond that.'),
  })
  .superRefine((load, ctx) => {
    if (load.pattern === 'burst' && !load.burst) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'pattern "burst" needs a `burst: { every, for, multiplier }` section' });
    }
    if (load.pattern !== 'burst' && load.burst) ctx.addIssue({ code: 'custom', path: ['burst'], message: '`burst` only applies to pattern "burst"' });
    if (load.pattern !== 'ramp' && load.ramp) ctx.addIssue({ code: 'custom', path: ['ramp'], message: '`ramp` only applies to pattern "ramp"' });
  })
  .transform(({ duration, warmup, ramp, rate, ...rest }) => ({
    ...rest,
    ratePerSec: rate,
    ...(ramp ? { ramp: { fromPerSec: ramp.from } } : {}),
    durationUs: duration,
    warmupUs: warmup,
  }));

const closedLoad = z
  .strictObject({
    model: z.literal('closed').describe('Each connection sends the next request as soon as the previous one is answered.'),
    connections: z.number().int().min(1).max(15_000).default(64),
    duration: positiveDurationUs,
    warmup: warmupUs,
  })
  .transform(({ duration, warmup, ...rest }) => ({ ...rest, durationUs: duration, warmupUs: warmup }));

export const loadSchema = z.discriminatedUnion('model', [openLoad, closedLoad]);

export type LoadConfig = z.output<typeof loadSchema>;
export type OpenLoadConfig = Extract<LoadConfig, { model: 'open' }>;
export type ClosedLoadConfig = Extract<LoadConfig, { model: 'closed' }>;
