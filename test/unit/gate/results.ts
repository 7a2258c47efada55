import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseResult } from '../../../src/result/read-result.js';
import type { RunResult, Trial } from '../../../src/result/run-result.js';
import { createHistogram, encodeHistogram, recordUs, type MetricSummary } from '../../../src/metrics/histogram.js';

const fixtures = resolve(import.meta.dirname, '../../fixtures/results');

/** A real result.json from test/fixtures/results/<name>/. */
export function fixtureResult(name: 'webhook-burst' | 'webhook-closed'): RunResult {
  const path = resolve(fixtures, name, 'result.json');
  return parseResult(readFileSync(path, 'utf8'), path);
}

/**
 * A latency summary whose every percentile is `us` (compare reads only the summary figures), with a
 * real histogram of those samples beside it (the result reader decodes every histogram).
 */
export function flatSummary(us: number, count = 1000): MetricSummary {
  const histogram = createHistogram();
  for (let sample = 0; sample < count; sample++) recordUs(histogram, us);
  return { unit: 'us', count, min: us, mean: us, p50: us, p90: us, p99: us, p999: us, max: us, hdr: encodeHistogram(histogram) };
}

export interface TrialSpec {
  latencyUs: number;
  throughputPerSec?: number;
  counters?: Record<string, number>;
}

/** A result with one trial per spec: `webhook.latency` flat at `latencyUs`, and the given throughput and counters. */
export function resultWithTrials(specs: readonly TrialSpec[], name = 'synthetic'): RunResult {
  const base = fixtureResult('webhook-closed');
  const trials: Trial[] = specs.map((spec) => ({
    startedAt: base.startedAt,
    durationMs: 1000,
    throughputPerSec: spec.throughputPerSec ?? 1000,
    validityOk: true,
    metrics: { 'webhook.latency': flatSummary(spec.latencyUs) },
    counters: spec.counters ?? { 'webhook.sent': 1000, 'webhook.ok': 1000 },
  }));
  return {
    ...base,
    scenario: { ...base.scenario, name },
    metrics: { 'webhook.latency': flatSummary(specs[0]?.latencyUs ?? 0) },
    counters: trials[0]?.counters ?? {},
    trials,
  };
}
