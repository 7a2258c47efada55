import { describe, expect, it } from 'vitest';
import { compareWith, parseThreshold } from '../../../src/scenario/threshold-grammar.js';

describe('parseThreshold', () => {
  it.each([
    ['p99 < 50ms', { stat: 'p99', op: '<', limit: 50_000, unit: 'us' }],
    ['p999<=0.2s', { stat: 'p999', op: '<=', limit: 200_000, unit: 'us' }],
    ['  mean > 800us ', { stat: 'mean', op: '>', limit: 800, unit: 'us' }],
    ['p50 >= 1.5 ms', { stat: 'p50', op: '>=', limit: 1_500, unit: 'us' }],
    ['max != 3s', { stat: 'max', op: '!=', limit: 3_000_000, unit: 'us' }],
    ['rate < 0.1%', { stat: 'rate', op: '<', limit: 0.001, unit: 'ratio' }],
    ['count == 0', { stat: 'count', op: '==', limit: 0, unit: 'count' }],
    ['count > 1000', { stat: 'count', op: '>', limit: 1000, unit: 'count' }],
  ])('parses "%s"', (text, expected) => {
    const parsed = parseThreshold(text);
    expect(parsed).toEqual({ ok: true, threshold: { text, ...expected } });
  });

  it.each([
    ['p95 < 50ms', /unknown statistic "p95"; use one of p50, p90, p99, p999/],
    ['p(99) < 50ms', /unknown statistic "p\(99\)"/],
    ['p99 =< 50ms', /unknown operator "=<"/],
    ['p99 < 50', /p99 needs a time unit \(us, ms or s\), got no unit/],
    ['p99 < 50 parsecs', /got "parsecs"/],
    ['p99 < 5%', /p99 needs a time unit/],
    ['rate < 0.1', /rate needs a percentage/],
    ['rate < 150%', /cannot exceed 100%/],
    ['count == 0ms', /count takes a plain number, without "ms"/],
    ['p99 <', /missing the number after "<"/],
    ['p99 < -5ms', /"-5ms" is not a number/],
    ['p99 50ms', /is not a threshold/],
    ['', /is not a threshold/],
    ['process.exit(1)', /is not a threshold/],
  ])('rejects "%s" with a message naming the problem', (text, message) => {
    const parsed = parseThreshold(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('compareWith', () => {
  it('applies each operator exactly', () => {
    expect([compareWith(1, '<', 2), compareWith(2, '<', 2), compareWith(2, '<=', 2), compareWith(3, '>', 2)]).toEqual([true, false, true, true]);
    expect([compareWith(2, '>=', 2), compareWith(0, '==', 0), compareWith(1, '==', 0), compareWith(1, '!=', 0)]).toEqual([true, true, false, true]);
  });
});
