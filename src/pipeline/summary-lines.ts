import { formatDurationUs } from '../scenario/duration.js';
import type { RunResult } from '../result/run-result.js';

/**
 * The pipeline block of the text summary: delivered share end to end, p50/p99 to each subscriber
 * and to the last, the ledger, and ingest errors by class. Empty for a run without a pipeline.
 */
export function pipelineLines(result: RunResult): string[] {
  const { counters, metrics } = result;
  if (counters['pipeline.expected'] === undefined) return [];
  const expected = counters['pipeline.expected'];
  const delivered = counters['pipeline.delivered'] ?? 0;
  const share = expected === 0 ? '-' : `${((delivered / expected) * 100).toFixed(2)}%`;
  const percentiles = (name: string): string => {
    const metric = metrics[name];
    return metric && metric.count > 0 ? `p50 ${formatDurationUs(metric.p50)} p99 ${formatDurationUs(metric.p99)}` : 'no samples';
  };
  const errors = Object.entries(counters).filter(([name, value]) => name.startsWith('pipeline.ingest.errors.') && value > 0);
  const errorTotal = errors.reduce((sum, [, value]) => sum + value, 0);
  const errorDetail = errors.map(([name, value]) => `${name.slice('pipeline.ingest.errors.'.length)} ${value}`).join(', ');
  const lines = [
    `  pipeline   delivered ${delivered} of ${expected} (${share})  each subscriber ${percentiles('pipeline.latency')}  last ${percentiles('pipeline.last')}`,
    `             events ${counters['pipeline.events'] ?? 0}  missing ${counters['pipeline.missing'] ?? 0}  duplicates ${counters['pipeline.duplicates'] ?? 0}  unmatched ${counters['pipeline.unmatched'] ?? 0}  ingest ok ${counters['pipeline.ingest.ok'] ?? 0}  ingest errors ${errorTotal}${errorDetail ? ` (${errorDetail})` : ''}`,
  ];
  if (result.pipeline?.shardEvents) {
    lines.push(`             shard ${result.shard?.index ?? '?'} of ${result.shard?.count ?? '?'}: this shard's ${result.pipeline.shardEvents.subscribers} subscribers, every shard's events taken as accepted; merge gives the totals`);
  }
  if (result.pipeline) lines.push("             clocks assumed synced: each shard times every shard's events on its own clock from --start-at");
  const restarts = counters['pipeline.backend.restarts'] ?? 0;
  if (restarts > 0) lines.push(`             backend restarts ${restarts}  subscriber drops ${counters['pipeline.subscribers.dropped'] ?? 0}`);
  return lines;
}
