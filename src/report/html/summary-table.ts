import { formatCount, formatFraction, formatLatencyUs } from './format.js';
import { comparedCell, htmlTable, numberCell, runCell, textCell } from './html-table.js';
import type { RunView } from './report-data.js';

/**
 * The headline table: one row per run, changes against the first run. When every run quotes the
 * same latency metric it is named once in the column headers instead of in a column of its own.
 */
export function summaryTable(runs: readonly RunView[]): string {
  const first = runs[0]?.headline;
  const metrics = new Set(runs.map((run) => run.headline.metric ?? '-'));
  const sharedMetric = metrics.size === 1 ? [...metrics][0] : undefined;
  const rows = runs.map((run, index) => {
    const h = run.headline;
    const base = index === 0 ? undefined : first;
    return [
      runCell(run),
      ...(sharedMetric === undefined ? [textCell(h.metric ?? '-')] : []),
      comparedCell(`${formatCount(h.throughputPerSec)}/s`, h.throughputPerSec, base?.throughputPerSec, false),
      numberCell(h.sent === 0 ? '-' : formatFraction(h.ok / h.sent)),
      comparedCell(formatCount(h.errors), h.errors, base?.errors, true),
      comparedCell(formatLatencyUs(h.p50Us), h.p50Us, base?.p50Us, true),
      comparedCell(formatLatencyUs(h.p99Us), h.p99Us, base?.p99Us, true),
      comparedCell(formatLatencyUs(h.p999Us), h.p999Us, base?.p999Us, true),
      `<td class="num"><span class="badge ${h.valid ? 'ok' : 'invalid'}">${h.valid ? 'valid' : 'INVALID'}</span></td>`,
    ];
  });
  const latency = sharedMetric === undefined || sharedMetric === '-' ? ['p50', 'p99', 'p99.9'] : ['p50', 'p99', 'p99.9'].map((p) => `${sharedMetric} ${p}`);
  const headers = ['run', ...(sharedMetric === undefined ? ['latency metric'] : []), 'throughput', 'success', 'errors', ...latency, 'validity'];
  return htmlTable(headers, rows, 'summary', sharedMetric === undefined ? 2 : 1);
}
