import { formatCount, formatLatencyUs } from './format.js';
import { htmlTable, numberCell } from './html-table.js';
import { seriesCell } from './delivery-headline.js';
import type { TransportSeries } from './delivery-series.js';

/**
 * The diagnostics of each transport: CPU per 1,000 events on each side, bytes per delivered pair,
 * peak sockets, send delay p99, requests (HTTP requests + WebSocket upgrades), and (webhooks) attempts and retry amplification (attempts / published).
 */
export function deliveryCostTable(series: readonly TransportSeries[]): string {
  if (series.length === 0) return '';
  const rows = series.map(({ transport, result, cost, style }) => {
    const sendDelay = result.metrics[`delivery.${transport}.sendDelay`];
    return [
      seriesCell(style.label, style.colour),
      numberCell(`${cost.sendCpuMsPer1kEvents.toFixed(1)} ms`),
      numberCell(`${cost.receiveCpuMsPer1kEvents.toFixed(1)} ms`),
      numberCell(`${formatCount(Math.round(cost.bytesPerDelivered))} B`),
      numberCell(formatCount(cost.peakSockets)),
      numberCell(sendDelay && sendDelay.count > 0 ? formatLatencyUs(sendDelay.p99) : '-'),
      numberCell(cost.requests === undefined ? '-' : formatCount(cost.requests)),
      numberCell(cost.attempts === undefined ? '-' : formatCount(cost.attempts)),
      numberCell(cost.retryAmplification === undefined ? '-' : `${cost.retryAmplification.toFixed(2)}x`),
    ];
  });
  return htmlTable(
    ['transport', 'CPU/1k send', 'CPU/1k receive', 'bytes/event', 'peak sockets', 'send delay p99', 'requests', 'attempts', 'retry amplification'],
    rows,
    'delivery-cost',
  );
}
