/**
 * What templating and each signing scheme cost per request, in the generator: µs to build one
 * complete HTTP request (body, headers, signature) with pushbench's RequestBuilder, beside today's
 * default request (the built-in 512-byte body, Standard Webhooks signature). In-process, best of
 * several rounds of many builds each (2 noisy shared cores: compare rows of one run, not runs).
 *   npx tsx bench/request-cost.ts        (also printed at the end of `npm run bench:webhook`)
 */
import { BodySource } from '../src/load/webhook/body-source.js';
import { parseEndpoint } from '../src/load/webhook/endpoint.js';
import { RequestBuilder } from '../src/load/webhook/request-builder.js';
import { parseScenarioBytes } from '../src/scenario/load-scenario.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TEMPLATE = `'{"id":"{{id}}","type":"invoice.paid","created":{{timestamp}},"ref":"{{uuid}}","amount":{{randInt 100 99999}},"note":"{{randString 16}}","seq":{{seq}}}'`;
const BUILDS_PER_ROUND = 100_000;
const ROUNDS = 5;

const cases: { label: string; yaml: string }[] = [
  { label: 'built-in body, unsigned', yaml: 'payload: { sizeBytes: 512 }' },
  { label: "built-in body + standard-webhooks (today's default)", yaml: `payload: { sizeBytes: 512 }\n  secret: ${SECRET}` },
  { label: 'template, unsigned', yaml: `payload: { template: ${TEMPLATE} }` },
  { label: 'template + 3 headers (2 templated)', yaml: `payload: { template: ${TEMPLATE} }\n  headers: { Authorization: "Bearer tok_123456789", X-Seq: "{{seq}}", X-Req: "{{uuid}}" }` },
  ...(
    [
      ['standard-webhooks', `{ scheme: standard-webhooks, secret: ${SECRET} }`],
      ['svix', `{ scheme: svix, secret: ${SECRET} }`],
      ['stripe', '{ scheme: stripe, secret: whsec_bench_123456 }'],
      ['github', '{ scheme: github, secret: gh-secret-123 }'],
      ['shopify', '{ scheme: shopify, secret: shpss_0123456789 }'],
      ['slack', '{ scheme: slack, secret: slack-secret-1 }'],
      ['hmac', "{ scheme: hmac, secret: s3cret, header: X-Signature, content: '{{timestamp}}.{{body}}', timestampHeader: X-Ts }"],
    ] as const
  ).map(([scheme, signing]) => ({ label: `template + ${scheme}`, yaml: `payload: { template: ${TEMPLATE} }\n  signing: ${signing}` })),
];

function builderFor(yaml: string): RequestBuilder {
  const text = `name: cost\nwebhook:\n  target: http://127.0.0.1:9/hook\n  ${yaml}\n  load: { model: open, rate: 1, duration: 1s }\n`;
  const webhook = parseScenarioBytes(Buffer.from(text), 'bench.yaml').config.webhook!;
  const endpoint = parseEndpoint('http://127.0.0.1:9/hook');
  return new RequestBuilder({ method: webhook.method, endpoint, headers: webhook.headers, signing: webhook.signing, bodies: new BodySource(webhook.payload, 1), seed: 1 });
}

/** Best-of-rounds µs per build, and the request size. */
function measure(builder: RequestBuilder): { usPerRequest: number; bytes: number } {
  let best = Infinity;
  let bytes = 0;
  let seq = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BUILDS_PER_ROUND; i++) bytes = builder.build(seq++, 0).length;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / BUILDS_PER_ROUND);
  }
  return { usPerRequest: best, bytes };
}

export function printRequestCost(): { label: string; usPerRequest: number }[] {
  console.log(`\nrequest building cost in the generator (best of ${ROUNDS} rounds of ${BUILDS_PER_ROUND} builds; same-run rows compare, runs do not)`);
  console.log('case                                                  us/request   bytes   vs unsigned built-in   vs today');
  const rows = cases.map(({ label, yaml }) => ({ label, ...measure(builderFor(yaml)) }));
  const unsigned = rows[0]!.usPerRequest;
  const today = rows[1]!.usPerRequest;
  for (const row of rows) {
    const sign = (delta: number): string => `${delta >= 0 ? '+' : ''}${delta.toFixed(2)}`;
    console.log(`${row.label.padEnd(52)} ${row.usPerRequest.toFixed(2).padStart(10)} ${String(row.bytes).padStart(7)} ${sign(row.usPerRequest - unsigned).padStart(22)} ${sign(row.usPerRequest - today).padStart(10)}`);
  }
  const worst = Math.max(...rows.slice(2).map((row) => row.usPerRequest)) - unsigned;
  console.log(`signing + templating add at most ${worst.toFixed(2)} us/request over the unsigned built-in body (target < 5 us): ${worst < 5 ? 'met' : 'NOT met'}`);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) printRequestCost();
