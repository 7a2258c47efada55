import { z } from 'zod';
import { DURATION_PATTERN, parseDurationUs } from './duration.js';
import { METRIC_NAME_PATTERN, parseThreshold } from '../gate/threshold-grammar.js';

/**
 * The one definition of a scenario file. scenarios/schema.json is generated from it
 * (`npm run schema`), and the loader validates against it, so the two cannot drift.
 */

const DURATION_HINT = 'expected a duration with units, like "500ms", "20s" or "1m30s"';
const duration = z
  .string({ error: DURATION_HINT })
  .regex(new RegExp(DURATION_PATTERN), DURATION_HINT)
  .describe('A duration with units: us, ms, s, m, h (e.g. "500ms", "20s", "1m30s").');

const positiveDuration = duration.refine((text) => (parseDurationUs(text) ?? 0) > 0, 'must be longer than 0');

const builtinOrHttpUrl = z
  .union([
    z.literal('builtin'),
    z.string().regex(/^https?:\/\/[^\s/]+/, 'expected "builtin" or an http:// or https:// URL'),
  ])
  .describe('"builtin" starts the built-in receiver on 127.0.0.1 for the run; otherwise the URL events are POSTed to.');

const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected a Standard Webhooks secret: "whsec_" followed by base64')
  .describe('Standard Webhooks signing secret (whsec_<base64 key>). Omit to send unsigned requests.');

const warmupDuration = duration
  .default('0s')
  .describe('Load run before measuring (open model: at the starting rate); its samples are discarded and the built-in receiver forgets it.');

const openLoad = z
  .strictObject({
    model: z.literal('open').describe('Requests start on schedule whatever the target does; latency counts from the intended start.'),
    rate: z.number().positive().max(1_000_000).describe('Requests per second (for `ramp`: the rate reached at the end).'),
    pattern: z.enum(['constant', 'ramp', 'burst']).default('constant'),
    burst: z
      .strictObject({
        every: positiveDuration.describe('Length of one burst period.'),
        for: positiveDuration.describe('How long the burst lasts, at the end of each period.'),
        multiplier: z.number().min(1).max(1000).describe('Rate during the burst = rate x multiplier.'),
      })
      .optional(),
    ramp: z
      .strictObject({ from: z.number().min(0).max(1_000_000).default(0).describe('Rate at the start of the ramp.') })
      .optional(),
    duration: positiveDuration,
    warmup: warmupDuration,
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
    if (load.pattern !== 'burst' && load.burst) {
      ctx.addIssue({ code: 'custom', path: ['burst'], message: '`burst` only applies to pattern "burst"' });
    }
    if (load.pattern !== 'ramp' && load.ramp) {
      ctx.addIssue({ code: 'custom', path: ['ramp'], message: '`ramp` only applies to pattern "ramp"' });
    }
    if (load.burst && (parseDurationUs(load.burst.for) ?? 0) >= (parseDurationUs(load.burst.every) ?? 0)) {
      ctx.addIssue({ code: 'custom', path: ['burst', 'for'], message: '`burst.for` must be shorter than `burst.every`' });
    }
  });

const closedLoad = z.strictObject({
  model: z.literal('closed').describe('Each connection sends the next request as soon as the previous one is answered.'),
  connections: z.number().int().min(1).max(15_000).default(64),
  duration: positiveDuration,
  warmup: warmupDuration,
});

export const loadSchema = z.discriminatedUnion('model', [openLoad, closedLoad]);

const receiverFaults = z
  .strictObject({
    latency: duration.default('0ms').describe('Added before the built-in receiver answers.'),
    errorRate: z.number().min(0).max(1).default(0).describe('Fraction of requests answered with `errorStatus` (0..1).'),
    errorStatus: z.number().int().min(400).max(599).default(500),
  })
  .describe('Faults the built-in receiver injects.');

