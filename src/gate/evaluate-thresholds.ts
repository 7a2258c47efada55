import { InputError } from '../errors.js';
import type { MetricSummary } from '../metrics/histogram.js';
import type { ThresholdEvaluation } from '../result/run-result.js';
import { counterValue, rateValue, type Counters } from './metric-values.js';
import { compareWith, isLatencyStat, parseThreshold, type Threshold } from '../scenario/threshold-grammar.js';
import type { ThresholdSet } from '../scenario/thresholds-schema.js';

/**
 * Parses a `thresholds` section as stored in a result.json (the scenario as written), for commands
 * that judge saved results. A scenario being run has its thresholds parsed by the schema already.
 */
export function parseThresholdSection(section: Readonly<Record<string, readonly string[]>> | undefined): ThresholdSet[] {
  if (!section) return [];
  return Object.entries(section).map(([name, texts]) => ({
    name,
    thresholds: texts.map((text) => {
      const parsed = parseThreshold(text);
      if (!parsed.ok) throw new InputError(`thresholds.${name}: ${parsed.message}`);
      return parsed.threshold;
    }),
  }));
}

export interface MeasuredRun {
  metrics: Readonly<Record<string, MetricSummary>>;
  counters: Counters;
}

/**
 * Judges every threshold against a result. What a name means:
 * - latency stats (p50 .. mean) read the latency metric `name`; a metric with no samples fails.
 * - `count` is the metric's sample count when `name` is a latency metric, otherwise the counter
 *   value (the counter, or the sum of its `name.*` group; 0 when never recorded).
 * - `rate` is that counter value over the group's denominator (see rateDenominator).
 */
export function evaluateThresholds(sets: readonly ThresholdSet[], run: MeasuredRun): ThresholdEvaluation[] {
  return sets.flatMap((set) => set.thresholds.map((threshold) => evaluateOne(set.name, threshold, run)));
}

function evaluateOne(name: string, threshold: Threshold, run: MeasuredRun): ThresholdEvaluation {
  const base = { metric: name, threshold: threshold.text, unit: threshold.unit };
  const metric = run.metrics[name];
  if (isLatencyStat(threshold.stat)) {
    if (!metric || metric.count === 0) {
      return { ...base, measured: null, pass: false, note: `no latency samples named ${name} in the result` };
    }
    const measured = metric[threshold.stat];
    return { ...base, measured, pass: compareWith(measured, threshold.op, threshold.limit) };
  }
  if (threshold.stat === 'count') {
    if (metric) return { ...base, measured: metric.count, pass: compareWith(metric.count, threshold.op, threshold.limit) };
    const counter = counterValue(run.counters, name);
    const note = counter.recorded ? undefined : `no counter ${name} or ${name}.* in the result: counted as 0`;
    return { ...base, measured: counter.value, pass: compareWith(counter.value, threshold.op, threshold.limit), ...(note ? { note } : {}) };
  }
  if (metric) return { ...base, measured: null, pass: false, note: `rate applies to counters; ${name} is a latency metric (use count or a percentile)` };
  const rate = rateValue(run.counters, name);
  if (rate.ratio === undefined) {
    return { ...base, measured: null, pass: false, note: `${rate.numerator} ${name} but no ${rate.denominatorName} to divide by` };
  }
  const note = `${rate.numerator} of ${rate.denominator} ${rate.denominatorName}`;
  return { ...base, measured: rate.ratio, pass: compareWith(rate.ratio, threshold.op, threshold.limit), note };
}

export function failedThresholds(evaluations: readonly ThresholdEvaluation[]): ThresholdEvaluation[] {
  return evaluations.filter((evaluation) => !evaluation.pass);
}
