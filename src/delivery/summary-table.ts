import { formatDurationUs } from '../scenario/duration.js';
import type { RunResult } from '../result/run-result.js';

const HEADER = ['transport', 'p50', 'p99', 'published', 'delivered', 'lost', 'duplicates', 'inflight', 'cpu ms/1k send', 'cpu ms/1k recv', 'bytes/event', 'req/event', 'peak sockets'];

/**
 * The side-by-side delivery table printed after a delivery run, one row per transport, every figure
 * from result.json: latency is `delivery.<transport>.latency` (scheduled -> first receipt), counts
 * are (event, subscriber) pairs, CPU is per 1,000 published pairs, bytes and requests (HTTP requests
 * + WebSocket upgrades) per delivered pair.
 */
export function renderDeliveryTable(result: RunResult): string[] {
  const delivery = result.delivery;
  if (!delivery) return [];
  const rows = Object.entries(delivery.transports).map(([transport, entry]) => {
    const latency = result.metrics[`delivery.${transport}.latency`];
    const percentile = (value: number | undefined): string => (latency && latency.count > 0 && value !== undefined ? formatDurationUs(value) : '-');
    return [
      transport,
      percentile(latency?.p50),
      percentile(latency?.p99),
      String(entry.published),
      String(entry.delivered),
      String(entry.lost),
      String(entry.duplicates),
      String(entry.inflight),
      entry.sendCpuMsPer1kEvents.toFixed(1),
      entry.receiveCpuMsPer1kEvents.toFixed(1),
      entry.bytesPerDelivered.toFixed(0),
      entry.requestsPerDelivered === undefined ? '-' : entry.requestsPerDelivered < 1 ? entry.requestsPerDelivered.toFixed(3) : entry.requestsPerDelivered.toFixed(2),
      String(entry.peakSockets),
    ];
  });
  const widths = HEADER.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => '  ' + cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const lines = ['  delivery (counts are (event, subscriber) pairs)', line(HEADER), ...rows.map(line)];
  for (const [transport, entry] of Object.entries(delivery.transports)) {
    if (entry.retryAmplification !== undefined) lines.push(`  ${transport}: ${entry.attempts} attempts, retry amplification ${entry.retryAmplification.toFixed(2)}x`);
    if (!entry.balanced) lines.push(`  ${transport}: LEDGER UNBALANCED (${entry.ackedNotReceived} acked but not received, ${entry.receivedNotSent} received but never sent)`);
  }
  return lines;
}
