import { z } from 'zod';
import { LOAD_PATTERNS, loadPattern, PATTERN_NAMES } from '../schedule/patterns/registry.js';
import type { FieldKit, PatternInput } from '../schedule/patterns/pattern.js';
import { durationUs, durationWithDefault, positiveDurationUs } from './fields.js';

const warmupUs = durationWithDefault('0s').describe(
  'Load run before measuring (open model: at the starting rate); its samples are discarded and the built-in receiver forgets it.',
);

const kit: FieldKit = { durationUs, positiveDurationUs };
const patternKeys: z.ZodRawShape = Object.assign({}, ...LOAD_PATTERNS.map((pattern) => pattern.keys(kit)));
/** Which pattern owns each pattern key, for "only applies to" messages. */
const keyOwner = new Map(LOAD_PATTERNS.flatMap((pattern) => Object.keys(pattern.keys(kit)).map((key) => [key, pattern.name] as const)));

const openLoad = z
  .strictObject({
    model: z.literal('open').describe('Requests start on schedule whatever the target does; latency counts from the intended start.'),
    rate: z.number().positive().max(1_000_000).optional().describe('Requests per second (for `ramp`: the rate reached at the end; not used by `stages`).'),
    pattern: z
      .enum(PATTERN_NAMES)
      .default('constant')
      .describe(LOAD_PATTERNS.map((pattern) => `${pattern.name}: ${pattern.summary}`).join('; ')),
    duration: positiveDurationUs.optional().describe('How long the load runs (required, except for `stages`, whose stages set it).'),
    warmup: warmupUs,
    connections: z
      .number()
      .int()
      .min(1)
      .max(15_000)
      .default(128)
      .describe('Most connections the generator may open; requests wait for a free one beyond that.'),
    ...patternKeys,
  })
  .superRefine((load, ctx) => {
    const pattern = loadPattern(load.pattern);
    const issue = (path: string[], message: string): void => void ctx.addIssue({ code: 'custom', path, message });
    const written = load as Record<string, unknown>;
    for (const [key, owner] of keyOwner) {
      if (owner !== pattern.name && written[key] !== undefined) issue([key], `\`${key}\` only applies to pattern "${owner}"`);
    }
    for (const { key, message } of pattern.required) if (written[key] === undefined) issue(['pattern'], message);
    if (pattern.needsRate && load.rate === undefined) issue(['rate'], `required: pattern "${pattern.name}" needs \`rate\` (requests per second)`);
    if (pattern.needsDuration && load.duration === undefined) issue(['duration'], `required: pattern "${pattern.name}" needs \`duration\``);
    pattern.check?.(patternInput(written), issue);
  })
  .transform((load) => {
    const written = load as Record<string, unknown>;
    const resolved = loadPattern(load.pattern).resolve(patternInput(written));
    return {
      model: load.model,
      pattern: load.pattern,
      /** The pattern's parameters, resolved (see src/schedule/patterns/<pattern>.ts). */
      patternSpec: resolved.spec,
      /** The highest rate the pattern reaches, and the rate it opens with. */
      peakRatePerSec: resolved.peakRatePerSec,
      startRatePerSec: resolved.startRatePerSec,
      durationUs: resolved.durationUs,
      warmupUs: load.warmup,
      connections: load.connections,
    };
  });

function patternInput(written: Record<string, unknown>): PatternInput {
  const keys = Object.fromEntries([...keyOwner.keys()].filter((key) => written[key] !== undefined).map((key) => [key, written[key]]));
  return { ratePerSec: written.rate as number | undefined, durationUs: written.duration as number | undefined, keys };
}

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
