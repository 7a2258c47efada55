import { describe, expect, it } from 'vitest';
import { BodySource } from '../../../src/load/webhook/body-source.js';
import { parseEndpoint } from '../../../src/load/webhook/endpoint.js';
import { classifyStatus } from '../../../src/load/webhook/error-class.js';
import { RequestBuilder } from '../../../src/load/webhook/request-builder.js';
import { loadScenario } from '../../../src/scenario/load-scenario.js';
import { scenarioFrom } from '../../helpers/scenarios.js';
import { parseWireRequest, type WireRequest } from '../../helpers/wire-request.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/payloads');

function webhookOf(yaml: string) {
  return scenarioFrom(`name: requests\nwebhook:\n  target: http://127.0.0.1:9/hook\n${yaml}\n  load: { model: open, rate: 1, duration: 1s }\n`).config.webhook!;
}

function requestsOf(webhook: ReturnType<typeof webhookOf>, seed = 1): (seq: number) => WireRequest {
  const endpoint = parseEndpoint('http://127.0.0.1:9/hook');
  const builder = new RequestBuilder({ method: webhook.method, endpoint, headers: webhook.headers, signing: webhook.signing, bodies: new BodySource(webhook.payload, seed), seed });
  return (seq) => parseWireRequest(builder.build(seq, 0));
}

async function webhookFromFile(payloadYaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pushbench-payload-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, `name: file\nwebhook:\n  target: http://127.0.0.1:9/hook\n  payload: ${payloadYaml.replaceAll('FIXTURES', FIXTURES)}\n  load: { model: open, rate: 1, duration: 1s }\n`);
  return (await loadScenario(file)).config.webhook!;
}

describe('templated webhook bodies', () => {
  it('renders valid JSON, unique per event where asked, reproducible with the seed, with no padding unless asked', () => {
    const webhook = webhookOf(`  payload: { template: '{"id":"{{id}}","seq":{{seq}},"ref":"{{uuid}}","n":{{randInt 1 6}},"tag":"{{randString 12}}","at":"{{isoTime}}","ts":{{timestamp}}}' }`);
    const build = requestsOf(webhook);
    const bodies = Array.from({ length: 500 }, (_, seq) => build(seq).body);
    const events = bodies.map((body) => JSON.parse(body) as Record<string, unknown>);
    expect(new Set(events.map((event) => event.id)).size).toBe(500);
    expect(new Set(events.map((event) => event.ref)).size).toBe(500);
    expect(new Set(events.map((event) => event.tag)).size).toBe(500);
    expect(events.every((event) => (event.n as number) >= 1 && (event.n as number) <= 6)).toBe(true);
    expect(bodies.every((body) => !body.endsWith(' '))).toBe(true);
    expect(build(3).headers['content-length']).toBe(String(bodies[3]!.length));
    const again = requestsOf(webhook)(42);
    expect([JSON.parse(again.body).ref, JSON.parse(again.body).tag]).toEqual([events[42]!.ref, events[42]!.tag]);
    expect(JSON.parse(requestsOf(webhook, 2)(42).body).ref).not.toBe(events[42]!.ref);
  });

  it('pads with trailing spaces (still valid JSON) only when sizeBytes is given', () => {
    const body = requestsOf(webhookOf(`  payload: { template: '{"id":"{{id}}"}', sizeBytes: 300 }`))(1).body;
    expect(body.length).toBe(300);
    expect(JSON.parse(body)).toEqual({ id: expect.stringMatching(/^evt_/) });
  });

  it('an unknown variable or helper is a located error at load', () => {
    expect(() => webhookOf(`  payload: { template: '{"a":"{{nope}}"}' }`)).toThrow(/inline\.yaml:4:\d+: webhook\.payload\.template: unknown variable or helper \{\{nope\}\}/);
    expect(() => webhookOf(`  payload: { template: '{"a":"{{row.x}}"}' }`)).toThrow(/no feed rows/);
    expect(() => webhookOf(`  headers: { X-Token: '{{env.PUSHBENCH_SURELY_UNSET}}' }`)).toThrow(/webhook\.headers\.X-Token: environment variable PUSHBENCH_SURELY_UNSET is not set/);
  });
});

