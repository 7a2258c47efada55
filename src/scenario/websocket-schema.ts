import { z } from 'zod';
import { builtinOrWsUrl, durationUs, durationWithDefault, positiveDurationUs } from './fields.js';

export const websocketSchema = z
  .strictObject({
    target: builtinOrWsUrl.prefault('builtin'),
    connections: z.number().int().min(1).max(1_000_000).describe('Connections to open and hold; sharded over client processes of at most 15,000.'),
    connectRate: z.number().positive().max(100_000).default(5_000).describe('New connections per second during the ramp (open model; connects in flight are bounded).'),
    connectTimeout: durationWithDefault('10s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('A connection not upgraded by then fails as `timeout`.'),
    hold: durationUs.describe('How long every connection is held once the ramp is over ("0s": close at once).'),
    echo: z
      .strictObject({
        rate: z.number().positive().max(100).describe('Messages per connection per second; the server echoes each; RTT counts from the intended send time.'),
        sizeBytes: z.number().int().min(16).max(65_535).default(128).describe('Message size in bytes.'),
      })
      .transform(({ rate, sizeBytes }) => ({ ratePerConnection: rate, sizeBytes }))
      .optional(),
    broadcast: z
      .strictObject({
        every: positiveDurationUs.describe('The built-in server sends one frame to every connection this often.'),
        sizeBytes: z.number().int().min(16).max(65_535).default(200).describe('Frame payload size in bytes.'),
      })
      .transform(({ every, sizeBytes }) => ({ everyUs: every, sizeBytes }))
      .optional(),
  })
  .superRefine((websocket, ctx) => {
    if (websocket.broadcast && websocket.target !== 'builtin') {
      ctx.addIssue({ code: 'custom', path: ['broadcast'], message: '`broadcast` needs `target: builtin` (the built-in server sends it)' });
    }
  })
  .transform(({ connectRate, connectTimeout, hold, ...rest }) => ({
    ...rest,
    connectRatePerSec: connectRate,
    connectTimeoutUs: connectTimeout,
    holdUs: hold,
  }));

export type WebsocketConfig = z.output<typeof websocketSchema>;
