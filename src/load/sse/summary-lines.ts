import type { RunResult } from '../../result/run-result.js';
import { percent } from '../webhook/summary-lines.js';

type Counters = RunResult['counters'];

const sumOf = (counters: Counters, prefix: string): number => Object.entries(counters).reduce((total, [name, value]) => (name.startsWith(prefix) ? total + value : total), 0);

/** The SSE part of the summary's first line: failed streams over attempted (opened + failed). */
export function sseHeadline(counters: Counters): string[] {
  const failed = sumOf(counters, 'sse.connections.failed.');
  const attempted = (counters['sse.connections.opened'] ?? 0) + failed;
  return attempted > 0 && failed > 0 ? [`${failed} of ${attempted} streams failed (${percent(failed, attempted)})`] : [];
}

/** The SSE block: streams, events, reconnects and resumes, push sequencing, client memory per stream. */
export function sseSummaryLines(result: RunResult): string[] {
  const { counters, validity } = result;
  if (counters['sse.connections.opened'] === undefined) return [];
  const failures = Object.entries(counters).filter(([name, value]) => name.startsWith('sse.connections.failed.') && value > 0);
  const failed = failures.reduce((sum, [, value]) => sum + value, 0);
  const detail = failures.length > 0 ? ` (${failures.map(([name, value]) => `${name.slice('sse.connections.failed.'.length)} ${value}`).join(', ')})` : '';
  const tooLarge = counters['sse.connections.dropped.tooLarge'] ?? 0;
  const lines = [
    `  sse        opened ${counters['sse.connections.opened']}  peak ${counters['sse.connections.peak'] ?? 0}  failed ${failed}${detail}  dropped ${counters['sse.connections.dropped'] ?? 0}${tooLarge > 0 ? ` (tooLarge ${tooLarge})` : ''}`,
    `             events ${counters['sse.events.received'] ?? 0}  reconnects ${counters['sse.reconnects'] ?? 0} (resumed ${counters['sse.resumed'] ?? 0})  gaps ${counters['sse.push.gaps'] ?? 0}  duplicates ${counters['sse.push.duplicates'] ?? 0}  reordered ${counters['sse.push.reordered'] ?? 0}`,
  ];
  if (counters['sse.server.streams.opened'] !== undefined) {
    lines.push(
      `             server: streams ${counters['sse.server.streams.opened']}  events sent ${counters['sse.server.events.sent'] ?? 0}  replayed ${counters['sse.server.events.replayed'] ?? 0}  not replayed ${counters['sse.server.events.notReplayed'] ?? 0}`,
    );
  }
  const memory = validity.clientBytesPerConnection === undefined ? '-' : `${(validity.clientBytesPerConnection / 1024).toFixed(1)} KB`;
  const rate = validity.connectRatePerSec === undefined ? '-' : `${validity.connectRatePerSec.toFixed(0)}/s`;
  lines.push(`             client memory ${memory} per held stream  connect rate ${rate} during the ramp  processes ${validity.shards?.length ?? 0}`);
  return lines;
}
