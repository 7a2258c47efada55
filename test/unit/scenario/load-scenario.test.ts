import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadScenario, parseScenarioBytes, resolveScenarioPath } from '../../../src/scenario/load-scenario.js';

function problems(text: string | Buffer, overrides = {}): string[] {
  try {
    parseScenarioBytes(Buffer.isBuffer(text) ? text : Buffer.from(text), 'bad.yaml', overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).lines];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('loadScenario', () => {
  it('accepts the shipped scenarios as written and fills defaults', async () => {
    const burst = await loadScenario(resolveScenarioPath('webhook-burst'));
    expect(burst.config.webhook?.load).toMatchObject({ model: 'open', pattern: 'burst', patternSpec: { ratePerSec: 2000, multiplier: 10 }, peakRatePerSec: 20_000, durationUs: 20_000_000 });
    expect(burst.config.webhook?.timeoutUs).toBe(10_000_000);
    expect(burst.source).toMatchObject({ webhook: { load: { duration: '20s' } } });
    const closed = await loadScenario(resolveScenarioPath('webhook-closed'));
    expect(closed.config.webhook?.load).toEqual({ model: 'closed', connections: 64, durationUs: 10_000_000, warmupUs: 0 });
    const stripe = await loadScenario(resolveScenarioPath('stripe-receiver'));
    expect(stripe.config.webhook).toMatchObject({ target: 'builtin', signing: { scheme: 'stripe' }, expectStatus: [{ fromStatus: 200, toStatus: 299 }] });
    expect(stripe.config.webhook?.payload.template?.parts.length).toBeGreaterThan(1);
    const github = await loadScenario(resolveScenarioPath('github-receiver'));
    expect(github.config.webhook).toMatchObject({ target: 'builtin', signing: { scheme: 'github', event: 'push' }, method: 'POST' });
  });

  it('accepts JSON scenarios', () => {
    const json = JSON.stringify({ name: 'j', webhook: { load: { model: 'closed', connections: 2, duration: '1s' } } });
    expect(parseScenarioBytes(Buffer.from(json), 'x.json').config.webhook?.target).toBe('builtin');
  });

  it('reports every problem at once as file:line:col, in file order', () => {
    const lines = problems(
      [
        'name: ok',
        'webhok: {}',
        'webhook:',
        '  target: ftp://nope',
        '  payload: { sizeBytes: 12 }',
        '  load:',
        '    model: open',
        '    rate: fast',
        '    duration: 10',
      ].join('\n'),
    );
    expect(lines).toEqual([
      'bad.yaml:2:1: webhok: unknown key (check the spelling; see scenarios/schema.json)',
      'bad.yaml:4:11: webhook.target: expected "builtin" or an http:// or https:// URL',
      'bad.yaml:5:25: webhook.payload.sizeBytes: Too small: expected number to be >=128',
      'bad.yaml:8:11: webhook.load.rate: Invalid input: expected number, received string',
      'bad.yaml:9:15: webhook.load.duration: expected a duration with units, like "500ms", "20s" or "1m30s"',
    ]);
  });

  it('locates cross-field problems: a burst without its section, receiver faults on a URL target', () => {
    expect(problems('name: a\nwebhook:\n  load: { model: open, rate: 5, pattern: burst, duration: 1s }\n')).toEqual([
      'bad.yaml:3:42: webhook.load.pattern: pattern "burst" needs a `burst: { every, for, multiplier }` section',
    ]);
    const receiverOnUrl = 'name: a\nwebhook:\n  target: http://127.0.0.1:9/\n  receiver: { latency: 5ms }\n  load: { model: closed, duration: 1s }\n';
    expect(problems(receiverOnUrl)).toEqual(['bad.yaml:4:13: webhook.receiver: `receiver` faults need `target: builtin`']);
  });

  it('names a missing required field', () => {
    expect(problems('name: a\nwebhook:\n  load: { model: closed }\n')).toEqual(['bad.yaml:3:9: webhook.load.duration: required, expected a duration with units, like "500ms", "20s" or "1m30s"']);
  });

  it('refuses YAML syntax errors, duplicate keys, alias bombs, binary and non-UTF-8 files quickly', () => {
    expect(problems('name: [unclosed\n')[0]).toMatch(/^bad\.yaml:\d+:\d+: /);
    expect(problems('name: a\nname: b\n')).toEqual(['bad.yaml:2:1: Map keys must be unique']);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level++) bomb.push(`${'abcdefgh'[level]}: &${'abcdefgh'[level]} [${Array(10).fill(`*${'abcdefgh'[level - 1]}`).join(', ')}]`);
    const startedMs = Date.now();
    expect(problems(bomb.join('\n'))[0]).toMatch(/^bad\.yaml:1:1: .*alias/i);
    expect(Date.now() - startedMs).toBeLessThan(1_000);
    expect(problems(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]))).toEqual(['bad.yaml:1:1: this is a binary file, not a YAML or JSON scenario']);
    expect(problems(Buffer.from([0x6e, 0x61, 0xff, 0xfe]))).toEqual(['bad.yaml:1:1: the file is not valid UTF-8 text']);
    expect(problems('- just\n- a list\n')[0]).toMatch(/^bad\.yaml:1:1: a scenario must be a mapping/);
  });

  it('applies --duration, --rate and --target before validation and names the flag in errors', () => {
    const open = 'name: a\nwebhook:\n  load: { model: open, rate: 5, duration: 1s }\n';
    const loaded = parseScenarioBytes(Buffer.from(open), 'a.yaml', { duration: '3s', rate: 50, target: 'http://127.0.0.1:1/x' });
    expect(loaded.config.webhook).toMatchObject({ target: new URL('http://127.0.0.1:1/x'), load: { patternSpec: { ratePerSec: 50 }, durationUs: 3_000_000 } });
    expect(problems(open, { target: 'gopher://x' })).toEqual(['--target: expected "builtin" or an http:// or https:// URL']);
    expect(problems('name: a\nwebhook:\n  load: { model: closed, duration: 1s }\n', { rate: 5 })[0]).toMatch(/^--rate: only applies to an open-model scenario/);
    const delivery = parseScenarioBytes(Buffer.from('name: d\ndelivery:\n  events: { rate: 10, duration: 5s }\n  subscribers: 2\n'), 'd.yaml', { duration: '2s', rate: 20 });
    expect(delivery.config.delivery?.events).toMatchObject({ ratePerSec: 20, durationUs: 2_000_000 });
    expect(problems('name: d\ndelivery:\n  events: { rate: 10, duration: 5s }\n  subscribers: 2\n', { target: 'http://127.0.0.1:1/' })[0]).toMatch(/^--target: bad\.yaml has no section it applies to/);
  });

  it('resolves bare names in scenarios/ and reports missing files as input errors', () => {
    expect(resolveScenarioPath('webhook-burst')).toMatch(/scenarios\/webhook-burst\.yaml$/);
    expect(() => resolveScenarioPath('no-such-scenario')).toThrow(InputError);
  });

  it('refuses files over 1 MiB before parsing them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-'));
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `name: a\n# ${'x'.repeat(1_100_000)}\n`);
    await expect(loadScenario(big)).rejects.toThrow(/limit is 1048576/);
  });
});

describe('loadScenario: .json files are strict JSON', () => {
  it('rejects a trailing comma at its line and column', () => {
    const text = '{\n  "name": "j",\n  "webhook": { "load": { "model": "closed", "duration": "1s", } }\n}\n';
    expect(() => parseScenarioBytes(Buffer.from(text), 'x.json')).toThrow(/^x\.json:3:63: not valid JSON: /);
  });

  it('still reads the same text as YAML from a .yaml file, and locates schema errors in JSON files', () => {
    const text = '{\n  "name": "j",\n  "webhook": { "load": { "model": "closed", "duration": "soon" } }\n}\n';
    expect(() => parseScenarioBytes(Buffer.from(text), 'x.json')).toThrow(/^x\.json:3:57: webhook\.load\.duration: expected a duration/);
  });

  it('refuses duplicate keys in JSON', () => {
    expect(() => parseScenarioBytes(Buffer.from('{"name": "a", "name": "b"}'), 'x.json')).toThrow(/x\.json:1:\d+: .*[Uu]nique|x\.json:1:\d+: .*duplicate/i);
  });
});
