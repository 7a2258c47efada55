import { describe, expect, it } from 'vitest';
import { percentChange } from '../../../src/report/html/percent-change.js';

describe('percentChange', () => {
  it('calls a higher latency worse and a lower one better', () => {
    expect(percentChange(100, 150, true)).toEqual({ changePct: 50, verdict: 'worse' });
    expect(percentChange(100, 80, true)).toEqual({ changePct: -20, verdict: 'better' });
  });

  it('calls a higher throughput better', () => {
    expect(percentChange(1000, 1200, false)?.verdict).toBe('better');
    expect(percentChange(1000, 900, false)?.verdict).toBe('worse');
  });

  it('treats moves within ±1% as the same (HDR keeps 3 significant digits)', () => {
    expect(percentChange(1000, 1009, true)?.verdict).toBe('same');
  });

  it('has no ratio against a zero baseline', () => {
    expect(percentChange(0, 5, true)).toBeUndefined();
  });
});
