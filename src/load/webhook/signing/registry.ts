import type { SigningConfig } from '../../../scenario/signing-schema.js';
import { github } from './github.js';
import { hmac } from './hmac.js';
import type { Signer, SigningScheme, Verifier } from './scheme.js';
import { shopify } from './shopify.js';
import { slack } from './slack.js';
import { standardWebhooks } from './standard-webhooks.js';
import { stripe } from './stripe.js';
import { svix } from './svix.js';

/** Every signing scheme by name. A new scheme is a new file and one entry here. */
const SCHEMES = new Map<string, SigningScheme<never>>(
  ([standardWebhooks, svix, stripe, github, shopify, slack, hmac] as SigningScheme<never>[]).map((scheme) => [scheme.name, scheme]),
);

export function schemeOf(name: SigningConfig['scheme']): SigningScheme {
  const scheme = SCHEMES.get(name);
  if (!scheme) throw new Error(`no signing scheme "${name}"`);
  return scheme as unknown as SigningScheme;
}

export function signerFor(config: SigningConfig): Signer {
  return schemeOf(config.scheme).signer(config);
}

export function verifierFor(config: SigningConfig): Verifier {
  return schemeOf(config.scheme).verifier(config);
}

export function schemeNames(): string[] {
  return [...SCHEMES.keys()];
}
