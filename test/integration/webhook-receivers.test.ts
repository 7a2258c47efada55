import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario, resolveScenarioPath } from '../../src/scenario/load-scenario.js';
import { pushbench } from '../helpers/cli.js';
import { scenarioFrom, SIGNING_PER_SCHEME } from '../helpers/scenarios.js';
import { closedPort, startServer, type TestServer } from '../helpers/servers.js';

/** A real server that counts what it saw and keeps the headers of the first request. */
async function countingServer(status = 200): Promise<TestServer & { seen: () => number; firstHeaders: () => Record<string, unknown> | undefined; methods: Set<string> }> {
  let seen = 0;
  let first: Record<string, unknown> | undefined;
  const methods = new Set<string>();
  const server = await startServer((request, response) => {
    seen++;
    first ??= { ...request.headers };
    methods.add(request.method ?? '');
    response.statusCode = status;
    response.end('ok');
  });
  return { ...server, seen: () => seen, firstHeaders: () => first, methods };
}

describe('webhook runs against real receivers', () => {
  it('webhook.targets: a 3:1 weighted split within 2 points, per-target counts equal what each server saw', async () => {
    const [primary, secondary] = await Promise.all([countingServer(), countingServer()]);
    try {
      const result = await runScenario(
        scenarioFrom(`
name: two-targets
seed: 5
webhook:
  method: PUT
  headers: { X-Common: all }
  targets:
    - { name: primary, url: "${primary.url}", weight: 3, headers: { X-Which: primary } }
    - { name: secondary, url: "${secondary.url}", weight: 1, signing: { scheme: github, secret: gh-secret } }
  load: { model: open, rate: 1000, duration: 2s, connections: 16 }
`),
      );
      const { counters, metrics } = result;
      expect(counters['webhook.sent']).toBe(2000);
      expect(counters['webhook.ok']).toBe(2000);
      expect(counters['webhook.primary.ok']).toBe(primary.seen());
      expect(counters['webhook.secondary.ok']).toBe(secondary.seen());
      expect(primary.seen() + secondary.seen()).toBe(2000);
      expect(Math.abs(primary.seen() / 2000 - 0.75)).toBeLessThan(0.02);
      expect(metrics['webhook.primary.latency']?.count).toBe(primary.seen());
      expect(metrics['webhook.secondary.latency']?.count).toBe(secondary.seen());
      expect(metrics['webhook.latency']?.count).toBe(2000);
      expect(primary.firstHeaders()).toMatchObject({ 'x-common': 'all', 'x-which': 'primary' });
      expect(primary.firstHeaders()?.['x-hub-signature-256']).toBeUndefined();
      expect(secondary.firstHeaders()).toMatchObject({ 'x-common': 'all', 'x-github-event': 'ping' });
      expect(String(secondary.firstHeaders()?.['x-hub-signature-256'])).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect([...primary.methods]).toEqual(['PUT']);
    } finally {
      await Promise.all([primary.close(), secondary.close()]);
    }
  });

  it('several targets that all refuse: the run is invalid, its reason naming every target URL', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const { validity, counters } = await runScenario(
      scenarioFrom(`
name: all-refused
webhook:
  targets: [{ name: a, url: "http://127.0.0.1:${a}/hook" }, { name: b, url: "http://127.0.0.1:${b}/hook" }]
  load: { model: open, rate: 100, duration: 500ms }
`),
    );
    expect(counters['webhook.errors.refused']).toBe(50);
    expect((counters['webhook.a.errors.refused'] ?? 0) + (counters['webhook.b.errors.refused'] ?? 0)).toBe(50);
    expect(validity.ok).toBe(false);
    expect(validity.reasons).toContain(`no request succeeded: 50 refused by http://127.0.0.1:${a}/hook, http://127.0.0.1:${b}/hook (is it running?)`);
  });

  it('a status outside expectStatus is an error counted by its class, per target too', async () => {
    const server = await countingServer(200);
    try {
      const { counters } = await runScenario(
        scenarioFrom(`
name: expect-202
webhook:
  targets: [{ name: only, url: "${server.url}" }]
  expectStatus: [202]
  load: { model: open, rate: 200, duration: 1s }
`),
      );
      expect(counters['webhook.errors.2xx']).toBe(200);
      expect(counters['webhook.only.errors.2xx']).toBe(200);
      expect(counters['webhook.ok'] ?? 0).toBe(0);
    } finally {
      await server.close();
    }
  });

  it.each(SIGNING_PER_SCHEME)('the built-in receiver verifies %s: every templated request accepted', async (signing) => {
    const { counters } = await runScenario(
      scenarioFrom(`
name: scheme
webhook:
  signing: ${signing}
  method: PATCH
  payload: { template: '{"id":"{{id}}","type":"invoice.paid","n":{{randInt 1 9}}}' }
  load: { model: open, rate: 200, duration: 500ms }
`),
    );
    expect(counters['webhook.ok']).toBe(100);
    expect(counters['receiver.received']).toBe(100);
    expect(counters['receiver.badSignature']).toBe(0);
  });

  it.each(['stripe-receiver', 'github-receiver'])('the shipped scenario %s runs as shipped (shortened): every request verified and accepted', async (name) => {
    const { counters } = await runScenario(await loadScenario(resolveScenarioPath(name), { duration: '1s' }));
    expect(counters['webhook.sent']).toBeGreaterThan(100);
    expect(counters['webhook.ok']).toBe(counters['webhook.sent']);
    expect(counters['receiver.unique']).toBe(counters['webhook.sent']);
    expect(counters['receiver.badSignature']).toBe(0);
  });

  it('values from the environment and signing secrets reach no output: result.json, report, Markdown, JUnit, stdout, stderr', async () => {
    const server = await countingServer();
    const token = 'tok_FROM_ENV_9f8e7d6c5b';
    const secret = 'sig_FROM_ENV_a1b2c3d4e5';
    const tenant = 'tenant-FROM-ENV-777';
    try {
      const dir = mkdtempSync(join(tmpdir(), 'pushbench-redact-'));
      const file = join(dir, 'scenario.yaml');
      writeFileSync(
        file,
        `name: redact
webhook:
  target: ${server.url}
  headers: { Authorization: "Bearer {{env.PB_TEST_TOKEN}}", X-Tenant: "{{env.PB_TEST_TENANT}}" }
  signing: { scheme: stripe, secret: "{{env.PB_TEST_SECRET}}" }
  payload: { template: '{"id":"{{id}}","tenant":"{{env.PB_TEST_TENANT}}"}' }
  load: { model: open, rate: 100, duration: 500ms }
thresholds:
  webhook.latency: ["p99 < 60s"]
`,
      );
      const out = join(dir, 'out');
      const run = await pushbench(['run', file, '--out', out, '--junit', join(dir, 'junit.xml'), '--markdown', join(dir, 'summary.md')], {
        env: { PB_TEST_TOKEN: token, PB_TEST_SECRET: secret, PB_TEST_TENANT: tenant },
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(server.firstHeaders()).toMatchObject({ authorization: `Bearer ${token}`, 'x-tenant': tenant });
      const outputs = [run.stdout, run.stderr, readFileSync(join(dir, 'junit.xml'), 'utf8'), readFileSync(join(dir, 'summary.md'), 'utf8')];
      for (const name of readdirSync(out)) outputs.push(readFileSync(join(out, name), 'utf8'));
      expect(readdirSync(out)).toEqual(expect.arrayContaining(['result.json', 'report.html']));
      for (const text of outputs) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(secret);
        expect(text).not.toContain(tenant);
      }
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
      expect(JSON.stringify(result.scenario)).toContain('{{env.PB_TEST_TENANT}}');
    } finally {
      await server.close();
    }
  });
});
