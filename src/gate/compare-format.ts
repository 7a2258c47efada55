import type { Comparison, ComparisonRow } from './compare-results.js';
import { formatPercent, formatSignedPercent, formatValue } from './format-value.js';

/** The row's change as people read it: relative rows in % of the baseline, rate rows in percentage points. */
export function formatChange(row: ComparisonRow): string {
  if (row.scale === 'absolute') return `${row.current >= row.baseline ? '+' : '-'}${formatPoints(Math.abs(row.current - row.baseline))}`;
  if (row.baseline === 0) return row.current === 0 ? '+0%' : '+inf';
  return formatSignedPercent((row.current - row.baseline) / row.baseline);
}

export function formatTolerance(row: ComparisonRow): string {
  if (row.tolerance === null) return 'off';
  return row.scale === 'absolute' ? formatPoints(row.tolerance) : formatPercent(row.tolerance);
}

export function formatNoise(row: ComparisonRow): string {
  return row.scale === 'absolute' ? formatPoints(row.noise) : formatPercent(row.noise);
}

export function formatRowValues(row: ComparisonRow): { baseline: string; current: string } {
  return { baseline: formatValue(row.baseline, row.unit), current: formatValue(row.current, row.unit) };
}

/** One line naming a regression: `webhook.latency p99 +201%: 21.0ms -> 63.3ms (tolerance 25%, spread between trials 3.1%)`. */
export function describeRegression(row: ComparisonRow): string {
  const values = formatRowValues(row);
  return `${row.name} ${formatChange(row)}: ${values.baseline} -> ${values.current} (tolerance ${formatTolerance(row)}, spread between trials ${formatNoise(row)})`;
}

export function verdictLabel(row: ComparisonRow): string {
  return { pass: 'pass', regressed: 'REGRESSED', noisy: 'pass (noise)', improved: 'improved', info: 'info' }[row.verdict];
}

export function comparisonHeadline(comparison: Comparison): string {
  if (comparison.pass) return `pass: no regression beyond tolerance and noise (${comparison.rows.length} compared)`;
  return `FAIL: ${comparison.regressions.length} regressed: ${comparison.regressions.map((row) => row.name).join(', ')}`;
}

/** Percentage points of a fraction: 0.001 -> "0.1 pp". */
function formatPoints(fraction: number): string {
  return `${formatPercent(fraction).replace('%', '')} pp`;
}