describe('payload files', () => {
  it('a JSONL file: rows in order, sent as they are (sequential), or through the template with row.FIELD', async () => {
    const plain = await webhookFromFile('{ file: FIXTURES/orders.jsonl }');
    const build = requestsOf(plain);
    expect([0, 1, 2].map((seq) => JSON.parse(build(seq).body).type)).toEqual(['order.created', 'order.paid', 'order.shipped']);
    expect(new BodySource(plain.payload, 1).has(3)).toBe(false);
    const templated = await webhookFromFile(`{ file: FIXTURES/orders.jsonl, order: circular, template: '{"event":"{{row.type}}","order":{{row.order}},"total":"{{row.order.total}}"}' }`);
    const rendered = requestsOf(templated);
    expect(JSON.parse(rendered(4).body)).toEqual({ event: 'order.paid', order: { id: 2, total: '19.50' }, total: '19.50' });
  });

  it('random order is seeded; a folder of .json files and a single .json event are read too', async () => {
    const random = await webhookFromFile('{ file: FIXTURES/orders.jsonl, order: random }');
    const picks = Array.from({ length: 60 }, (_, seq) => JSON.parse(requestsOf(random)(seq).body).type as string);
    expect(new Set(picks).size).toBe(3);
    expect(Array.from({ length: 60 }, (_, seq) => JSON.parse(requestsOf(random)(seq).body).type)).toEqual(picks);
    expect((await webhookFromFile('{ file: FIXTURES/folder }')).payload.rows).toEqual([{ type: 'a' }, { type: 'b' }]);
    expect((await webhookFromFile('{ file: FIXTURES/one.json }')).payload.rows).toHaveLength(1);
  });

  it('a bad line or a missing file is a located exit-2 error naming the row', async () => {
    await expect(webhookFromFile('{ file: FIXTURES/bad.jsonl }')).rejects.toThrow(/scenario\.yaml:4:\d+: webhook\.payload\.file: .*bad\.jsonl:2: not valid JSON/);
    await expect(webhookFromFile('{ file: FIXTURES/none.jsonl }')).rejects.toThrow(/no such file or folder/);
  });
});

describe('request shape', () => {
  it('headers are templated, method is PUT or PATCH when asked, content-type can be replaced', () => {
    process.env.PUSHBENCH_TEST_TOKEN = 'tok_abcdef123456';
    const webhook = webhookOf(`  method: PATCH\n  headers: { Authorization: 'Bearer {{env.PUSHBENCH_TEST_TOKEN}}', X-Request-Seq: '{{seq}}', Content-Type: application/cloudevents+json }`);
    const request = requestsOf(webhook)(5);
    expect(request.method).toBe('PATCH');
    expect(request.headers.authorization).toBe('Bearer tok_abcdef123456');
    expect(request.headers['x-request-seq']).toBe('5');
    expect(request.headers['content-type']).toBe('application/cloudevents+json');
    expect(() => webhookOf('  method: GET')).toThrow(/webhook\.method/);
    expect(() => webhookOf('  targets: [{ name: errors, url: "http://127.0.0.1:9/" }]')).toThrow(/target cannot be named/);
  });

  it('target URLs may read the environment, once at load', () => {
    process.env.PUSHBENCH_TEST_PORT = '4242';
    const { config } = scenarioFrom('name: u\nwebhook:\n  target: "http://127.0.0.1:{{env.PUSHBENCH_TEST_PORT}}/hook"\n  load: { model: open, rate: 1, duration: 1s }\n');
    expect((config.webhook!.target as URL).href).toBe('http://127.0.0.1:4242/hook');
    expect(() => scenarioFrom('name: u\nwebhook:\n  target: "http://127.0.0.1:9/{{seq}}"\n  load: { model: open, rate: 1, duration: 1s }\n')).toThrow(/webhook\.target/);
  });

  it('expectStatus takes codes and classes; other statuses count by their class', () => {
    expect(webhookOf('').expectStatus).toEqual([{ fromStatus: 200, toStatus: 299 }]);
    const expected = webhookOf('  expectStatus: [202, "3xx"]').expectStatus;
    expect(classifyStatus(202, expected)).toBeUndefined();
    expect(classifyStatus(302, expected)).toBeUndefined();
    expect(classifyStatus(200, expected)).toBe('2xx');
    expect(classifyStatus(429, expected)).toBe('4xx');
    expect(classifyStatus(503)).toBe('5xx');
    expect(() => webhookOf('  expectStatus: ["2xy"]')).toThrow(/expected a status code/);
  });
});
