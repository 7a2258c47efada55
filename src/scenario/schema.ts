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

const burstSection = z.strictObject({
  every: positiveDuration.describe('Length of one burst period.'),
  for: positiveDuration.describe('How long the burst lasts, at the end of each period.'),
  multiplier: z.number().min(1).max(1000).describe('Rate during the burst = rate x multiplier.'),
});

/** A `pattern: burst` needs its `burst` section, only it may have one, and the burst is shorter than its period. */
function checkBurstPattern(value: { pattern: string; burst?: z.output<typeof burstSection> | undefined }, ctx: z.RefinementCtx): void {
  if (value.pattern === 'burst' && !value.burst) {
    ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'pattern "burst" needs a `burst: { every, for, multiplier }` section' });
  }
  if (value.pattern !== 'burst' && value.burst) ctx.addIssue({ code: 'custom', path: ['burst'], message: '`burst` only applies to pattern "burst"' });
  if (value.burst && (parseDurationUs(value.burst.for) ?? 0) >= (parseDurationUs(value.burst.every) ?? 0)) {
    ctx.addIssue({ code: 'custom', path: ['burst', 'for'], message: '`burst.for` must be shorter than `burst.every`' });
  }
}

const openLoad = z
  .strictObject({
    model: z.literal('open').describe('Requests start on schedule whatever the target does; latency counts from the intended start.'),
    rate: z.number().positive().max(1_000_000).describe('Requests per second (for `ramp`: the rate reached at the end).'),
    pattern: z.enum(['constant', 'ramp', 'burst']).default('constant'),
    burst: burstSection.optional(),
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
    checkBurstPattern(load, ctx);
    if (load.pattern !== 'ramp' && load.ramp) {
      ctx.addIssue({ code: 'custom', path: ['ramp'], message: '`ramp` only applies to pattern "ramp"' });
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

const fraction = z.number().min(0).max(1);

const deliveryEvents = z
  .strictObject({
    rate: z.number().positive().max(100_000).describe('Events per second (for `burst`: the base rate).'),
    duration: positiveDuration.describe('How long the stream runs.'),
    sizeBytes: z.number().int().min(128).max(65_536).default(512).describe('Exact JSON size of every event in bytes.'),
    pattern: z.enum(['constant', 'burst']).default('constant'),
    burst: burstSection.optional(),
  })
  .superRefine(checkBurstPattern)
  .describe('The one seeded event stream every transport carries: same ids, sizes and schedule.');

const deliveryWebhook = z
  .strictObject({
    secret: webhookSecret.optional(),
    timeout: positiveDuration.default('2s').describe('An attempt with no complete response by then fails as a timeout (and is retried).'),
    maxInFlight: z.number().int().min(1).max(15_000).default(1000).describe('Most attempts in flight (one socket each); more wait in a queue.'),
    retry: z
      .strictObject({
        maxAttempts: z.number().int().min(1).max(10).default(8).describe('Attempts per (event, subscriber) before giving up (the Standard Webhooks schedule has 10).'),
        compress: z.number().min(1).max(1_000_000).default(1).describe('Divides the retry schedule (0, 5s, 5m, 30m, 2h, ...): 1000 turns 5 m into 300 ms.'),
      })
      .default({ maxAttempts: 8, compress: 1 }),
  })
  .describe('How the webhook transport sends: signed, at least once, with retries.');

const deliveryFaults = z
  .strictObject({
    latency: duration.default('0ms').describe('Webhook receivers wait this long before answering.'),
    jitter: duration.default('0ms').describe('Plus a seeded random extra wait of 0 .. jitter.'),
    errors: z
      .strictObject({
        '500': fraction.default(0).describe('Fraction answered 500.'),
        '429': fraction.default(0).describe('Fraction answered 429 with Retry-After: 1.'),
        '410': fraction.default(0).describe('Fraction answered 410 Gone: the sender disables that endpoint.'),
        reset: fraction.default(0).describe('Fraction whose connection is destroyed without an answer.'),
        hang: fraction.default(0).describe('Fraction never answered (the sender times out).'),
      })
      .default({ '500': 0, '429': 0, '410': 0, reset: 0, hang: 0 })
      .refine((errors) => Object.values(errors).reduce((sum, value) => sum + value, 0) <= 1, 'the error fractions add up to more than 1'),
    outage: z
      .strictObject({
        at: duration.describe('When the outage starts, from the start of the stream.'),
        for: positiveDuration.describe('How long receivers are away: webhook endpoints refuse connections, WebSocket subscribers are cut off.'),
      })
      .optional(),
  })
  .describe('Faults: latency and errors apply to webhook receivers; the outage to every transport.');

export const DELIVERY_TRANSPORTS = ['webhook', 'websocket', 'websocket-ack'] as const;
/** The ledger keeps a few bytes per (event, subscriber) pair; this bounds its memory to a few hundred MB. */
const MAX_DELIVERY_PAIRS = 50_000_000;

export const deliverySchema = z
  .strictObject({
    events: deliveryEvents,
    subscribers: z.number().int().min(1).max(1_000).describe('Each event goes to every subscriber: the ledger counts (event, subscriber) pairs.'),
    transports: z
      .array(z.enum(DELIVERY_TRANSPORTS))
      .min(1)
      .default([...DELIVERY_TRANSPORTS])
      .refine((list) => new Set(list).size === list.length, 'list each transport once')
      .describe('Run one after another, each with the same stream.'),
    webhook: deliveryWebhook.default({ timeout: '2s', maxInFlight: 1000, retry: { maxAttempts: 8, compress: 1 } }),
    faults: deliveryFaults.optional(),
    drain: duration.default('10s').describe('After the stream ends, how long deliveries may still complete before the cut-off.'),
  })
  .superRefine((delivery, ctx) => {
    const outage = delivery.faults?.outage;
    if (outage && (parseDurationUs(outage.at) ?? 0) >= (parseDurationUs(delivery.events.duration) ?? 0)) {
      ctx.addIssue({ code: 'custom', path: ['faults', 'outage', 'at'], message: '`outage.at` must fall inside `events.duration`' });
    }
    const peakRate = delivery.events.rate * (delivery.events.burst?.multiplier ?? 1);
    const pairs = Math.ceil(peakRate * ((parseDurationUs(delivery.events.duration) ?? 0) / 1e6)) * delivery.subscribers;
    if (pairs > MAX_DELIVERY_PAIRS) {
      ctx.addIssue({ code: 'custom', path: ['subscribers'], message: `events x subscribers may reach ${pairs}; the ledger holds at most ${MAX_DELIVERY_PAIRS} pairs` });
    }
  })
  .describe('One seeded event stream delivered through several transports, with faults and a per-event ledger.');

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
    delivery: deliverySchema.optional(),
    thresholds: thresholdsSchema.optional(),
  })
  .superRefine((scenario, ctx) => {
    if (!scenario.webhook && !scenario.websocket && !scenario.delivery) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a scenario needs a `webhook`, a `websocket` or a `delivery` section' });
    }
  });

export type ScenarioConfig = z.output<typeof scenarioSchema>;
export type WebhookConfig = z.output<typeof webhookSchema>;
export type WebsocketConfig = z.output<typeof websocketSchema>;
export type DeliveryConfig = z.output<typeof deliverySchema>;
export type DeliveryTransport = (typeof DELIVERY_TRANSPORTS)[number];
export type LoadConfig = z.output<typeof loadSchema>;
export type OpenLoadConfig = Extract<LoadConfig, { model: 'open' }>;
export type ClosedLoadConfig = Extract<LoadConfig, { model: 'closed' }>;
