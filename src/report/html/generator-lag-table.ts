import type { RunResult } from '../../result/run-result.js';
import { escapeHtml } from './escape.js';
import { formatFraction, formatLatencyUs } from './format.js';
import { htmlTable, numberCell, runCell, textCell } from './html-table.js';
import { primaryMetricName } from './metric-names.js';
import type { RunView } from './report-data.js';

/**
 * Each pacing process's sendLag percentiles beside its run's main latency: the part of the latency
 * that is the generator's own delay. Empty when no run paced an open-model schedule (or the
 * results predate the figures).
 */
export function generatorLagTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows: string[][] = [];
  results.forEach((result, index) => {
    const run = runs[index];
    if (!run) return;
    const metric = primaryMetricName(result);
    const latency = metric === undefined ? undefined : result.metrics[metric];
    for (const generator of result.validity.generators ?? []) {
      if (generator.sendLagP99Us === undefined) continue;
      rows.push([
        runCell(run),
        textCell(`${generator.role} (pid ${generator.pid})`),
        numberCell(formatLatencyUs(generator.sendLagP50Us ?? 0)),
        numberCell(formatLatencyUs(generator.sendLagP90Us ?? 0)),
        numberCell(formatLatencyUs(generator.sendLagP99Us)),
        textCell(metric ?? '-'),
        numberCell(latency ? formatLatencyUs(latency.p50) : '-'),
        numberCell(latency ? formatLatencyUs(latency.p90) : '-'),
        numberCell(latency ? formatLatencyUs(latency.p99) : '-'),
        numberCell(latency && latency.p99 > 0 ? formatFraction(Math.min(1, generator.sendLagP99Us / latency.p99), 0) : '-'),
      ]);
    }
  });
  if (rows.length === 0) return '';
  const headers = ['run', 'generating process', 'sendLag p50', 'sendLag p90', 'sendLag p99', 'latency metric', 'p50', 'p90', 'p99', 'sendLag p99 / latency p99'];
  const note = 'How late each send left its generator (from its intended time) beside the latency it is part of: latency counts from the intended time, so this much of it is the generator\'s own delay, not the target\'s.';
  return `<h3>Generator send lag beside the latency</h3>\n<p class="note">${escapeHtml(note)}</p>\n${htmlTable(headers, rows, 'generator-lag', 2)}`;
}
