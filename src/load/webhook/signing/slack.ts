import { createHmac } from 'node:crypto';
import type { SecretSigning } from '../../../scenario/signing-schema.js';
import { sameText } from './compare.js';
import { isStale, type SigningScheme } from './scheme.js';

/** Slack: `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:ts:body"))` and `X-Slack-Request-Timestamp`. */
export const slack: SigningScheme<SecretSigning<'slack'>> = {
  name: 'slack',
  idHeader: undefined,
  signer({ secret }) {
    return ({ timestampSec, body }) => `x-slack-request-timestamp: ${timestampSec}\r\nx-slack-signature: v0=${slackHex(secret, timestampSec, body)}\r\n`;
  },
  verifier({ secret }) {
    return (headers, body, nowSec) => {
      const signature = headers('x-slack-signature');
      const timestamp = headers('x-slack-request-timestamp');
      if (!signature || !timestamp) return 'missing';
      if (isStale(timestamp, nowSec)) return 'stale';
      return sameText(signature, `v0=${slackHex(secret, Number(timestamp), body)}`) ? 'ok' : 'mismatch';
    };
  },
};

export function slackHex(secret: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secret).update(`v0:${timestampSec}:`).update(body, 'latin1').digest('hex');
}
