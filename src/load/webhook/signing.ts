import { createHmac, timingSafeEqual } from 'node:crypto';

/** Standard Webhooks: the key is the base64 part of `whsec_<base64>`. */
export function decodeSecret(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** The `webhook-signature` value: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export function signWebhook(key: Buffer, id: string, timestampSec: number, body: string): string {
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestampSec}.`).update(body).digest('base64');
}

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

/** Default tolerance of the Standard Webhooks libraries for the timestamp, in either direction. */
export const SIGNATURE_TOLERANCE_SEC = 300;

/**
 * Verifies a Standard Webhooks signature header (space-separated `v1,<sig>` entries; any match passes),
 * comparing in constant time and refusing timestamps outside the tolerance.
 */
export function verifyWebhook(
  key: Buffer,
  headers: { id: string | undefined; timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSec: number = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return 'missing';
  const timestampSec = Number(timestamp);
  if (!Number.isInteger(timestampSec) || Math.abs(nowSec - timestampSec) > SIGNATURE_TOLERANCE_SEC) return 'stale';
  const expected = Buffer.from(signWebhook(key, id, timestampSec, body).slice(3), 'base64');
  for (const entry of signature.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return 'ok';
  }
  return 'mismatch';
}
