import { describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCES, latencyTolerance, parseMaxRegression } from '../../../src/gate/tolerances.js';

describe('parseMaxRegression', () => {
  it('without the flag, the documented defaults apply', () => {
    const tolerances = parseMaxRegression(undefined);
    expect(tolerances.byKey).toEqual(DEFAULT_TOLERANCES);
    expect(tolerances.byKey).toMatchObject({ p50: 0.1, p99: 0.25, throughput: 0.1, errors: 0.001, loss: 0 });
    expect(tolerances.minChangeUs).toBe(500);
  });

  it('overrides keys, single metrics, turns rows off and sets the latency floor', () => {
    const tolerances = parseMaxRegression(' p99=10% , throughput=5%,p999=off,webhook.delivery.p99=40%,minChange=2ms');
    expect(tolerances.byKey).toMatchObject({ p99: 0.1, throughput: 0.05, p999: null, p50: 0.1 });
    expect(latencyTolerance(tolerances, 'webhook.delivery', 'p99')).toBe(0.4);
    expect(latencyTolerance(tolerances, 'webhook.latency', 'p99')).toBe(0.1);
    expect(tolerances.minChangeUs).toBe(2000);
  });

  it.each([
    ['p95=10%', /--max-regression: "p95" is not a known key/],
    ['p99=10', /--max-regression: "p99=10": expected a percentage like 10% or "off", got "10"/],
    ['p99', /--max-regression: "p99" is not key=value/],
    ['p99=1=2', /is not key=value/],
    ['webhook.latency.p95=10%', /"webhook\.latency\.p95" is not a known key/],
    ['minChange=fast', /expected a duration like 0\.5ms/],
  ])('rejects "%s" naming the flag', (text, message) => {
    expect(() => parseMaxRegression(text)).toThrow(message);
  });
});
