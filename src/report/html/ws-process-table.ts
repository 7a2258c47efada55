import type { RunResult } from '../../result/run-result.js';
import { formatBytes, formatCount, formatLatencyUs } from './format.js';
import { htmlTable, numberCell, runCell, textCell } from './html-table.js';
import type { RunView } from './report-data.js';

/** Per WebSocket process (client shard or server): connections held, memory, event-loop delay and CPU. Empty without shards. */
export function wsProcessTable(results: readonly RunResult[], runs: readonly RunView[]): string {
  const rows: string[][] = [];
  results.forEach((result, index) => {
    const run = runs[index];
    if (run === undefined) return;
    for (const shard of result.validity.shards ?? []) {
      rows.push([
        runCell(run),
        textCell(shard.role),
        numberCell(formatCount(shard.connections)),
        numberCell(formatBytes(shard.maxRssBytes)),
        numberCell(formatLatencyUs(shard.eventLoopDelayP99Us)),
        numberCell(formatLatencyUs(shard.eventLoopDelayMaxUs)),
        numberCell(`${(shard.cpuMs / 1000).toFixed(2)} s`),
      ]);
    }
  });
  if (rows.length === 0) return '';
  return htmlTable(['run', 'process', 'connections', 'peak RSS', 'event loop p99', 'event loop max', 'CPU'], rows, 'ws-processes', 2);
}
