import { z } from 'zod';
import { burstSection, durationWithDefault, fraction, positiveDurationUs, durationUs, webhookSecret } from './fields.js';

const deliveryEvents = z
  .strictObject({
    rate: z.number().positive().max(100_000).describe('Events per second (for `burst`: the base rate).'),
    duration: positiveDurationUs.describe('How long the stream runs.'),
    sizeBytes: z.number().int().min(128).max(65_536).default(512).describe('Exact JSON size of every event in bytes.'),
    pattern: z.enum(['constant', 'burst']).default('constant'),
    burst: burstSection.optional(),
  })
  .superRefine((events, ctx) => {
    if (events.pattern === 'burst' && !events.burst) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'pattern "burst" needs a `burst: { every, for, multiplier }` section' });
    }
    if (events.pattern !== 'burst' && events.burst) ctx.addIssue({ code: 'custom', path: ['burst'], message: '`burst` only applies to pattern "burst"' });
  })
  .transform(({ rate, duration, ...rest }) => ({ ...rest, ratePerSec: rate, durationUs: duration }))
  .describe('The one seeded event stream every transport carries: same ids, sizes and schedule.');

const deliveryWebhook = z
  .strictObject({
    secret: webhookSecret.optional(),
    timeout: durationWithDefault('2s')
      .refine((us) => us > 0, 'must be longer than 0')
      .describe('An attempt with no complete response by then fails as a timeout (and is retried).'),
    maxInFlight: z.number().int().min(1).max(15_000).default(1000).describe('Most attempts in flight (one socket each); more wait in a queue.'),
    retry: z
      .strictObject({
        maxAttempts: z.number().int().min(1).max(10).default(8).describe('Attempts per (event, subscriber) before giving up (the Standard Webhooks schedule has 10).'),
        compress: z.number().min(1).max(1_000_000).default(1).describe('Divides the retry schedule (0, 5s, 5m, 30m, 2h, ...): 1000 turns 5 m into 300 ms.'),
      })
      .default({ maxAttempts: 8, compress: 1 }),
  })
  .transform(({ timeout, ...rest }) => ({ ...rest, timeoutUs: timeout }))
  .describe('How the webhook transport sends: signed, at least once, with retries.');

const deliveryErrors = z
  .strictObject({
    '500': fraction.default(0).describe('Fraction answered 500.'),
    '429': fraction.default(0).describe('Fraction answered 429 with Retry-After: 1.'),
    '410': fraction.default(0).describe('Fraction answered 410 Gone: the sender disables that endpoint.'),
    reset: fraction.default(0).describe('Fraction whose connection is destroyed without an answer.'),
    hang: fraction.default(0).describe('Fraction never answered (the sender times out).'),
  })
  .refine((errors) => Object.values(errors).reduce((sum, value) => sum + value, 0) <= 1, 'the error fractions add up to more than 1');

const deliveryFaults = z
  .strictObject({
    latency: durationWithDefault('0ms').describe('Webhook receivers wait this long before answering.'),
    jitter: durationWithDefault('0ms').describe('Plus a seeded random extra wait of 0 .. jitter.'),
    errors: deliveryErrors.default({ '500': 0, '429': 0, '410': 0, reset: 0, hang: 0 }),
    outage: z
      .strictObject({
        at: durationUs.describe('When the outage starts, from the start of the stream.'),
        for: positiveDurationUs.describe('How long receivers are away: webhook endpoints refuse connections; WebSocket and SSE subscribers are cut off; polls are refused.'),
      })
      .transform((outage) => ({ atUs: outage.at, forUs: outage.for }))
      .optional(),
  })
  .transform(({ latency, jitter, ...rest }) => ({ ...rest, latencyUs: latency, jitterUs: jitter }))
  .describe('Faults: latency and errors apply to webhook receivers; the outage to every transport.');

const deliverySse = z
  .strictObject({
    history: z.number().int().min(0).max(10_000_000).default(10_000).describe('Events the publisher keeps for `Last-Event-ID` resumes; older ones are lost to a subscriber that was away longer.'),
  })
  .describe('How the sse transport resumes: each subscriber holds a stream and reconnects with Last-Event-ID.');

const deliveryPolling = z
  .strictObject({
    interval: durationWithDefault('1s')
      .refine((us) => us >= 1_000, 'must be at least 1ms')
      .describe('Each subscriber GETs `events?after=<cursor>` this often (latency includes the wait for the next poll).'),
  })
  .transform(({ interval }) => ({ intervalUs: interval }))
  .describe('How the polling transport polls.');

const deliveryLongPolling = z
  .strictObject({
    wait: durationWithDefault('25s')
      .refine((us) => us >= 1_000, 'must be at least 1ms')
      .describe('A GET with nothing to return is held this long at most, and answered as soon as there is an event.'),
  })
  .transform(({ wait }) => ({ waitUs: wait }))
  .describe('How the long-polling transport holds its GETs.');

export const DELIVERY_TRANSPORTS = ['webhook', 'websocket', 'websocket-ack', 'sse', 'polling', 'long-polling'] as const;
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
    webhook: deliveryWebhook.prefault({}),
    sse: deliverySse.prefault({}),
    polling: deliveryPolling.prefault({}),
    longPolling: deliveryLongPolling.prefault({}),
    faults: deliveryFaults.optional(),
    drain: durationWithDefault('10s').describe('After the stream ends, how long deliveries may still complete before the cut-off.'),
  })
  .superRefine((delivery, ctx) => {
    const outage = delivery.faults?.outage;
    if (outage && outage.atUs >= delivery.events.durationUs) {
      ctx.addIssue({ code: 'custom', path: ['faults', 'outage', 'at'], message: '`outage.at` must fall inside `events.duration`' });
    }
    const peakRate = delivery.events.ratePerSec * (delivery.events.burst?.multiplier ?? 1);
    const pairs = Math.ceil(peakRate * (delivery.events.durationUs / 1e6)) * delivery.subscribers;
    if (pairs > MAX_DELIVERY_PAIRS) {
      ctx.addIssue({ code: 'custom', path: ['subscribers'], message: `events x subscribers may reach ${pairs}; the ledger holds at most ${MAX_DELIVERY_PAIRS} pairs` });
    }
  })
  .transform(({ drain, ...rest }) => ({ ...rest, drainUs: drain }))
  .describe('One seeded event stream delivered through several transports, with faults and a per-event ledger.');

export type DeliveryConfig = z.output<typeof deliverySchema>;
export type DeliveryTransport = (typeof DELIVERY_TRANSPORTS)[number];
export type DeliveryFaults = z.output<typeof deliveryFaults>;
