import { createHmac } from 'node:crypto';
import type { GithubSigning } from '../../../scenario/signing-schema.js';
import { sameText } from './compare.js';
import type { SigningScheme } from './scheme.js';

/** GitHub: `X-Hub-Signature-256: sha256=hex(HMAC-SHA256(secret, body))`, with the delivery id and event name. */
export const github: SigningScheme<GithubSigning> = {
  name: 'github',
  idHeader: 'x-github-delivery',
  signer({ secret, event }) {
    return ({ id, body }) => `x-github-event: ${event}\r\nx-github-delivery: ${id}\r\nx-hub-signature-256: sha256=${githubHex(secret, body)}\r\n`;
  },
  verifier({ secret }) {
    return (headers, body) => {
      const header = headers('x-hub-signature-256');
      if (!header) return 'missing';
      return sameText(header, `sha256=${githubHex(secret, body)}`) ? 'ok' : 'mismatch';
    };
  },
};

function githubHex(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'latin1').digest('hex');
}
