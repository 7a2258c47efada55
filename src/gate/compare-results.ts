import type { RunResult, Trial } from '../result/run-result.js';
import { toTrial } from './combine-trials.js';
import type { ValueUnit } from './format-value.js';
import { errorRate, hasLedger, lossRate } from './metric-values.js';
import { LATENCY_STATS, type LatencyStat } from '../scenario/threshold-grammar.js';
import { defaultTolerances, latencyTolerance, type Tolerances } from './tolerances.js';
import { median, range } from './trial-stats.js';

/** Metrics named `generator.*` describe the load generator, not the target: shown, never gated. */
const REPORT_ONLY_PREFIX = 'generator.';

/**
 * pass: within tolerance; regressed: worse beyond tolerance and beyond the noise; noisy: worse
 * beyond tolerance but the trials overlap, so not a regression; improved: better beyond tolerance
 * and noise; info: reported only (tolerance off).
 */
export type RowVerdict = 'pass' | 'regressed' | 'noisy' | 'improved' | 'info';

/** One compared quantity, e.g. `webhook.latency p99` or `throughput`. */
export interface ComparisonRow {
  /** What was compared, as named in messages and JUnit: `webhook.latency p99`, `throughput`, `error rate`, `loss`. */
  name: string;
  unit: ValueUnit;
  /** Medians across trials. */
  baseline: number;
  current: number;
  baselineTrials: number[];
  currentTrials: number[];
  /** `relative`: change and noise are fractions of the baseline; `absolute`: in the value's own unit (rates). */
  scale: 'relative' | 'absolute';
  /** How much worse the current median is (negative = better), on `scale`. */
  worsening: number;
  /** The larger spread (max - min) between trials of either result, on `scale`. */
  noise: number;
  tolerance: number | null;
  verdict: RowVerdict;
}

export interface Comparison {
  rows: ComparisonRow[];
  regressions: ComparisonRow[];
  pass: boolean;
  baselineTrialCount: number;
  currentTrialCount: number;
  /** Things a reader must know (different scenarios, metrics in only one result). */
  notes: string[];
}

/**
 * Compares a current result with a baseline. Each quantity is the median across the result's
 * trials (one trial when it was not run with --repeat). A timing (latency stat, throughput)
 * regresses only when its median got worse by more than its tolerance (and, for latency, by more
 * than `minChangeUs`) AND the change exceeds the spread between trials: it is larger than either
 * result's max - min, and every current trial is worse than every baseline trial. With 3 trials
 * each, noise alone orders them so 1 time in 20 (a rank test), and both margins must be cleared
 * too. Error and loss rates are counts, not timings: they regress on the tolerance alone.
 */
export function compareResults(baseline: RunResult, current: RunResult, tolerances: Tolerances = defaultTolerances()): Comparison {
  const baseTrials = trialsOf(baseline);
  const currentTrials = trialsOf(current);
  const notes: string[] = [];
  if (baseline.scenario.name !== current.scenario.name) {
    notes.push(`different scenarios: baseline "${baseline.scenario.name}", current "${current.scenario.name}"`);
  }
  const rows: ComparisonRow[] = [];
  for (const metric of Object.keys(baseline.metrics)) {
    if (!current.metrics[metric]) {
      notes.push(`${metric} is in the baseline but not in the current result`);
      continue;
    }
    for (const stat of LATENCY_STATS) {
      const tolerance = metric.startsWith(REPORT_ONLY_PREFIX) ? null : latencyTolerance(tolerances, metric, stat);
      const row = latencyRow(metric, stat, baseTrials, currentTrials, tolerance, tolerances.minChangeUs);
      if (row) rows.push(row);
    }
  }
  for (const metric of Object.keys(current.metrics)) {
    if (!baseline.metrics[metric]) notes.push(`${metric} is new: not in the baseline, not compared`);
  }
  rows.push(
    judge({
      name: 'throughput',
      unit: 'perSec',
      scale: 'relative',
      higherIsWorse: false,
      baselineTrials: baseTrials.map((trial) => trial.throughputPerSec),
      currentTrials: currentTrials.map((trial) => trial.throughputPerSec),
      tolerance: tolerances.byKey.throughput,
    }),
  );
  rows.push(rateRow('error rate', baseTrials, currentTrials, errorRate, tolerances.byKey.errors));
  if (hasLedger(baseline.counters) || hasLedger(current.counters)) {
    rows.push(rateRow('loss', baseTrials, currentTrials, lossRate, tolerances.byKey.loss));
  }
  const regressions = rows.filter((row) => row.verdict === 'regressed');
  return {
    rows,
    regressions,
    pass: regressions.length === 0,
    baselineTrialCount: baseTrials.length,
    currentTrialCount: currentTrials.length,
    notes,
  };
}

