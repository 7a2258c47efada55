import { formatDurationUs } from '../scenario/duration.js';
import type { RunResult } from '../result/run-result.js';
import { renderDeliveryTable } from '../delivery/summary-table.js';
import { pipelineLines } from './pipeline-summary.js';

const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** The plain-text summary printed after a run: every figure comes straight from result.json. */
export function renderTextSummary(result: RunResult, resultPath?: string): string {
  const lines: string[] = [];
  const seconds = (result.durationMs / 1000).toFixed(1);
  lines.push(`pushbench ${result.scenario.name}  (${seconds} s${result.interrupted ? ', interrupted' : ''})${errorHeadline(result.counters)}`);
  const names = Object.keys(result.metrics);
  const width = Math.max(...names.map((name) => name.length), 8);
  if (names.length > 0) {
    lines.push(`  ${'latency'.padEnd(width)}  ${'count'.padStart(9)}  ${PERCENTILES.map((p) => p.padStart(9)).join('  ')}`);
    for (const name of names) {
      const metric = result.metrics[name]!;
      const cells = PERCENTILES.map((p) => (metric.count === 0 ? '-' : formatDurationUs(metric[p])).padStart(9));
      lines.push(`  ${name.padEnd(width)}  ${String(metric.count).padStart(9)}  ${cells.join('  ')}`);
    }
  }
  const counters = result.counters;
  const sent = counters['webhook.sent'] ?? 0;
  if (sent > 0) {
    const ok = counters['webhook.ok'] ?? 0;
    const errors = Object.entries(counters).filter(([name]) => name.startsWith('webhook.errors.'));
    const errorTotal = errors.reduce((sum, [, value]) => sum + value, 0);
    const detail = errors.map(([name, value]) => `${name.slice('webhook.errors.'.length)} ${value}`).join(', ');
    lines.push(`  requests   sent ${sent}  ok ${ok} (${percent(ok, sent)})  errors ${errorTotal}${detail ? ` (${detail})` : ''}`);
    const unfinished = counters['webhook.unfinished'] ?? 0;
    if (unfinished > 0) lines.push(`             unfinished ${unfinished} (cut off when the run ended)`);
  }
  if (counters['receiver.received'] !== undefined) {
    lines.push(
      `  receiver   received ${counters['receiver.received']}  unique ${counters['receiver.unique'] ?? 0}  duplicates ${counters['receiver.duplicates'] ?? 0}  bad signature ${counters['receiver.badSignature'] ?? 0}`,
    );
  }
  lines.push(...websocketLines(counters, result.validity));
  lines.push(...sseLines(counters, result.validity));
  lines.push(...renderDeliveryTable(result));
  lines.push(...pipelineLines(result));
  const validity = result.validity;
  if (validity.askedRatePerSec !== undefined && validity.achievedRatePerSec !== undefined) {
    lines.push(`  rate       asked ${validity.askedRatePerSec.toFixed(1)}/s  achieved ${validity.achievedRatePerSec.toFixed(1)}/s`);
  } else if (sent > 0) {
    lines.push(`  rate       ${(sent / (result.durationMs / 1000)).toFixed(1)} req/s over the whole run`);
  }
  const health = `event loop p99 ${formatDurationUs(validity.eventLoopDelayP99Us)}, busy ${(validity.eventLoopUtilization * 100).toFixed(0)}%, late sends ${(validity.lateSendFraction * 100).toFixed(2)}%`;
  lines.push(`  validity   ${validity.ok ? 'ok' : 'INVALID'} (${health})`);
  for (const reason of validity.reasons) lines.push(`             - ${reason}`);
  for (const warning of validity.warnings) lines.push(`  warning    ${warning}`);
  lines.push(...shardLines(result));
  if (resultPath) lines.push(`  result     ${resultPath}`);
  return lines.join('\n');
}

/**
 * Any error share above 0 shows in the first line: failed requests over sent, failed and dropped
 * connections over attempted (opened + failed).
 */
function errorHeadline(counters: Record<string, number>): string {
  const sum = (prefix: string): number => Object.entries(counters).reduce((total, [name, value]) => (name.startsWith(prefix) ? total + value : total), 0);
  const parts: string[] = [];
  const sent = counters['webhook.sent'] ?? 0;
  const requestErrors = sum('webhook.errors.');
  if (sent > 0 && requestErrors > 0) parts.push(`${requestErrors} of ${sent} requests failed (${percent(requestErrors, sent)})`);
  const failed = sum('ws.connections.failed.');
  // A failed handshake was upgraded first: it is in `opened` already.
  const attempted = (counters['ws.connections.opened'] ?? 0) + failed - (counters['ws.connections.failed.handshake'] ?? 0);
  if (attempted > 0 && failed > 0) parts.push(`${failed} of ${attempted} connections failed (${percent(failed, attempted)})`);
  const dropped = sum('ws.connections.dropped.');
  if (dropped > 0) parts.push(`${dropped} connections dropped`);
  const streamsFailed = sum('sse.connections.failed.');
  const streamsAttempted = (counters['sse.connections.opened'] ?? 0) + streamsFailed;
  if (streamsAttempted > 0 && streamsFailed > 0) parts.push(`${streamsFailed} of ${streamsAttempted} streams failed (${percent(streamsFailed, streamsAttempted)})`);
  return parts.length > 0 ? `  ERRORS: ${parts.join(', ')}` : '';
}

