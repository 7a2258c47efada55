import { describe, expect, it } from 'vitest';
import { compareResults } from '../../../src/gate/compare-results.js';
import { renderComparisonText } from '../../../src/gate/compare-text.js';
import { parseMaxRegression } from '../../../src/gate/tolerances.js';
import { fixtureResult, resultWithTrials, type TrialSpec } from './results.js';

const trials = (...latenciesUs: number[]): TrialSpec[] => latenciesUs.map((latencyUs) => ({ latencyUs }));
const row = (comparison: ReturnType<typeof compareResults>, name: string) => comparison.rows.find((candidate) => candidate.name === name);

describe('compareResults', () => {
  it('a result compared with itself passes every row', () => {
    const result = fixtureResult('webhook-closed');
    const comparison = compareResults(result, result);
    expect(comparison.pass).toBe(true);
    expect(comparison.rows.map((candidate) => candidate.name)).toEqual(
      expect.arrayContaining(['webhook.latency p50', 'webhook.latency p99', 'webhook.delivery p999', 'throughput', 'error rate']),
    );
    expect(comparison.rows.every((candidate) => candidate.verdict === 'pass' || candidate.verdict === 'info')).toBe(true);
  });

  it('uses medians across trials: one slow outlier trial does not move the verdict', () => {
    const baseline = resultWithTrials(trials(20_000, 20_400, 20_200));
    const current = resultWithTrials(trials(20_300, 60_000, 20_100));
    const p99 = row(compareResults(baseline, current), 'webhook.latency p99');
    expect(p99).toMatchObject({ baseline: 20_200, current: 20_300, verdict: 'pass' });
  });

  it('a slowdown beyond tolerance and beyond the spread between trials regresses, and is named', () => {
    const baseline = resultWithTrials(trials(20_000, 20_400, 20_200));
    const current = resultWithTrials(trials(60_500, 61_000, 60_100));
    const comparison = compareResults(baseline, current);
    expect(comparison.pass).toBe(false);
    expect(comparison.regressions.map((candidate) => candidate.name)).toContain('webhook.latency p99');
    const p99 = row(comparison, 'webhook.latency p99')!;
    expect(p99.worsening).toBeCloseTo((60_500 - 20_200) / 20_200, 6);
    expect(renderComparisonText(comparison, { baseline: 'a.json', current: 'b.json' })).toMatch(/verdict +FAIL: \d+ regressed: webhook\.latency p50.*webhook\.latency p99/);
  });

  it('beyond tolerance but within the spread between trials is noise, not a regression', () => {
    // medians +34% (tolerance p99 25%, spread ~20%), but the trials overlap: 23.0ms current < 24.0ms baseline.
    const baseline = resultWithTrials(trials(20_000, 20_100, 24_000));
    const current = resultWithTrials(trials(23_000, 27_000, 27_100));
    const p99 = row(compareResults(baseline, current), 'webhook.latency p99')!;
    expect(p99.worsening).toBeGreaterThan(0.25);
    expect(p99.worsening).toBeGreaterThan(p99.noise);
    expect(p99.verdict).toBe('noisy');
    // the same medians without the overlap regress
    const apart = resultWithTrials(trials(24_100, 27_000, 27_100));
    expect(row(compareResults(baseline, apart), 'webhook.latency p99')!.verdict).toBe('regressed');
  });

  it('a change larger than the tolerance but smaller than the spread is noise even when trials do not overlap', () => {
    const baseline = resultWithTrials(trials(10_000, 10_100, 16_000));
    const current = resultWithTrials(trials(16_100, 16_200, 30_000));
    expect(row(compareResults(baseline, current), 'webhook.latency p50')!.verdict).toBe('noisy');
  });

  it('with one trial each, the tolerance alone decides', () => {
    const baseline = resultWithTrials(trials(20_000));
    expect(row(compareResults(baseline, resultWithTrials(trials(22_900))), 'webhook.latency p99')!.verdict).toBe('pass');
    expect(row(compareResults(baseline, resultWithTrials(trials(25_100))), 'webhook.latency p99')!.verdict).toBe('regressed');
  });

  it('latency changes under minChange never regress, whatever the percentage', () => {
    const baseline = resultWithTrials(trials(300));
    const current = resultWithTrials(trials(700));
    expect(row(compareResults(baseline, current), 'webhook.latency p50')!.verdict).toBe('pass');
    expect(row(compareResults(baseline, current, parseMaxRegression('minChange=100us')), 'webhook.latency p50')!.verdict).toBe('regressed');
  });

  it('throughput regresses when it drops, not when it rises', () => {
    const baseline = resultWithTrials([{ latencyUs: 1000, throughputPerSec: 1000 }]);
    const lower = resultWithTrials([{ latencyUs: 1000, throughputPerSec: 850 }]);
    const higher = resultWithTrials([{ latencyUs: 1000, throughputPerSec: 1500 }]);
    expect(row(compareResults(baseline, lower), 'throughput')!.verdict).toBe('regressed');
    expect(row(compareResults(baseline, higher), 'throughput')!.verdict).toBe('improved');
  });

  it('error rate and loss are absolute increases in percentage points', () => {
    const counters = (errors: number, lost: number) => ({
      'webhook.sent': 10_000,
      'webhook.ok': 10_000 - errors,
      'webhook.errors.timeout': errors,
      'ledger.webhook.published': 10_000,
      'ledger.webhook.lost': lost,
    });
    const baseline = resultWithTrials([{ latencyUs: 1000, counters: counters(0, 0) }]);
    const fewErrors = resultWithTrials([{ latencyUs: 1000, counters: counters(5, 0) }]);
    const manyErrors = resultWithTrials([{ latencyUs: 1000, counters: counters(50, 0) }]);
    const oneLost = resultWithTrials([{ latencyUs: 1000, counters: counters(0, 1) }]);
    expect(row(compareResults(baseline, fewErrors), 'error rate')!.verdict).toBe('pass');
    expect(row(compareResults(baseline, manyErrors), 'error rate')).toMatchObject({ verdict: 'regressed', current: 0.005 });
    expect(row(compareResults(baseline, oneLost), 'loss')!.verdict).toBe('regressed');
  });

  it('a tolerance set to off reports the row without gating it', () => {
    const baseline = resultWithTrials(trials(20_000));
    const current = resultWithTrials(trials(90_000));
    const comparison = compareResults(baseline, current, parseMaxRegression('p50=off,p90=off,p99=off,p999=off,mean=off'));
    expect(comparison.pass).toBe(true);
    expect(row(comparison, 'webhook.latency p99')!.verdict).toBe('info');
  });

  it('notes a scenario mismatch and metrics present on one side only', () => {
    const comparison = compareResults(fixtureResult('webhook-closed'), fixtureResult('webhook-burst'));
    expect(comparison.notes).toContain('different scenarios: baseline "webhook-closed", current "webhook-burst"');
    expect(comparison.notes).toContain('generator.sendLag is new: not in the baseline, not compared');
  });
});
