import { z } from 'zod';
import { durationWithDefault, httpUrl } from './fields.js';

/** Prometheus label names (`[a-zA-Z_][a-zA-Z0-9_]*`, `__` reserved) that pushbench sets itself. */
export const RESERVED_LABELS: readonly string[] = ['__name__', 'testid', 'scenario', 'shard', 'le'];

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const prometheusSchema = z
  .strictObject({
    url: httpUrl.describe('The remote-write endpoint, e.g. http://prometheus:9090/api/v1/write. --prometheus and PUSHBENCH_PROMETHEUS_URL replace it.'),
    interval: durationWithDefault('5s')
      .refine((us) => us >= 1_000_000, 'must be at least 1s (the recorder closes one second at a time)')
      .describe('How often every series is written (default 5s); a final write follows the run.'),
    labels: z
      .record(z.string(), z.string().max(1_000))
      .default({})
      .superRefine((labels, ctx) => {
        for (const name of Object.keys(labels)) {
          if (!labelName.test(name) || name.startsWith('__')) {
            ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a Prometheus label name (letters, digits and "_", not starting with a digit or "__")` });
          } else if (RESERVED_LABELS.includes(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is set by pushbench on every series; choose another label name` });
          }
        }
      })
      .describe('Extra labels on every series (testid, scenario and shard are always set).'),
  })
  .transform(({ url, interval, labels }) => ({ url, intervalUs: interval, labels }));

export const outputsSchema = z
  .strictObject({
    prometheus: prometheusSchema.optional().describe('Prometheus remote write 1.0 while the run goes on (see docs/outputs.md).'),
  })
  .describe('Live outputs written while the run goes on; the run never waits for them.');

export type OutputsConfig = z.output<typeof outputsSchema>;
export type PrometheusConfig = NonNullable<OutputsConfig['prometheus']>;