export function trialsOf(result: RunResult): Trial[] {
  return result.trials && result.trials.length > 0 ? result.trials : [toTrial(result)];
}

function latencyRow(
  metric: string,
  stat: LatencyStat,
  baseline: Trial[],
  current: Trial[],
  tolerance: number | null,
  minChangeUs: number,
): ComparisonRow | undefined {
  const values = (trials: Trial[]): number[] =>
    trials.flatMap((trial) => {
      const summary = trial.metrics[metric];
      return summary && summary.count > 0 ? [summary[stat]] : [];
    });
  const baselineTrials = values(baseline);
  const currentTrials = values(current);
  if (baselineTrials.length === 0 || currentTrials.length === 0) return undefined;
  return judge({ name: `${metric} ${stat}`, unit: 'us', scale: 'relative', higherIsWorse: true, baselineTrials, currentTrials, tolerance, minChange: minChangeUs });
}

function rateRow(name: string, baseline: Trial[], current: Trial[], rateOf: (counters: Trial['counters']) => number, tolerance: number | null): ComparisonRow {
  return judge({
    name,
    unit: 'ratio',
    scale: 'absolute',
    higherIsWorse: true,
    baselineTrials: baseline.map((trial) => rateOf(trial.counters)),
    currentTrials: current.map((trial) => rateOf(trial.counters)),
    tolerance,
  });
}

interface RowInput {
  name: string;
  unit: ValueUnit;
  scale: 'relative' | 'absolute';
  higherIsWorse: boolean;
  baselineTrials: number[];
  currentTrials: number[];
  tolerance: number | null;
  /** Relative rows only: a change smaller than this, in the value's unit, never regresses (latency floor). */
  minChange?: number;
}

function judge(input: RowInput): ComparisonRow {
  const baseline = median(input.baselineTrials);
  const current = median(input.currentTrials);
  const spread = Math.max(range(input.baselineTrials), range(input.currentTrials));
  const direction = input.higherIsWorse ? 1 : -1;
  const worseBy = direction * (current - baseline);
  let worsening: number;
  let noise: number;
  if (input.scale === 'absolute') {
    worsening = worseBy;
    noise = spread;
  } else if (baseline > 0) {
    worsening = worseBy / baseline;
    noise = spread / baseline;
  } else {
    // A zero baseline: any worsening is unbounded, no change is none.
    worsening = worseBy > 0 ? Number.POSITIVE_INFINITY : 0;
    noise = 0;
  }
  const { tolerance } = input;
  let verdict: RowVerdict;
  if (tolerance === null) verdict = 'info';
  else if (worsening > tolerance && worseBy > (input.minChange ?? 0)) {
    // Timings must also clear the noise: a change beyond the spread, every current trial worse than every baseline trial.
    verdict = input.scale === 'absolute' || (worsening > noise && separated(input, direction)) ? 'regressed' : 'noisy';
  } else if (-worsening > tolerance && separated(input, -direction)) verdict = 'improved';
  else verdict = 'pass';
  return {
    name: input.name,
    unit: input.unit,
    baseline,
    current,
    baselineTrials: input.baselineTrials,
    currentTrials: input.currentTrials,
    scale: input.scale,
    worsening,
    noise,
    tolerance,
    verdict,
  };
}

/** True when the two sets of trials do not overlap, the current ones lying on the `direction` side (+1 = higher). */
function separated(input: RowInput, direction: number): boolean {
  if (direction > 0) return Math.min(...input.currentTrials) > Math.max(...input.baselineTrials);
  return Math.max(...input.currentTrials) < Math.min(...input.baselineTrials);
}
