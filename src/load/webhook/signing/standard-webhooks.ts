import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { StandardWebhooksSigning } from '../../../scenario/signing-schema.js';
import { isStale, type HeaderLookup, type SignatureCheck, type SigningScheme } from './scheme.js';

/** Standard Webhooks: the key is the base64 part of `whsec_<base64>`. */
export function decodeSecret(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** The `webhook-signature` value: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export function signWebhook(key: Buffer | KeyObject, id: string, timestampSec: number, body: string): string {
  // id and timestamp are ASCII, so one latin1 update covers the whole signed content.
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`, 'latin1').digest('base64');
}

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
  if (isStale(timestamp, nowSec)) return 'stale';
  const expected = Buffer.from(signWebhook(key, id, Number(timestamp), body).slice(3), 'base64');
  for (const entry of signature.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return 'ok';
  }
  return 'mismatch';
}

/** Standard Webhooks with its header names under a prefix: `webhook-` (standard) or `svix-` (Svix). */
export function standardWebhooksScheme(name: 'standard-webhooks' | 'svix', prefix: string): SigningScheme<StandardWebhooksSigning> {
  const idHeader = `${prefix}id`;
  const timestampHeader = `${prefix}timestamp`;
  const signatureHeader = `${prefix}signature`;
  return {
    name,
    idHeader,
    signer(config) {
      const key = createSecretKey(decodeSecret(config.secret));
      return ({ id, timestampSec, body }) =>
        `${idHeader}: ${id}\r\n${timestampHeader}: ${timestampSec}\r\n${signatureHeader}: ${signWebhook(key, id, timestampSec, body)}\r\n`;
    },
    verifier(config) {
      const key = decodeSecret(config.secret);
      return (headers: HeaderLookup, body, nowSec) =>
        verifyWebhook(key, { id: headers(idHeader), timestamp: headers(timestampHeader), signature: headers(signatureHeader) }, body, nowSec);
    },
  };
}

export const standardWebhooks = standardWebhooksScheme('standard-webhooks', 'webhook-');