/** The WebSocket block: connections on both sides, messages, broadcasts, client memory per connection. */
function websocketLines(counters: Record<string, number>, validity: RunResult['validity']): string[] {
  if (counters['ws.connections.opened'] === undefined && !validity.shards?.some((shard) => shard.role.startsWith('ws-'))) return [];
  const sum = (prefix: string): Array<[string, number]> => Object.entries(counters).filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]);
  const detail = (entries: Array<[string, number]>): string => {
    const total = entries.reduce((all, [, value]) => all + value, 0);
    return `${total}${entries.length > 0 ? ` (${entries.map(([name, value]) => `${name} ${value}`).join(', ')})` : ''}`;
  };
  const lines = [
    `  ws         opened ${counters['ws.connections.opened'] ?? 0}  peak ${counters['ws.connections.peak'] ?? 0}  failed ${detail(sum('ws.connections.failed.'))}  dropped ${detail(sum('ws.connections.dropped.'))}`,
    `             server: opened ${counters['ws.server.connections.opened'] ?? 0}  peak ${counters['ws.server.connections.peak'] ?? 0}`,
    `             messages sent ${counters['ws.messages.sent'] ?? 0}  received ${counters['ws.messages.received'] ?? 0}  echo unanswered ${counters['ws.echo.unanswered'] ?? 0}`,
  ];
  if (counters['ws.broadcast.sent'] !== undefined) {
    lines.push(`             broadcasts ${counters['ws.server.broadcasts'] ?? 0}  frames sent ${counters['ws.broadcast.sent']}  received ${counters['ws.broadcast.received'] ?? 0}  missing ${counters['ws.broadcast.missing'] ?? 0}`);
  }
  if (counters['ws.broadcast.triggers.sent'] !== undefined) {
    lines.push(
      `             broadcasts triggered ${counters['ws.broadcast.triggers.sent']} (failed ${counters['ws.broadcast.triggers.failed'] ?? 0})  expected ${counters['ws.broadcast.expected'] ?? 0}  received ${counters['ws.broadcast.received'] ?? 0}  missing ${counters['ws.broadcast.missing'] ?? 0}`,
    );
  }
  if (counters['ws.requests.sent'] !== undefined) {
    lines.push(
      `             requests sent ${counters['ws.requests.sent']}  answered ${counters['ws.requests.answered'] ?? 0}  timeouts ${counters['ws.requests.timeouts'] ?? 0}  unanswered at the end ${counters['ws.requests.unanswered'] ?? 0}`,
    );
  }
  if (counters['ws.push.received'] !== undefined) {
    lines.push(
      `             pushes received ${counters['ws.push.received']}  gaps ${counters['ws.push.gaps'] ?? 0}  duplicates ${counters['ws.push.duplicates'] ?? 0}  reordered ${counters['ws.push.reordered'] ?? 0}`,
    );
  }
  if (counters['ws.subscriptions.errors'] !== undefined || counters['ws.subscriptions.completed'] !== undefined) {
    lines.push(`             subscriptions ended by the server: with an error ${counters['ws.subscriptions.errors'] ?? 0}  completed ${counters['ws.subscriptions.completed'] ?? 0}`);
  }
  if (counters['ws.requests.refused'] !== undefined) lines.push(`             requests refused by the server ${counters['ws.requests.refused']}`);
  const memory = validity.clientBytesPerConnection === undefined ? '-' : `${(validity.clientBytesPerConnection / 1024).toFixed(1)} KB`;
  const rate = validity.connectRatePerSec === undefined ? '-' : `${validity.connectRatePerSec.toFixed(0)}/s`;
  lines.push(`             client memory ${memory} per held connection  connect rate ${rate} during the ramp  processes ${validity.shards?.length ?? 0}`);
  if ((counters['ws.processes.crashed'] ?? 0) > 0) lines.push(`             crashed processes ${counters['ws.processes.crashed']}`);
  return lines;
}

/** The SSE block: streams, events, reconnects and resumes, push sequencing, client memory per stream. */
function sseLines(counters: Record<string, number>, validity: RunResult['validity']): string[] {
  if (counters['sse.connections.opened'] === undefined) return [];
  const failures = Object.entries(counters).filter(([name, value]) => name.startsWith('sse.connections.failed.') && value > 0);
  const failed = failures.reduce((sum, [, value]) => sum + value, 0);
  const detail = failures.length > 0 ? ` (${failures.map(([name, value]) => `${name.slice('sse.connections.failed.'.length)} ${value}`).join(', ')})` : '';
  const lines = [
    `  sse        opened ${counters['sse.connections.opened']}  peak ${counters['sse.connections.peak'] ?? 0}  failed ${failed}${detail}  dropped ${counters['sse.connections.dropped'] ?? 0}`,
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

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((part / whole) * 100).toFixed(2)}%`;
}

/** A shard says which part it ran and that thresholds wait for the merge; a merged result names its shards. */
function shardLines(result: RunResult): string[] {
  if (result.shard) {
    const { index, count, startSkewUs, startAt } = result.shard;
    const start = startAt ? `, started ${formatDurationUs(Math.abs(startSkewUs))} ${startSkewUs < 0 ? 'before' : 'after'} --start-at` : '';
    return [`  shard      ${index} of ${count}${start}; thresholds: judged at merge`];
  }
  if (result.merged) {
    const { shards, count, missing, startSpreadUs } = result.merged;
    const absent = missing.length > 0 ? `, missing ${missing.join(', ')}` : '';
    return [`  merged     ${shards.length} of ${count} shards${absent}; starts spread over ${formatDurationUs(startSpreadUs)}`];
  }
  return [];
}
