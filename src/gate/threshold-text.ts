import type { ThresholdEvaluation } from '../result/run-result.js';
import { formatValue } from './format-value.js';

/** The lines printed after a run: one per threshold, PASS or FAIL with the measured value. */
export function renderThresholdLines(evaluations: readonly ThresholdEvaluation[]): string {
  if (evaluations.length === 0) return '';
  const nameWidth = Math.max(...evaluations.map((evaluation) => evaluation.metric.length));
  const textWidth = Math.max(...evaluations.map((evaluation) => evaluation.threshold.length));
  const failed = evaluations.filter((evaluation) => !evaluation.pass).length;
  const lines = [`  thresholds ${failed === 0 ? 'all passed' : `${failed} of ${evaluations.length} FAILED`}`];
  for (const evaluation of evaluations) {
    const verdict = evaluation.pass ? 'pass' : 'FAIL';
    const measured = formatValue(evaluation.measured, evaluation.unit);
    const note = evaluation.note ? ` (${evaluation.note})` : '';
    lines.push(`    ${verdict}  ${evaluation.metric.padEnd(nameWidth)}  ${evaluation.threshold.padEnd(textWidth)}  measured ${measured}${note}`);
  }
  return lines.join('\n');
}
