import type { RunResult } from '../../result/run-result.js';
import { escapeHtml } from './escape.js';
import { formatCount, formatLatencyUs } from './format.js';
import { comparedCell, htmlTable, numberCell, runCell } from './html-table.js';
import { latencyMetricNames } from './metric-names.js';
import { transportColour } from './palette.js';
import type { RunView } from './report-data.js';

const PERCENTILES = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
  ['max', 'max'],
] as const;

/** One table per latency metric: a row per run with p50/p90/p99/p99.9/max and the change against the first run. */
export function metricTables(results: readonly RunResult[], runs: readonly RunView[]): string {
  const transports = [...new Set(results.flatMap((result) => Object.keys(result.delivery?.transports ?? {})))];
  return latencyMetricNames(results)
    .map((metric) => {
      // A delivery metric (`delivery.<transport>.latency`) is drawn in its transport's colour on every chart: its rows too.
      const transport = /^delivery\.([^.]+)\./.exec(metric)?.[1];
      const colour = transport !== undefined && transports.includes(transport) ? transportColour(transport, transports) : undefined;
      const baseline = results[0]?.metrics[metric];
      const rows: string[][] = [];
      results.forEach((result, index) => {
        const summary = result.metrics[metric];
        const run = runs[index];
        if (summary === undefined || run === undefined) return;
        const base = index === 0 || baseline === undefined || baseline.count === 0 ? undefined : baseline;
        rows.push([
          runCell(run, colour),
          numberCell(formatCount(summary.count)),
          ...PERCENTILES.map(([key]) => comparedCell(formatLatencyUs(summary[key]), summary[key], base?.[key], true)),
        ]);
      });
      const table = htmlTable(['run', 'samples', ...PERCENTILES.map(([, label]) => label)], rows, 'percentiles');
      return `<h3>${escapeHtml(metric)}</h3>\n${table}`;
    })
    .join('\n');
}
