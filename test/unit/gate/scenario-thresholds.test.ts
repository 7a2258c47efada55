import { describe, expect, it } from 'vitest';
import { parseScenarioBytes } from '../../../src/scenario/load-scenario.js';
import { InputError } from '../../../src/errors.js';

const scenario = (thresholds: string): Buffer =>
  Buffer.from(`name: t\nwebhook:\n  load: { model: closed, connections: 1, duration: 1s }\nthresholds:\n${thresholds}`);

function problems(bytes: Buffer): readonly string[] {
  try {
    parseScenarioBytes(bytes, 'gate.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.lines;
    throw error;
  }
  return [];
}

describe('scenario thresholds', () => {
  it('valid thresholds load parsed, and stay as written in the source', () => {
    const loaded = parseScenarioBytes(scenario('  webhook.latency: ["p99 < 50ms", "p999 < 200ms"]\n  webhook.errors: ["rate < 0.1%"]\n'), 'gate.yaml');
    expect(loaded.config.thresholds).toEqual([
      {
        name: 'webhook.latency',
        thresholds: [
          { text: 'p99 < 50ms', stat: 'p99', op: '<', limit: 50_000, unit: 'us' },
          { text: 'p999 < 200ms', stat: 'p999', op: '<', limit: 200_000, unit: 'us' },
        ],
      },
      { name: 'webhook.errors', thresholds: [{ text: 'rate < 0.1%', stat: 'rate', op: '<', limit: 0.001, unit: 'ratio' }] },
    ]);
    expect(loaded.source.thresholds).toEqual({ 'webhook.latency': ['p99 < 50ms', 'p999 < 200ms'], 'webhook.errors': ['rate < 0.1%'] });
  });

  it('a malformed threshold is reported at its exact line and column', () => {
    const lines = problems(scenario('  webhook.latency:\n    - "p99 < 50ms"\n    - "p99 < 50 parsecs"\n  ledger.webhook.lost: ["count == 0%"]\n'));
    expect(lines).toEqual([
      'gate.yaml:7:7: thresholds.webhook.latency.1: "p99 < 50 parsecs": p99 needs a time unit (us, ms or s), got "parsecs"; like "p99 < 50ms"',
      'gate.yaml:8:25: thresholds.ledger.webhook.lost.0: "count == 0%": count takes a plain number, without "%"',
    ]);
  });

  it('a bad name and an empty list are located too', () => {
    const lines = problems(scenario('  "web hook": ["count == 0"]\n  webhook.errors: []\n'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^gate\.yaml:5:\d+: thresholds\.web hook: "web hook" is not a metric or counter name/);
    expect(lines[1]).toMatch(/^gate\.yaml:6:\d+: thresholds\.webhook\.errors: list at least one threshold/);
  });
});
