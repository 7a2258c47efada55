import type { RunResult } from '../../result/run-result.js';
import { formatCount, formatLatencyUs } from './format.js';
import { htmlTable, numberCell, runCell, textCell } from './html-table.js';
import type { RunView } from './report-data.js';

/**
 * What each transport of a delivery run cost, side by side: latency of delivered pairs, CPU per
 * 1,000 events on each side, bytes on the wire per delivered pair, peak sockets and (webhooks)
 * attempts per pair. Empty when no run compared transports.
 */
export function deliveryCostTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows: string[][] = [];
  results.forEach((result, index) => {
    const run = runs[index];
    const transports = result.delivery?.transports;
    if (run === undefined || transports === undefined) return;
    for (const [transport, cost] of Object.entries(transports)) {
      const latency = result.metrics[`delivery.${transport}.latency`];
      rows.push([
        runCell(run),
        textCell(transport),
        numberCell(latency && latency.count > 0 ? formatLatencyUs(latency.p50) : '-'),
        numberCell(latency && latency.count > 0 ? formatLatencyUs(latency.p99) : '-'),
        numberCell(cost.sendCpuMsPer1kEvents.toFixed(1)),
        numberCell(cost.receiveCpuMsPer1kEvents.toFixed(1)),
        numberCell(`${formatCount(Math.round(cost.bytesPerDelivered))} B`),
        numberCell(formatCount(cost.peakSockets)),
        numberCell(cost.retryAmplification === undefined ? '-' : `${cost.retryAmplification.toFixed(2)}x`),
      ]);
    }
  });
  if (rows.length === 0) return '';
  return htmlTable(
    ['run', 'transport', 'p50', 'p99', 'CPU ms/1k send', 'CPU ms/1k recv', 'bytes/event', 'peak sockets', 'attempts/event'],
    rows,
    'delivery-cost',
    2,
  );
}
