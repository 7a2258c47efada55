import { describe, expect, it } from 'vitest';
import { evaluateThresholds, parseThresholdSection } from '../../../src/gate/evaluate-thresholds.js';
import { rateDenominator } from '../../../src/gate/metric-values.js';
import { renderThresholdLines } from '../../../src/gate/threshold-text.js';
import { fixtureResult, flatSummary } from './results.js';

const run = {
  metrics: { 'webhook.latency': { ...flatSummary(10_000), p99: 42_000, p999: 90_000 } },
  counters: {
    'webhook.sent': 10_000,
    'webhook.ok': 9_970,
    'webhook.errors.timeout': 20,
    'webhook.errors.status5xx': 10,
    'ledger.webhook.published': 100,
    'ledger.webhook.lost': 2,
  },
};

function evaluate(section: Record<string, string[]>) {
  return evaluateThresholds(parseThresholdSection(section), run);
}

describe('evaluateThresholds', () => {
  it('judges latency stats in microseconds against the metric summary', () => {
    const [p99, p999] = evaluate({ 'webhook.latency': ['p99 < 50ms', 'p999 < 80ms'] });
    expect(p99).toEqual({ metric: 'webhook.latency', threshold: 'p99 < 50ms', measured: 42_000, unit: 'us', pass: true });
    expect(p999).toMatchObject({ measured: 90_000, pass: false });
  });

  it('rate of a counter group = sum of <name>.* over <area>.sent', () => {
    const [loose, tight] = evaluate({ 'webhook.errors': ['rate < 0.5%', 'rate < 0.1%'] });
    expect(loose).toMatchObject({ measured: 0.003, unit: 'ratio', pass: true, note: '30 of 10000 webhook.sent' });
    expect(tight).toMatchObject({ measured: 0.003, pass: false });
  });

  it('count of a single counter, of a group, and of a latency metric (its samples)', () => {
    const [lost, errors, samples] = evaluate({ 'ledger.webhook.lost': ['count == 0'], 'webhook.errors': ['count <= 30'], 'webhook.latency': ['count >= 1000'] });
    expect(lost).toMatchObject({ measured: 2, unit: 'count', pass: false });
    expect(errors).toMatchObject({ measured: 30, pass: true });
    expect(samples).toMatchObject({ measured: 1000, pass: true });
  });

  it('a counter never recorded counts 0 and says so; a latency metric with no samples fails', () => {
    const [dupes, missing] = evaluate({ 'receiver.duplicates': ['count == 0'], 'ws.echo': ['p99 < 10ms'] });
    expect(dupes).toMatchObject({ measured: 0, pass: true, note: expect.stringMatching(/counted as 0/) });
    expect(missing).toMatchObject({ measured: null, pass: false, note: 'no latency samples named ws.echo in the result' });
  });

  it('rate on a latency metric fails with a reason; rate over an absent denominator too', () => {
    const [onLatency] = evaluate({ 'webhook.latency': ['rate < 1%'] });
    expect(onLatency).toMatchObject({ pass: false, measured: null, note: expect.stringMatching(/rate applies to counters/) });
    const orphan = evaluateThresholds(parseThresholdSection({ 'other.errors': ['rate < 1%'] }), { metrics: {}, counters: { 'other.errors.x': 3 } });
    expect(orphan[0]).toMatchObject({ pass: false, measured: null, note: '3 other.errors but no other.sent to divide by' });
  });

  it('denominators follow the documented table', () => {
    expect(rateDenominator('webhook.errors')).toBe('webhook.sent');
    expect(rateDenominator('ledger.websocket-ack.lost')).toBe('ledger.websocket-ack.published');
    expect(rateDenominator('ws.connections.failed')).toBe('ws.connections.opened');
    expect(rateDenominator('ws.broadcast.missing')).toBe('ws.messages.sent');
    expect(rateDenominator('receiver.duplicates')).toBe('receiver.received');
  });

  it('works on a real result and prints one line per threshold with the measured value', () => {
    const result = fixtureResult('webhook-closed');
    const evaluations = evaluateThresholds(parseThresholdSection({ 'webhook.latency': ['p99 < 10ms', 'p50 < 5ms'], 'webhook.errors': ['rate < 0.1%'] }), result);
    expect(evaluations.map((evaluation) => evaluation.pass)).toEqual([false, true, true]);
    const text = renderThresholdLines(evaluations);
    expect(text).toContain('1 of 3 FAILED');
    expect(text).toMatch(/FAIL +webhook\.latency +p99 < 10ms +measured 11\.2ms/);
    expect(text).toMatch(/pass +webhook\.errors +rate < 0\.1% +measured 0% \(0 of 80889 webhook\.sent\)/);
  });
});
