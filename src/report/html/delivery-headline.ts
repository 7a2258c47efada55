import { escapeHtml } from './escape.js';
import { formatCount, formatFraction, formatLatencyUs } from './format.js';
import { htmlTable, numberCell } from './html-table.js';
import type { TransportSeries } from './delivery-series.js';

/**
 * The delivery headline: one row per transport (per run × transport with several runs): delivered
 * share, lost, duplicates, p50/p99 of delivered pairs, CPU per 1,000 events (sender + receiver) and
 * bytes on the wire and requests (HTTP requests + WebSocket upgrades) per delivered event. Empty when no run compared transports.
 */
export function deliveryHeadlineTable(series: readonly TransportSeries[]): string {
  if (series.length === 0) return '';
  const rows = series.map(({ transport, result, cost, style }) => {
    const latency = result.metrics[`delivery.${transport}.latency`];
    const measured = latency !== undefined && latency.count > 0;
    return [
      seriesCell(style.label, style.colour),
      numberCell(cost.published === 0 ? '-' : formatFraction(cost.delivered / cost.published)),
      numberCell(formatCount(cost.lost)),
      numberCell(formatCount(cost.duplicates)),
      numberCell(measured ? formatLatencyUs(latency.p50) : '-'),
      numberCell(measured ? formatLatencyUs(latency.p99) : '-'),
      numberCell(`${(cost.sendCpuMsPer1kEvents + cost.receiveCpuMsPer1kEvents).toFixed(1)} ms`),
      numberCell(`${formatCount(Math.round(cost.bytesPerDelivered))} B`),
      numberCell(cost.requestsPerDelivered === undefined ? '-' : formatRequestsPerEvent(cost.requestsPerDelivered)),
    ];
  });
  return htmlTable(['transport', 'delivered', 'lost (pairs)', 'duplicates (pairs)', 'p50', 'p99', 'CPU per 1k events', 'bytes per event', 'requests per event'], rows, 'delivery-headline');
}

/** Requests per delivered event: 3 decimals below 1 (a WebSocket's 0.001), 2 above. */
export function formatRequestsPerEvent(value: number): string {
  return value < 1 ? value.toFixed(3) : value.toFixed(2);
}

/** A series name with its colour swatch, as in the chart legends. */
export function seriesCell(label: string, colour: string): string {
  return `<th scope="row" class="run"><span class="swatch" style="background:${escapeHtml(colour)}"></span>${escapeHtml(label)}</th>`;
}
