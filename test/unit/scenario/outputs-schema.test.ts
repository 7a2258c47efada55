import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseScenarioBytes } from '../../../src/scenario/load-scenario.js';
import { resolveTestId, testIdProblem } from '../../../src/outputs/testid.js';

const BASE = 'name: s\nwebhook:\n  load: { model: open, rate: 10, duration: 1s }\n';

function problems(yaml: string): string[] {
  try {
    parseScenarioBytes(Buffer.from(yaml), 'o.yaml');
  } catch (error) {
    if (error instanceof InputError) return [...error.lines];
    throw error;
  }
  return [];
}

describe('scenario outputs.prometheus', () => {
  it('resolves the URL, the interval (default 5s) and the labels once', () => {
    const { config } = parseScenarioBytes(Buffer.from(`${BASE}outputs:\n  prometheus: { url: "http://prom:9090/api/v1/write", labels: { team: bench } }\n`), 'o.yaml');
    expect(config.outputs?.prometheus?.url.href).toBe('http://prom:9090/api/v1/write');
    expect(config.outputs?.prometheus?.intervalUs).toBe(5_000_000);
    expect(config.outputs?.prometheus?.labels).toEqual({ team: 'bench' });
    const custom = parseScenarioBytes(Buffer.from(`${BASE}outputs:\n  prometheus: { url: "https://p/w", interval: 15s }\n`), 'o.yaml');
    expect(custom.config.outputs?.prometheus?.intervalUs).toBe(15_000_000);
    expect(custom.config.outputs?.prometheus?.labels).toEqual({});
  });

  it('names the file, line and problem for a bad URL, a sub-second interval, a bad or reserved label, an unknown key', () => {
    expect(problems(`${BASE}outputs:\n  prometheus: { url: "ftp://x" }\n`)).toEqual([expect.stringMatching(/^o\.yaml:5:\d+: outputs\.prometheus\.url: expected an http:\/\/ or https:\/\/ URL/)]);
    expect(problems(`${BASE}outputs:\n  prometheus: { url: "http://p/w", interval: 500ms }\n`)).toEqual([expect.stringMatching(/^o\.yaml:5:\d+: outputs\.prometheus\.interval: must be at least 1s/)]);
    expect(problems(`${BASE}outputs:\n  prometheus:\n    url: "http://p/w"\n    labels:\n      9bad: x\n      shard: y\n`)).toEqual([
      expect.stringMatching(/^o\.yaml:8:\d+: outputs\.prometheus\.labels\.9bad: "9bad" is not a Prometheus label name/),
      expect.stringMatching(/^o\.yaml:9:\d+: outputs\.prometheus\.labels\.shard: "shard" is set by pushbench on every series/),
    ]);
    expect(problems(`${BASE}outputs:\n  graphite: {}\n`)).toEqual([expect.stringMatching(/^o\.yaml:5:3: outputs\.graphite: unknown key/)]);
  });
});

describe('testid', () => {
  it('is the given one, else the --start-at instant (the same in every shard), else fresh', () => {
    expect(resolveTestId('run-7', 1_800_000_000_000)).toBe('run-7');
    expect(resolveTestId(undefined, 1_800_000_000_000)).toBe('2027-01-15T08:00:00.000Z');
    const fresh = resolveTestId(undefined, undefined, new Date('2026-12-01T23:00:05.123Z'));
    expect(fresh).toMatch(/^20261201T230005Z-[0-9a-f]{6}$/);
    expect(resolveTestId(undefined, undefined)).not.toBe(resolveTestId(undefined, undefined));
    expect(testIdProblem('')).toBeDefined();
    expect(testIdProblem('a\nb')).toBeDefined();
    expect(testIdProblem('x'.repeat(129))).toBeDefined();
    expect(testIdProblem('run-2026-12-01')).toBeUndefined();
  });
});
