import { formatDurationUs } from '../scenario/duration.js';
import type { RunResult } from '../result/run-result.js';
import { PHASES } from '../run/phases.js';
import { causeLines } from './cause-lines.js';

const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** The plain-text summary printed after a run: every figure comes straight from result.json. */
export function renderTextSummary(result: RunResult, resultPath?: string): string {
  const lines: string[] = [];
  const seconds = (result.durationMs / 1000).toFixed(1);
  lines.push(`pushbench ${result.scenario.name}  (${seconds} s${result.interrupted ? ', interrupted' : ''})${errorHeadline(result.counters)}`);
  lines.push(...causeLines(result.causes));
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
  for (const phase of PHASES) lines.push(...phase.summary(result));
  const validity = result.validity;
  if (validity.askedRatePerSec !== undefined && validity.achievedRatePerSec !== undefined) {
    lines.push(`  rate       asked ${validity.askedRatePerSec.toFixed(1)}/s  achieved ${validity.achievedRatePerSec.toFixed(1)}/s`);
  } else if (sent > 0) {
    lines.push(`  rate       ${(sent / (result.durationMs / 1000)).toFixed(1)} req/s over the whole run`);
  }
  lines.push(`  validity   ${validity.ok ? 'ok' : 'INVALID'} (${healthText(validity)})`);
  for (const reason of validity.reasons) lines.push(`             - ${reason}`);
  for (const warning of validity.warnings) lines.push(`  warning    ${warning}`);
  lines.push(...shardLines(result));
  if (resultPath) lines.push(`  result     ${resultPath}`);
  return lines.join('\n');
}

/**
 * The figure that came nearest its invalid bound (docs/metrics.md, "Validity"); an older result's
 * event-loop and late-send figures.
 */
function healthText(validity: RunResult['validity']): string {
  const nearest = validity.nearestBound;
  if (nearest) {
    const value = (figure: number): string => (nearest.unit === 'us' ? formatDurationUs(figure) : `${(figure * 100).toFixed(1)}%`);
    return `nearest its bound: ${nearest.process} ${nearest.figure} ${value(nearest.value)}, bound ${value(nearest.bound)}`;
  }
  const late = validity.lateSendFraction === undefined ? '' : `, late sends ${(validity.lateSendFraction * 100).toFixed(2)}%`;
  return `event loop p99 ${formatDurationUs(validity.eventLoopDelayP99Us)}, busy ${(validity.eventLoopUtilization * 100).toFixed(0)}%${late}`;
}

/** Any error share above 0 shows in the first line, each phase kind saying its own (see PHASES). */
function errorHeadline(counters: Record<string, number>): string {
  const parts = PHASES.flatMap((phase) => phase.headline(counters));
  return parts.length > 0 ? `  ERRORS: ${parts.join(', ')}` : '';
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
