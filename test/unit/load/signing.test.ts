import { describe, expect, it } from 'vitest';
import { decodeSecret, signWebhook, verifyWebhook } from '../../../src/load/webhook/signing/standard-webhooks.js';

// The Standard Webhooks specification's published test vector.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP_SEC = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('Standard Webhooks signing', () => {
  it('reproduces the specification test vector', () => {
    expect(signWebhook(decodeSecret(SECRET), ID, TIMESTAMP_SEC, BODY)).toBe(SIGNATURE);
  });

  it('verifies the vector, also among several space-separated signatures', () => {
    const key = decodeSecret(SECRET);
    const headers = { id: ID, timestamp: String(TIMESTAMP_SEC), signature: SIGNATURE };
    expect(verifyWebhook(key, headers, BODY, TIMESTAMP_SEC)).toBe('ok');
    expect(verifyWebhook(key, { ...headers, signature: `v1,AAAA ${SIGNATURE}` }, BODY, TIMESTAMP_SEC)).toBe('ok');
  });

  it('rejects a tampered body, a wrong id, a missing header and a stale or future timestamp', () => {
    const key = decodeSecret(SECRET);
    const headers = { id: ID, timestamp: String(TIMESTAMP_SEC), signature: SIGNATURE };
    expect(verifyWebhook(key, headers, '{"test": 2432232315}', TIMESTAMP_SEC)).toBe('mismatch');
    expect(verifyWebhook(key, { ...headers, id: 'msg_other' }, BODY, TIMESTAMP_SEC)).toBe('mismatch');
    expect(verifyWebhook(key, { ...headers, signature: undefined }, BODY, TIMESTAMP_SEC)).toBe('missing');
    expect(verifyWebhook(key, headers, BODY, TIMESTAMP_SEC + 301)).toBe('stale');
    expect(verifyWebhook(key, headers, BODY, TIMESTAMP_SEC - 301)).toBe('stale');
    expect(verifyWebhook(key, headers, BODY, TIMESTAMP_SEC + 299)).toBe('ok');
  });
});
