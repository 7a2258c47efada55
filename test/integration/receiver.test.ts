import { describe, expect, it } from 'vitest';
import { EventFactory } from '../../src/load/webhook/event-factory.js';
import { decodeSecret, signWebhook } from '../../src/load/webhook/signing/standard-webhooks.js';
import { nowUs } from '../../src/metrics/clock.js';
import { buildWebhookReceiver } from '../../src/targets/webhook-receiver.js';
import { TEST_SECRET } from '../helpers/scenarios.js';

function signedHeaders(id: string, body: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': signWebhook(decodeSecret(TEST_SECRET), id, timestampSec, body),
  };
}

describe('built-in webhook receiver (fastify inject)', () => {
  it('accepts a signed event, counts a duplicate, and records delivery latency once', async () => {
    const receiver = buildWebhookReceiver({ secret: TEST_SECRET });
    const event = new EventFactory(1, 256).build(3, nowUs() - 5_000);
    const first = await receiver.app.inject({ method: 'POST', url: '/webhook', payload: event.body, headers: signedHeaders(event.id, event.body) });
    const again = await receiver.app.inject({ method: 'POST', url: '/webhook', payload: event.body, headers: signedHeaders(event.id, event.body) });
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    const { counters } = receiver.snapshot();
    expect(counters).toMatchObject({ 'receiver.received': 2, 'receiver.unique': 1, 'receiver.duplicates': 1, 'receiver.badSignature': 0 });
    await receiver.app.close();
  });

  it('rejects a tampered body, a forged signature and a stale timestamp with 401', async () => {
    const receiver = buildWebhookReceiver({ secret: TEST_SECRET });
    const event = new EventFactory(1, 256).build(4, nowUs());
    const headers = signedHeaders(event.id, event.body);
    const tampered = event.body.replace('"seq":4', '"seq":5');
    const responses = await Promise.all([
      receiver.app.inject({ method: 'POST', url: '/', payload: tampered, headers }),
      receiver.app.inject({ method: 'POST', url: '/', payload: event.body, headers: { ...headers, 'webhook-signature': 'v1,' + 'A'.repeat(44) } }),
      receiver.app.inject({ method: 'POST', url: '/', payload: event.body, headers: signedHeaders(event.id, event.body, Math.floor(Date.now() / 1000) - 3_600) }),
      receiver.app.inject({ method: 'POST', url: '/', payload: event.body, headers: { 'content-type': 'application/json' } }),
    ]);
    expect(responses.map((response) => response.statusCode)).toEqual([401, 401, 401, 401]);
    expect(responses.map((response) => response.body)).toEqual(['signature mismatch', 'signature mismatch', 'signature stale', 'signature missing']);
    expect(receiver.snapshot().counters).toMatchObject({ 'receiver.badSignature': 4, 'receiver.received': 0 });
    await receiver.app.close();
  });
});