export const webhookSchema = z
  .strictObject({
    target: builtinOrHttpUrl.default('builtin'),
    secret: webhookSecret.optional(),
    payload: z
      .strictObject({ sizeBytes: z.number().int().min(128).max(1_048_576).default(512).describe('Exact body size in bytes.') })
      .default({ sizeBytes: 512 }),
    timeout: positiveDuration.default('10s').describe('A request with no complete response by then is a timeout error.'),
    receiver: receiverFaults.optional(),
    load: loadSchema,
  })
  .superRefine((webhook, ctx) => {
    if (webhook.receiver && webhook.target !== 'builtin') {
      ctx.addIssue({ code: 'custom', path: ['receiver'], message: '`receiver` faults need `target: builtin`' });
    }
  });

const wsUrl = z
  .union([z.literal('builtin'), z.string().regex(/^wss?:\/\/[^\s/]+/, 'expected "builtin" or a ws:// or wss:// URL')])
  .describe('"builtin" starts the built-in ws server (one process per 15,000 connections) on 127.0.0.1; otherwise the URL to connect to.');

export const websocketSchema = z
  .strictObject({
    target: wsUrl.default('builtin'),
    connections: z.number().int().min(1).max(1_000_000).describe('Connections to open and hold; sharded over client processes of at most 15,000.'),
    connectRate: z.number().positive().max(100_000).default(5_000).describe('New connections per second during the ramp (open model; connects in flight are bounded).'),
    connectTimeout: positiveDuration.default('10s').describe('A connection not upgraded by then fails as `timeout`.'),
    hold: duration.describe('How long every connection is held once the ramp is over ("0s": close at once).'),
    echo: z
      .strictObject({
        rate: z.number().positive().max(100).describe('Messages per connection per second; the server echoes each; RTT counts from the intended send time.'),
        sizeBytes: z.number().int().min(16).max(65_535).default(128).describe('Message size in bytes.'),
      })
      .optional(),
    broadcast: z
      .strictObject({
        every: positiveDuration.describe('The built-in server sends one frame to every connection this often.'),
        sizeBytes: z.number().int().min(16).max(65_535).default(200).describe('Frame payload size in bytes.'),
      })
      .optional(),
  })
  .superRefine((websocket, ctx) => {
    if (websocket.broadcast && websocket.target !== 'builtin') {
      ctx.addIssue({ code: 'custom', path: ['broadcast'], message: '`broadcast` needs `target: builtin` (the built-in server sends it)' });
    }
  });

const thresholdText = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  })
  .describe('"<stat> <op> <number><unit>": stat p50|p90|p99|p999|max|min|mean (unit us|ms|s), count (no unit) or rate (unit %); op < <= > >= == !=.');

const thresholdsSchema = z
  .record(z.string(), z.array(thresholdText).min(1, 'list at least one threshold, like ["p99 < 50ms"]'))
  .superRefine((thresholds, ctx) => {
    for (const name of Object.keys(thresholds)) {
      if (!METRIC_NAME_PATTERN.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a metric or counter name; expected dotted words like "webhook.latency" or "webhook.errors"` });
      }
    }
  })
  .describe('Pass/fail limits checked after the run, keyed by metric or counter name; any failure exits 1.');

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to scenarios/schema.json, for editors.'),
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (it names the run folder)'),
    description: z.string().max(2_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('Seeds event ids and payloads, so runs are reproducible.'),
    webhook: webhookSchema.optional(),
    websocket: websocketSchema.optional(),
    thresholds: thresholdsSchema.optional(),
  })
  .superRefine((scenario, ctx) => {
    if (!scenario.webhook && !scenario.websocket) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a scenario needs a `webhook` or a `websocket` section' });
    }
  });

export type ScenarioConfig = z.output<typeof scenarioSchema>;
export type WebhookConfig = z.output<typeof webhookSchema>;
export type WebsocketConfig = z.output<typeof websocketSchema>;
export type LoadConfig = z.output<typeof loadSchema>;
export type OpenLoadConfig = Extract<LoadConfig, { model: 'open' }>;
export type ClosedLoadConfig = Extract<LoadConfig, { model: 'closed' }>;
