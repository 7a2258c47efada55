import { formatCount, formatFraction, formatLatencyUs } from './format.js';
import { comparedCell, htmlTable, numberCell, runCell, textCell } from './html-table.js';
import type { RunView } from './report-data.js';

/** The headline table: one row per run, changes against the first run. */
export function summaryTable(runs: readonly RunView[]): string {
  const first = runs[0]?.headline;
  const rows = runs.map((run, index) => {
    const h = run.headline;
    const base = index === 0 ? undefined : first;
    return [
      runCell(run),
      textCell(h.metric ?? '-'),
      comparedCell(`${formatCount(h.throughputPerSec)}/s`, h.throughputPerSec, base?.throughputPerSec, false),
      numberCell(h.sent === 0 ? '-' : formatFraction(h.ok / h.sent)),
      comparedCell(formatCount(h.errors), h.errors, base?.errors, true),
      comparedCell(formatLatencyUs(h.p50Us), h.p50Us, base?.p50Us, true),
      comparedCell(formatLatencyUs(h.p99Us), h.p99Us, base?.p99Us, true),
      comparedCell(formatLatencyUs(h.p999Us), h.p999Us, base?.p999Us, true),
      `<td class="num"><span class="badge ${h.valid ? 'ok' : 'invalid'}">${h.valid ? 'valid' : 'INVALID'}</span></td>`,
    ];
  });
  const headers = ['run', 'latency metric', 'throughput', 'success', 'errors', 'p50', 'p99', 'p99.9', 'validity'];
  return htmlTable(headers, rows, 'summary', 2);
}
