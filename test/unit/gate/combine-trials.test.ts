import { describe, expect, it } from 'vitest';
import { combineTrials } from '../../../src/gate/combine-trials.js';
import { decodeHistogram } from '../../../src/metrics/histogram.js';
import { runResultSchema } from '../../../src/result/run-result.js';
import { fixtureResult } from './results.js';

describe('combineTrials', () => {
  const first = fixtureResult('webhook-closed');
  const second = { ...fixtureResult('webhook-closed'), validity: { ...first.validity, ok: false, reasons: ['generator stalled'] } };
  const combined = combineTrials([first, second]);

  it('merges histograms exactly (HDR add) and sums counters; peaks take the highest', () => {
    const latency = combined.metrics['webhook.latency']!;
    expect(latency.count).toBe(2 * first.metrics['webhook.latency']!.count);
    expect(decodeHistogram(latency.hdr).totalCount).toBe(latency.count);
    expect(latency.p50).toBe(first.metrics['webhook.latency']!.p50);
    expect(combined.counters['webhook.sent']).toBe(2 * first.counters['webhook.sent']!);
    expect(combined.counters['webhook.connections.open.peak']).toBe(first.counters['webhook.connections.open.peak']);
  });

  it('keeps each trial apart with its throughput, and runs the timelines back to back', () => {
    expect(combined.trials).toHaveLength(2);
    expect(combined.trials![0]!.throughputPerSec).toBeCloseTo(80_889 / 3, 1);
    expect(combined.timeline).toHaveLength(first.timeline.length * 2);
    expect(combined.timeline.map((point) => point.second)).toEqual(combined.timeline.map((_, index) => index));
  });

  it('is valid only if every trial is, naming the trial; the result still fits the schema', () => {
    expect(combined.validity.ok).toBe(false);
    expect(combined.validity.reasons).toEqual(['trial 2: generator stalled']);
    expect(combined.durationMs).toBe(2 * first.durationMs);
    expect(runResultSchema.safeParse(combined).success).toBe(true);
  });
});
