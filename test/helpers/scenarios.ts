import { parseScenarioBytes, type LoadedScenario } from '../../src/scenario/load-scenario.js';

/** A validated scenario from inline YAML, as the loader would produce it from a file. */
export function scenarioFrom(yaml: string, file = 'inline.yaml'): LoadedScenario {
  return parseScenarioBytes(Buffer.from(yaml), file);
}

export const TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** One `webhook.signing` value (YAML flow) per signing scheme, for tests that go over every scheme. */
export const SIGNING_PER_SCHEME: readonly string[] = [
  `{ scheme: standard-webhooks, secret: ${TEST_SECRET} }`,
  `{ scheme: svix, secret: ${TEST_SECRET} }`,
  '{ scheme: stripe, secret: whsec_stripe_test_123 }',
  '{ scheme: github, secret: gh-secret-123 }',
  '{ scheme: shopify, secret: shpss_0123456789 }',
  '{ scheme: slack, secret: slack-signing-1 }',
  "{ scheme: hmac, secret: s3cret, header: X-Sig, value: 'v1={{signature}}', content: '{{id}}.{{timestamp}}.{{body}}', timestampHeader: X-Ts, idHeader: X-Id }",
];
