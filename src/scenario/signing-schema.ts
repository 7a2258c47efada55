import { z } from 'zod';
import { bindTemplate } from '../template/render.js';
import { isConstant, type Template } from '../template/template.js';
import { rememberSecret } from '../template/secrets.js';
import { templateField } from './fields.js';

/**
 * `webhook.signing: { scheme, secret, ... }`: one entry per signing scheme (the signing code is in
 * src/load/webhook/signing/, one file per scheme). Secrets may read the environment
 * (`secret: "{{env.STRIPE_WEBHOOK_SECRET}}"`); they are resolved here, once, and remembered so no
 * output ever shows them.
 */

/** A secret: text, or a template over `{{env.NAME}}` only, resolved at load. */
export const secretText = templateField({ variables: [] })
  .refine((template) => isConstant(template), 'a secret may only use {{env.NAME}}')
  .transform((template) => rememberSecret(bindTemplate(template)({ values: {}, random: () => 0 })))
  .refine((secret) => secret.length > 0, 'the secret is empty');

const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const whsecSecret = secretText.refine((secret) => WHSEC.test(secret), 'expected a Standard Webhooks secret: "whsec_" followed by base64');

const standardWebhooks = z.strictObject({
  scheme: z.enum(['standard-webhooks', 'svix']).describe('Standard Webhooks (`webhook-*` headers) or the same under `svix-*` headers.'),
  secret: whsecSecret,
});

function secretOnly<S extends 'stripe' | 'slack'>(scheme: S, description: string) {
  return z.strictObject({ scheme: z.literal(scheme).describe(description), secret: secretText });
}

const github = z.strictObject({
  scheme: z.literal('github').describe('X-Hub-Signature-256: sha256=hex(HMAC-SHA256(secret, body)), with X-GitHub-Event and X-GitHub-Delivery.'),
  secret: secretText,
  event: z.string().regex(/^[a-z_]+$/).default('ping').describe('The X-GitHub-Event header.'),
});

const shopify = z.strictObject({
  scheme: z.literal('shopify').describe('X-Shopify-Hmac-Sha256: base64(HMAC-SHA256(secret, body)), with topic, shop domain, API version and webhook id.'),
  secret: secretText,
  topic: z.string().min(1).default('orders/create'),
  shopDomain: z.string().min(1).default('pushbench.myshopify.com'),
  apiVersion: z.string().min(1).default('2025-07'),
});

const signatureValue = templateField({ variables: ['signature', 'timestamp', 'id'] });
const signatureContent = templateField({ variables: ['timestamp', 'body', 'id'] });

const hmac = z
  .strictObject({
    scheme: z.literal('hmac').describe('Generic HMAC into one header.'),
    secret: secretText,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    header: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name'),
    value: signatureValue.prefault('{{signature}}').describe('The header value; `{{signature}}` is the digest.'),
    content: signatureContent.prefault('{{body}}').describe('What is signed: a template over {{timestamp}}, {{body}} and {{id}}.'),
    timestampHeader: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name').optional().describe('Sends the unix timestamp in this header.'),
    idHeader: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name').optional().describe('Sends the event id in this header.'),
  })
  .superRefine((config, ctx) => {
    const uses = (template: Template, name: string): boolean => template.parts.some((part) => part.kind === 'var' && part.name === name);
    for (const [name, header] of [['timestamp', 'timestampHeader'], ['id', 'idHeader']] as const) {
      if (!config[header] && (uses(config.content, name) || uses(config.value, name))) {
        ctx.addIssue({ code: 'custom', path: [header], message: `{{${name}}} in \`content\` or \`value\` needs an \`${header}\` (the receiver must know it)` });
      }
    }
    if (!config.value.parts.some((part) => part.kind === 'var' && part.name === 'signature')) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: '`value` must contain {{signature}}' });
    }
  });

export const signingSchema = z
  .discriminatedUnion('scheme', [
    standardWebhooks,
    secretOnly('stripe', 'Stripe-Signature: t=<unix s>,v1=hex(HMAC-SHA256(secret, "t.body")).'),
    github,
    shopify,
    secretOnly('slack', 'X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:ts:body")) and X-Slack-Request-Timestamp.'),
    hmac,
  ])
  .describe('How requests are signed; schemes: standard-webhooks, svix, stripe, github, shopify, slack, hmac.');

export type SigningConfig = z.output<typeof signingSchema>;
export type StandardWebhooksSigning = z.output<typeof standardWebhooks>;
export type SecretSigning<S extends 'stripe' | 'slack'> = { scheme: S; secret: string };
export type GithubSigning = z.output<typeof github>;
export type ShopifySigning = z.output<typeof shopify>;
export type HmacSigning = z.output<typeof hmac>;
