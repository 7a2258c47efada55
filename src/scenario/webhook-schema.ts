import { z } from 'zod';
import { builtinOrHttpUrl, durationWithDefault, webhookSecret } from './fields.js';
import { loadSchema } from './load-schema.js';

const receiverFaults = z
  .strictObject({
    latency: durationWithDefault('0ms').describe('Added before the built-in receiver answers.'),
    errorRate: z.number().min(0).max(1).default(0).describe('Fraction of requests answered with `errorStatus` (0..1).'),
    errorStatus: z.number().int().min(400).max(599).default(500),
  })
  .transform(({ latency, ...rest }) => ({ ...rest, latencyUs: latency }))
  .describe('Faults the built-in receiver injects.');

export const webhookSchema = z
  .strictObject({
    target: builtinOrHttpUrl.prefault('builtin'),
    secret: webhookSecret.optional(),
    payload: z
      .strictObject({ sizeBytes: z.number().int().min(128).max(1_048_576).default(512).describe('Exact body size in bytes.') })
      .default({ sizeBytes: 512 }),
    timeout: durationWithDefault('10s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('A request with no complete response by then is a timeout error.'),
    receiver: receiverFaults.optional(),
    load: loadSchema,
  })
  .superRefine((webhook, ctx) => {
    if (webhook.receiver && webhook.target !== 'builtin') {
      ctx.addIssue({ code: 'custom', path: ['receiver'], message: '`receiver` faults need `target: builtin`' });
    }
  })
  .transform(({ timeout, ...rest }) => ({ ...rest, timeoutUs: timeout }));

export type WebhookConfig = z.output<typeof webhookSchema>;
export type ReceiverFaults = z.output<typeof receiverFaults>;
