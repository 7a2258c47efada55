import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { nowUs, sleepMs } from '../metrics/clock.js';
import { createHistogram, encodeHistogram, recordUs } from '../metrics/histogram.js';
import { readEventStamp, seededRandom } from '../load/webhook/event-factory.js';
import { decodeSecret, verifyWebhook } from '../load/webhook/signing.js';
import { SeenIds } from './seen-ids.js';

export interface ReceiverOptions {
  /** Standard Webhooks secret; when set, requests without a valid signature get 401. */
  secret?: string | undefined;
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

/**
 * The built-in webhook receiver: verifies Standard Webhooks signatures in constant time, refuses
 * stale timestamps, records delivery latency (event's scheduled time -> arrival, one host's
 * monotonic clock) for the first receipt of each id, counts duplicates, and injects faults on demand.
 */
export function buildWebhookReceiver(options: ReceiverOptions = {}): WebhookReceiver {
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, keepAliveTimeout: 10_000 });
  const key = options.secret ? decodeSecret(options.secret) : undefined;
  const latencyMs = (options.latencyUs ?? 0) / 1000;
  const errorRate = options.errorRate ?? 0;
  const errorStatus = options.errorStatus ?? 500;
  const random = seededRandom((options.seed ?? 1) ^ 0x5eed);
  const delivery = createHistogram();
  let seen = new SeenIds();
  const counters = { received: 0, unique: 0, duplicates: 0, badSignature: 0, faultsInjected: 0, unparsable: 0 };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));

  const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<string> => {
    const arrivedUs = nowUs();
    const body = typeof request.body === 'string' ? request.body : '';
    const id = headerOf(request, 'webhook-id');
    if (key) {
      const check = verifyWebhook(
        key,
        { id, timestamp: headerOf(request, 'webhook-timestamp'), signature: headerOf(request, 'webhook-signature') },
        body,
      );
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
    const eventId = id ?? stamp?.id;
    if (eventId === undefined) counters.unparsable++;
    else if (seen.add(eventId)) {
      counters.unique++;
      if (stamp) recordUs(delivery, arrivedUs - stamp.scheduledAtUs);
    } else counters.duplicates++;
    return reply.code(200).send('ok');
  };
  app.post('/', handle);
  app.post('/*', handle);

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
