import type { RunResult } from '../../result/run-result.js';
import { formatCount, formatLatencyUs } from './format.js';
import { htmlTable, numberCell, runCell, textCell } from './html-table.js';
import type { RunView } from './report-data.js';

/** `webhook.<target>.latency`: the latency of one target of a multi-target webhook run. */
const TARGET_LATENCY = /^webhook\.([^.]+)\.latency$/;

/** The targets of a run, found by the metric name pattern, in first-seen order. */
export function webhookTargetNames(result: RunResult): string[] {
  return Object.keys(result.metrics).flatMap((name) => {
    const target = TARGET_LATENCY.exec(name)?.[1];
    return target === undefined ? [] : [target];
  });
}

/**
 * One row per webhook target when a run has several: ok and errors (`webhook.<target>.ok`,
 * `webhook.<target>.errors` or `webhook.<target>.errors.<class>`) and the latency percentiles of
 * `webhook.<target>.latency`. Empty when no run has two targets or more.
 */
export function webhookTargetsTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows: string[][] = [];
  results.forEach((result, index) => {
    const run = runs[index];
    const targets = webhookTargetNames(result);
    if (run === undefined || targets.length < 2) return;
    for (const target of targets) {
      const latency = result.metrics[`webhook.${target}.latency`];
      const ok = result.counters[`webhook.${target}.ok`];
      const errors = sumCounters(result, (name) => name === `webhook.${target}.errors` || name.startsWith(`webhook.${target}.errors.`));
      const measured = latency !== undefined && latency.count > 0;
      rows.push([
        runCell(run),
        textCell(target),
        numberCell(ok === undefined ? '-' : formatCount(ok)),
        numberCell(formatCount(errors)),
        numberCell(measured ? formatLatencyUs(latency.p50) : '-'),
        numberCell(measured ? formatLatencyUs(latency.p99) : '-'),
        numberCell(measured ? formatLatencyUs(latency.p999) : '-'),
      ]);
    }
  });
  if (rows.length === 0) return '';
  return htmlTable(['run', 'target', 'ok (requests)', 'errors (requests)', 'p50', 'p99', 'p99.9'], rows, 'webhook-targets', 2);
}

function sumCounters(result: RunResult, keep: (name: string) => boolean): number {
  return Object.entries(result.counters).reduce((sum, [name, value]) => (keep(name) ? sum + value : sum), 0);
}
