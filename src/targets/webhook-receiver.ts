import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { nowUs, sleepMs } from '../metrics/clock.js';
import { createHistogram, encodeHistogram, recordUs } from '../metrics/histogram.js';
import { readEventStamp } from '../load/webhook/event-factory.js';
import { mulberry32 } from '../template/render.js';
import { schemeOf, verifierFor } from '../load/webhook/signing/registry.js';
import type { SigningConfig } from '../scenario/signing-schema.js';
import { SeenIds } from './seen-ids.js';

export interface ReceiverOptions {
  /** Standard Webhooks secret (shorthand for `signing: { scheme: standard-webhooks, secret }`). */
  secret?: string | undefined;
  /** When set, requests without a valid signature of this scheme get 401 (`receiver.badSignature`). */
  signing?: SigningConfig | undefined;
  /** Added before answering, µs. */
  latencyUs?: number;
  /** Fraction of requests answered with `errorStatus`, chosen by a seeded random sequence. */
  errorRate?: number;
  errorStatus?: number;
  seed?: number;
}

/** What the receiver measured: counters and the `webhook.delivery` histogram (encoded). */
export interface ReceiverSnapshot {
  counters: Record<string, number>;
  deliveryHdr: string;
}

export interface WebhookReceiver {
  app: FastifyInstance;
  snapshot(): ReceiverSnapshot;
  /** Forgets everything counted so far (the end of a warm-up). */
  reset(): void;
}

const MAX_BODY_BYTES = 2 * 1_048_576;
/** The first `"id": "..."` of a JSON body: the event id of Stripe-shaped and most templated events, for schemes with no id header. */
const FIRST_JSON_ID = /"id"\s*:\s*"([^"\\]{1,200})"/;

/**
 * The built-in webhook receiver: verifies signatures of any scheme pushbench sends (constant time), refuses
 * stale timestamps, records delivery latency (event's scheduled time -> arrival, one host's
 * monotonic clock) for the first receipt of each id, counts duplicates, and injects faults on demand.
 */
export function buildWebhookReceiver(options: ReceiverOptions = {}): WebhookReceiver {
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, keepAliveTimeout: 10_000 });
  const signing: SigningConfig | undefined = options.signing ?? (options.secret ? { scheme: 'standard-webhooks', secret: options.secret } : undefined);
  const verify = signing ? verifierFor(signing) : undefined;
  const idHeader = (signing ? schemeOf(signing.scheme).idHeader : undefined) ?? 'webhook-id';
  const latencyMs = (options.latencyUs ?? 0) / 1000;
  const errorRate = options.errorRate ?? 0;
  const errorStatus = options.errorStatus ?? 500;
  const random = mulberry32((options.seed ?? 1) ^ 0x5eed);
  const delivery = createHistogram();
  let seen = new SeenIds();
  const counters = { received: 0, unique: 0, duplicates: 0, badSignature: 0, faultsInjected: 0, unparsable: 0 };

  app.removeAllContentTypeParsers();
  // The body as received bytes (latin1: one char per byte), so signatures are checked over exactly what was sent.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, (body as Buffer).toString('latin1')));

  const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<string> => {
    const arrivedUs = nowUs();
    const body = typeof request.body === 'string' ? request.body : '';
    const id = headerOf(request, idHeader);
    if (verify) {
      const check = verify((name) => headerOf(request, name), body, Math.floor(Date.now() / 1000));
      if (check !== 'ok') {
        counters.badSignature++;
        return reply.code(401).send(`signature ${check}`);
      }
    }
    if (latencyMs > 0) await sleepMs(latencyMs);
    if (errorRate > 0 && random() < errorRate) {
      counters.faultsInjected++;
      return reply.code(errorStatus).send('injected fault');
    }
    counters.received++;
    const stamp = readEventStamp(body);
    const eventId = id ?? stamp?.id ?? FIRST_JSON_ID.exec(body)?.[1];
    if (eventId === undefined) counters.unparsable++;
    else if (seen.add(eventId)) {
      counters.unique++;
      if (stamp) recordUs(delivery, arrivedUs - stamp.scheduledAtUs);
    } else counters.duplicates++;
    return reply.code(200).send('ok');
  };
  app.route({ method: ['POST', 'PUT', 'PATCH'], url: '/', handler: handle });
  app.route({ method: ['POST', 'PUT', 'PATCH'], url: '/*', handler: handle });

  return {
    app,
    snapshot: () => ({
      counters: Object.fromEntries(Object.entries(counters).map(([name, value]) => [`receiver.${name}`, value])),
      deliveryHdr: encodeHistogram(delivery),
    }),
    reset: () => {
      delivery.reset();
      seen = new SeenIds();
      for (const name of Object.keys(counters) as (keyof typeof counters)[]) counters[name] = 0;
    },
  };
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
