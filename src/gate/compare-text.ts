import type { Comparison } from './compare-results.js';
import { comparisonHeadline, describeRegression, formatChange, formatNoise, formatRowValues, formatTolerance, verdictLabel } from './compare-format.js';

export interface CompareLabels {
  baseline: string;
  current: string;
}

/** The table `pushbench compare` prints: one row per compared quantity, then the verdict. */
export function renderComparisonText(comparison: Comparison, labels: CompareLabels): string {
  const header = ['compared', 'baseline', 'current', 'change', 'tolerance', 'spread', 'verdict'];
  const body = comparison.rows.map((row) => {
    const values = formatRowValues(row);
    return [row.name, values.baseline, values.current, formatChange(row), formatTolerance(row), formatNoise(row), verdictLabel(row)];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: string[]): string =>
    '  ' + cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const lines = [
    `pushbench compare`,
    `  baseline  ${labels.baseline} (${trials(comparison.baselineTrialCount)})`,
    `  current   ${labels.current} (${trials(comparison.currentTrialCount)})`,
    line(header),
    ...body.map(line),
  ];
  for (const note of comparison.notes) lines.push(`  note      ${note}`);
  lines.push(`  verdict   ${comparisonHeadline(comparison)}`);
  for (const row of comparison.regressions) lines.push(`            - ${describeRegression(row)}`);
  return lines.join('\n');
}

function trials(count: number): string {
  return count === 1 ? '1 trial' : `${count} trials, medians`;
}
