import { mergeEncoded, summarizeHistogram, type MetricSummary } from '../metrics/histogram.js';
import type { RunResult, Trial, Validity } from '../result/run-result.js';
import { throughputPerSec } from './metric-values.js';

/** One trial as kept in result.json `trials`. */
export function toTrial(result: RunResult): Trial {
  return {
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    throughputPerSec: round(throughputPerSec(result), 2),
    validityOk: result.validity.ok,
    metrics: result.metrics,
    counters: result.counters,
  };
}

/**
 * Folds the results of `run --repeat N` into one result: top-level metrics are the exact merge of
 * every trial's histogram (HDR add), counters are summed, the timeline runs the trials back to
 * back, and `trials` keeps each trial apart for compare's medians and spread. The run is valid only
 * if every trial is; reasons name their trial.
 */
export function combineTrials(results: readonly RunResult[]): RunResult {
  const first = results[0];
  if (!first) throw new Error('combineTrials needs at least one result');
  return {
    ...first,
    durationMs: sum(results.map((result) => result.durationMs)),
    interrupted: results.some((result) => result.interrupted),
    metrics: mergeMetrics(results),
    counters: sumCounters(results),
    timeline: concatTimelines(results),
    validity: combineValidity(results.map((result) => result.validity)),
    trials: results.map(toTrial),
  };
}

function mergeMetrics(results: readonly RunResult[]): Record<string, MetricSummary> {
  const names = [...new Set(results.flatMap((result) => Object.keys(result.metrics)))].sort();
  const merged: Record<string, MetricSummary> = {};
  for (const name of names) {
    const encoded = results.flatMap((result) => (result.metrics[name] ? [result.metrics[name].hdr] : []));
    merged[name] = summarizeHistogram(mergeEncoded(encoded));
  }
  return merged;
}

function sumCounters(results: readonly RunResult[]): Record<string, number> {
  const summed: Record<string, number> = {};
  for (const result of results) {
    for (const [name, value] of Object.entries(result.counters)) {
      // Gauge peaks (`*.peak`) are levels, not counts: the highest trial's peak, not the sum.
      summed[name] = name.endsWith('.peak') ? Math.max(summed[name] ?? 0, value) : (summed[name] ?? 0) + value;
    }
  }
  return Object.fromEntries(Object.entries(summed).sort(([a], [b]) => a.localeCompare(b)));
}

function concatTimelines(results: readonly RunResult[]): RunResult['timeline'] {
  const timeline: RunResult['timeline'] = [];
  let offset = 0;
  for (const result of results) {
    for (const point of result.timeline) timeline.push({ ...point, second: point.second + offset });
    offset = timeline.length === 0 ? 0 : (timeline[timeline.length - 1]?.second ?? 0) + 1;
  }
  return timeline;
}

/** Valid only when every trial is; health figures are the worst trial's, CPU and late sends add up. */
function combineValidity(all: readonly Validity[]): Validity {
  const first = all[0]!;
  const tagged = (pick: (validity: Validity) => readonly string[]): string[] =>
    all.flatMap((validity, index) => pick(validity).map((text) => (all.length > 1 ? `trial ${index + 1}: ${text}` : text)));
  const achieved = all.flatMap((validity) => (validity.achievedRatePerSec === undefined ? [] : [validity.achievedRatePerSec]));
  return {
    ok: all.every((validity) => validity.ok),
    reasons: tagged((validity) => validity.reasons),
    warnings: tagged((validity) => validity.warnings),
    eventLoopDelayP99Us: Math.max(...all.map((validity) => validity.eventLoopDelayP99Us)),
    eventLoopDelayMaxUs: Math.max(...all.map((validity) => validity.eventLoopDelayMaxUs)),
    eventLoopUtilization: Math.max(...all.map((validity) => validity.eventLoopUtilization)),
    cpuUserMs: sum(all.map((validity) => validity.cpuUserMs)),
    cpuSystemMs: sum(all.map((validity) => validity.cpuSystemMs)),
    lateSends: sum(all.map((validity) => validity.lateSends)),
    lateSendFraction: Math.max(...all.map((validity) => validity.lateSendFraction)),
    ...(first.askedRatePerSec !== undefined ? { askedRatePerSec: first.askedRatePerSec } : {}),
    ...(achieved.length > 0 ? { achievedRatePerSec: round(Math.min(...achieved), 2) } : {}),
    processes: all.flatMap((validity) => validity.processes),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
