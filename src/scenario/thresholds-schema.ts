import { z } from 'zod';
import { METRIC_NAME_PATTERN, parseThreshold, type Threshold } from './threshold-grammar.js';

/** A scenario's thresholds for one metric or counter, parsed. */
export interface ThresholdSet {
  name: string;
  thresholds: Threshold[];
}

const thresholdText = z
  .string()
  .transform((text, ctx): Threshold => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.threshold;
  })
  .describe('"<stat> <op> <number><unit>": stat p50|p90|p99|p999|max|min|mean (unit us|ms|s), count (no unit) or rate (unit %); op < <= > >= == !=.');

export const thresholdsSchema = z
  .record(z.string(), z.array(thresholdText).min(1, 'list at least one threshold, like ["p99 < 50ms"]'))
  .superRefine((thresholds, ctx) => {
    for (const name of Object.keys(thresholds)) {
      if (!METRIC_NAME_PATTERN.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a metric or counter name; expected dotted words like "webhook.latency" or "webhook.errors"` });
      }
    }
  })
  .transform((thresholds): ThresholdSet[] => Object.entries(thresholds).map(([name, list]) => ({ name, thresholds: list })))
  .describe('Pass/fail limits checked after the run, keyed by metric or counter name; any failure exits 1.');
