import { formatDurationUs } from '../scenario/duration.js';
import type { RunResult } from '../result/run-result.js';
import type { Comparison } from './compare-results.js';
import { comparisonHeadline, formatChange, formatNoise, formatRowValues, formatTolerance, verdictLabel } from './compare-format.js';
import type { CompareLabels } from './compare-text.js';
import { formatValue } from './format-value.js';

const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** The Markdown summary of a run: verdict, latency table and every threshold. */
export function renderRunMarkdown(result: RunResult): string {
  const thresholds = result.thresholds ?? [];
  const failed = thresholds.filter((evaluation) => !evaluation.pass).length;
  const verdict = !result.validity.ok ? 'INVALID run' : failed > 0 ? `FAIL: ${failed} threshold(s) failed` : 'pass';
  const trials = result.trials ? `, ${result.trials.length} trials` : '';
  const lines = [`### pushbench run \`${cell(result.scenario.name)}\`: ${verdict}`, '', `${(result.durationMs / 1000).toFixed(1)} s${trials}`, ''];
  const metrics = Object.entries(result.metrics);
  if (metrics.length > 0) {
    lines.push(`| metric | count | ${PERCENTILES.join(' | ')} |`, `|---|---:|${PERCENTILES.map(() => '---:').join('|')}|`);
    for (const [name, metric] of metrics) {
      lines.push(`| ${cell(name)} | ${metric.count} | ${PERCENTILES.map((p) => (metric.count === 0 ? '-' : formatDurationUs(metric[p]))).join(' | ')} |`);
    }
    lines.push('');
  }
  if (thresholds.length > 0) {
    lines.push('| threshold | measured | result |', '|---|---:|---|');
    for (const evaluation of thresholds) {
      const note = evaluation.note ? ` (${evaluation.note})` : '';
      lines.push(`| ${cell(`${evaluation.metric}: ${evaluation.threshold}`)} | ${cell(formatValue(evaluation.measured, evaluation.unit) + note)} | ${evaluation.pass ? 'pass' : '**FAIL**'} |`);
    }
    lines.push('');
  }
  for (const reason of result.validity.reasons) lines.push(`- invalid: ${cell(reason)}`);
  return lines.join('\n').trimEnd() + '\n';
}

/** The Markdown summary of a comparison: one row per compared quantity, regressions in bold. */
export function renderCompareMarkdown(comparison: Comparison, labels: CompareLabels): string {
  const lines = [
    `### pushbench compare: ${cell(comparisonHeadline(comparison))}`,
    '',
    `baseline \`${cell(labels.baseline)}\` (${comparison.baselineTrialCount} trial(s)), current \`${cell(labels.current)}\` (${comparison.currentTrialCount} trial(s)); medians across trials`,
    '',
    '| compared | baseline | current | change | tolerance | spread | verdict |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of comparison.rows) {
    const values = formatRowValues(row);
    const verdict = row.verdict === 'regressed' ? `**${verdictLabel(row)}**` : verdictLabel(row);
    lines.push(`| ${cell(row.name)} | ${values.baseline} | ${values.current} | ${formatChange(row)} | ${formatTolerance(row)} | ${formatNoise(row)} | ${verdict} |`);
  }
  if (comparison.notes.length > 0) lines.push('', ...comparison.notes.map((note) => `- ${cell(note)}`));
  return lines.join('\n') + '\n';
}

/** Keeps text inside one table cell: no pipes, no newlines. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}
