import { createHmac } from 'node:crypto';
import type { ShopifySigning } from '../../../scenario/signing-schema.js';
import { sameText } from './compare.js';
import type { SigningScheme } from './scheme.js';

/**
 * Shopify: `X-Shopify-Hmac-Sha256: base64(HMAC-SHA256(secret, body))`, with the topic, shop domain,
 * API version and webhook id headers Shopify's verifier reads.
 */
export const shopify: SigningScheme<ShopifySigning> = {
  name: 'shopify',
  idHeader: 'x-shopify-webhook-id',
  signer({ secret, topic, shopDomain, apiVersion }) {
    const fixed = `x-shopify-topic: ${topic}\r\nx-shopify-shop-domain: ${shopDomain}\r\nx-shopify-api-version: ${apiVersion}\r\n`;
    return ({ id, timestampSec, body }) =>
      `${fixed}x-shopify-webhook-id: ${id}\r\nx-shopify-triggered-at: ${new Date(timestampSec * 1000).toISOString()}\r\nx-shopify-hmac-sha256: ${shopifyBase64(secret, body)}\r\n`;
  },
  verifier({ secret }) {
    return (headers, body) => {
      const header = headers('x-shopify-hmac-sha256');
      if (!header || !headers('x-shopify-topic') || !headers('x-shopify-shop-domain') || !headers('x-shopify-api-version') || !headers('x-shopify-webhook-id')) {
        return 'missing';
      }
      return sameText(header, shopifyBase64(secret, body)) ? 'ok' : 'mismatch';
    };
  },
};

export function shopifyBase64(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'latin1').digest('base64');
}
