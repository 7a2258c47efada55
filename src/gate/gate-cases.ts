import type { ThresholdEvaluation } from '../result/run-result.js';
import type { Comparison } from './compare-results.js';
import { describeRegression, formatChange, formatRowValues, formatTolerance } from './compare-format.js';
import { formatValue } from './format-value.js';

/** One pass/fail check, the unit JUnit and summaries are made of: a threshold or a compared quantity. */
export interface GateCase {
  /** Groups cases: the metric or counter name (`webhook.latency`), or `compare`. */
  group: string;
  name: string;
  pass: boolean;
  /** One line: the measured value, or why it failed. */
  message: string;
}

export function casesFromThresholds(evaluations: readonly ThresholdEvaluation[]): GateCase[] {
  return evaluations.map((evaluation) => {
    const measured = formatValue(evaluation.measured, evaluation.unit);
    const note = evaluation.note ? ` (${evaluation.note})` : '';
    return {
      group: evaluation.metric,
      name: evaluation.threshold,
      pass: evaluation.pass,
      message: `${evaluation.metric}: ${evaluation.threshold}: measured ${measured}${note}`,
    };
  });
}

/** Rows with a tolerance become cases; report-only rows (tolerance off) are left out. */
export function casesFromComparison(comparison: Comparison): GateCase[] {
  return comparison.rows
    .filter((row) => row.verdict !== 'info')
    .map((row) => {
      const values = formatRowValues(row);
      const message =
        row.verdict === 'regressed'
          ? describeRegression(row)
          : `${row.name} ${formatChange(row)}: ${values.baseline} -> ${values.current} (tolerance ${formatTolerance(row)})`;
      return { group: 'compare', name: row.name, pass: row.verdict !== 'regressed', message };
    });
}
