import { createHmac } from 'node:crypto';
import type { SecretSigning } from '../../../scenario/signing-schema.js';
import { sameText } from './compare.js';
import { isStale, type SigningScheme } from './scheme.js';

/** Stripe: `Stripe-Signature: t=<unix s>,v1=hex(HMAC-SHA256(secret, "t.body"))`; the secret is used as written. */
export const stripe: SigningScheme<SecretSigning<'stripe'>> = {
  name: 'stripe',
  idHeader: undefined,
  signer({ secret }) {
    return ({ timestampSec, body }) => `stripe-signature: t=${timestampSec},v1=${stripeHex(secret, timestampSec, body)}\r\n`;
  },
  verifier({ secret }) {
    return (headers, body, nowSec) => {
      const header = headers('stripe-signature');
      if (!header) return 'missing';
      const fields = header.split(',').map((field) => field.split('=', 2) as [string, string | undefined]);
      const timestamp = fields.find(([key]) => key === 't')?.[1];
      if (isStale(timestamp, nowSec)) return 'stale';
      const expected = stripeHex(secret, Number(timestamp), body);
      return fields.some(([key, value]) => key === 'v1' && value !== undefined && sameText(value, expected)) ? 'ok' : 'mismatch';
    };
  },
};

function stripeHex(secret: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body, 'latin1').digest('hex');
}
