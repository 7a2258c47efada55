import { createHmac } from 'node:crypto';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { BodySource } from '../../../src/load/webhook/body-source.js';
import { parseEndpoint } from '../../../src/load/webhook/endpoint.js';
import { RequestBuilder } from '../../../src/load/webhook/request-builder.js';
import { schemeNames, verifierFor } from '../../../src/load/webhook/signing/registry.js';
import { shopifyBase64 } from '../../../src/load/webhook/signing/shopify.js';
import { slackHex } from '../../../src/load/webhook/signing/slack.js';
import type { SigningConfig } from '../../../src/scenario/signing-schema.js';
import { scenarioFrom, SIGNING_PER_SCHEME, TEST_SECRET } from '../../helpers/scenarios.js';
import { parseWireRequest } from '../../helpers/wire-request.js';

/** A signed request as pushbench sends it, for the scheme in `signing` (YAML), with a templated JSON body. */
function signedRequest(signing: string, seq = 7) {
  const { config } = scenarioFrom(`
name: signing
webhook:
  target: http://127.0.0.1:9/hook
  signing: ${signing}
  payload: { template: '{"id":"{{id}}","type":"charge.succeeded","object":"event","note":"caf\u00e9 {{randString 8}}"}' }
  load: { model: open, rate: 1, duration: 1s }
`);
  const webhook = config.webhook!;
  const endpoint = parseEndpoint('http://127.0.0.1:9/hook');
  const builder = new RequestBuilder({ method: 'POST', endpoint, headers: [], signing: webhook.signing, bodies: new BodySource(webhook.payload, 1), seed: 1 });
  return { wire: parseWireRequest(builder.build(seq, 0)), signing: webhook.signing! };
}

/** The body as the receiver's library gets it: the UTF-8 text of the bytes sent. */
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

describe('signing schemes, verified by each provider\'s own library', () => {
  it('registers every scheme of the issue', () => {
    expect(schemeNames().sort()).toEqual(['github', 'hmac', 'shopify', 'slack', 'standard-webhooks', 'stripe', 'svix']);
  });

  it('standard-webhooks: accepted by the standardwebhooks library', () => {
    const { wire } = signedRequest(`{ scheme: standard-webhooks, secret: ${TEST_SECRET} }`);
    expect(Buffer.byteLength(utf8(wire.body))).toBe(Number(wire.headers['content-length']));
    const event = new StandardWebhook(TEST_SECRET.slice('whsec_'.length)).verify(utf8(wire.body), wire.headers);
    expect(event).toMatchObject({ type: 'charge.succeeded' });
  });

  it('svix: accepted by the svix library (svix-* headers)', () => {
    const { wire } = signedRequest(`{ scheme: svix, secret: ${TEST_SECRET} }`);
    expect(wire.headers['svix-id']).toMatch(/^evt_/);
    expect(new SvixWebhook(TEST_SECRET).verify(utf8(wire.body), wire.headers)).toMatchObject({ type: 'charge.succeeded' });
  });

  it('stripe: accepted by stripe.webhooks.constructEvent', () => {
    const secret = 'whsec_test_stripe_0123456789';
    const { wire } = signedRequest(`{ scheme: stripe, secret: ${secret} }`);
    const stripe = new Stripe('sk_test_pushbench');
    const event = stripe.webhooks.constructEvent(utf8(wire.body), wire.headers['stripe-signature']!, secret);
    expect(event.type).toBe('charge.succeeded');
    expect(() => stripe.webhooks.constructEvent(utf8(wire.body) + ' ', wire.headers['stripe-signature']!, secret)).toThrow();
  });

  it('github: accepted by @octokit/webhooks-methods verify', async () => {
    const { wire } = signedRequest('{ scheme: github, secret: gh-secret-123, event: push }');
    expect(wire.headers['x-github-event']).toBe('push');
    expect(await verifyGithub('gh-secret-123', utf8(wire.body), wire.headers['x-hub-signature-256']!)).toBe(true);
    expect(await verifyGithub('other-secret', utf8(wire.body), wire.headers['x-hub-signature-256']!)).toBe(false);
  });

  it('shopify: the HMAC matches a published vector, and the request carries the headers Shopify\'s verifier reads', () => {
    // HMAC-SHA256("secret", "foo") in base64, the worked example of Shopify's HMAC recipe
    // (gist.github.com/joyrexus/946ea887e2d21b950e20972c2f4f7139, which cites Shopify's webhook docs).
    expect(shopifyBase64('secret', 'foo')).toBe('dzukRpPHVT1u4g9h6l0nV6mk9KRNKEGuTpW1LkzWLbQ=');
    const { wire } = signedRequest('{ scheme: shopify, secret: shpss_0123456789 }');
    for (const header of ['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-api-version', 'x-shopify-webhook-id']) expect(wire.headers[header]).toBeTruthy();
    expect(wire.headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', 'shpss_0123456789').update(Buffer.from(wire.body, 'latin1')).digest('base64'));
  });

  it('slack: reproduces the worked example of Slack\'s "Verifying requests from Slack" page', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(`v0=${slackHex('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)}`).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
    const { wire } = signedRequest('{ scheme: slack, secret: 8f742231b10e8888abcd99yyyzzz85a5 }');
    expect(wire.headers['x-slack-signature']).toBe(`v0=${slackHex('8f742231b10e8888abcd99yyyzzz85a5', Number(wire.headers['x-slack-request-timestamp']), wire.body)}`);
  });

  it('hmac: algorithm, encoding, header, value and content as configured', () => {
    const { wire } = signedRequest(
      "{ scheme: hmac, secret: s3cret, algorithm: sha512, encoding: base64, header: X-Signature, value: 'sha512={{signature}}', content: '{{timestamp}}.{{body}}', timestampHeader: X-Timestamp }",
    );
    const expected = createHmac('sha512', 's3cret').update(`${wire.headers['x-timestamp']}.`).update(Buffer.from(wire.body, 'latin1')).digest('base64');
    expect(wire.headers['x-signature']).toBe(`sha512=${expected}`);
  });

  it.each(SIGNING_PER_SCHEME)('the built-in receiver\'s verifier accepts %s and refuses a changed body', (signing) => {
    const { wire, signing: config } = signedRequest(signing);
    const verify = verifierFor(config as SigningConfig);
    const nowSec = Math.floor(Date.now() / 1000);
    const header = (name: string): string | undefined => wire.headers[name];
    expect(verify(header, wire.body, nowSec)).toBe('ok');
    expect(verify(header, wire.body.replace('charge', 'chargf'), nowSec)).toBe('mismatch');
    expect(verify(() => undefined, wire.body, nowSec)).toBe('missing');
  });
});
