import type { RunResult } from '../../result/run-result.js';
import { escapeHtml } from './escape.js';
import { formatBytes, formatFraction, formatLatencyUs } from './format.js';
import { htmlTable, numberCell, textCell } from './html-table.js';

/**
 * Per-shard health of a merged result (`pushbench merge`): where each shard ran, how far from the
 * common start it began, and whether it kept its schedule. Missing shards are rows of their own.
 * Empty when no result in the report is a merge.
 */
export function shardSection(results: readonly RunResult[]): string {
  const merged = results.filter((result) => result.merged);
  if (merged.length === 0) return '';
  const tables = merged.map((result) => {
    const info = result.merged!;
    const rows = info.shards.map((shard) => [
      textCell(`${shard.index} of ${info.count}`),
      `<td class="num"><span class="badge ${shard.valid ? 'ok' : 'invalid'}">${shard.valid ? 'valid' : 'INVALID'}</span></td>`,
      textCell(shard.hostname ?? '-'),
      numberCell(`${shard.startSkewUs < 0 ? '-' : '+'}${formatLatencyUs(Math.abs(shard.startSkewUs))}`),
      numberCell(shard.achievedRatePerSec === undefined ? '-' : `${shard.achievedRatePerSec.toFixed(0)}/s`),
      numberCell(shard.sendLagP99Us !== undefined ? formatLatencyUs(shard.sendLagP99Us) : shard.lateSendFraction !== undefined ? `${formatFraction(shard.lateSendFraction)} late` : '-'),
      numberCell(formatLatencyUs(shard.eventLoopDelayP99Us)),
      numberCell(`${(shard.cpuMs / 1000).toFixed(1)} s`),
      numberCell(shard.maxRssBytes === 0 ? '-' : formatBytes(shard.maxRssBytes)),
      textCell(shard.reasons.join('; ') || '-'),
    ]);
    for (const index of info.missing) {
      rows.push([textCell(`${index} of ${info.count}`), `<td class="num"><span class="badge invalid">MISSING</span></td>`, ...Array.from({ length: 8 }, () => textCell('-'))]);
    }
    const headers = ['shard', 'validity', 'host', 'start vs common start', 'rate achieved', 'sendLag p99', 'event loop p99', 'CPU', 'peak RSS', 'reasons'];
    const caption = `<p class="note">${escapeHtml(`${result.scenario.name}: ${info.shards.length} of ${info.count} shards merged; starts spread over ${formatLatencyUs(info.startSpreadUs)}.`)}</p>`;
    return caption + htmlTable(headers, rows, 'shards', 3);
  });
  return `<section id="shards"><h2>Shards</h2><p class="note">A merged run: every shard ran its stripe of the same plan; histograms are added exactly and counters summed.</p>
${tables.join('\n')}
</section>`;
}
