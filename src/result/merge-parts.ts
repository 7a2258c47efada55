import { mergeEncoded, summarizeHistogram, type MetricSummary } from '../metrics/histogram.js';
import type { BoundCheck, RunResult, Validity } from './run-result.js';

/**
 * The parts every merge of results shares (trials of `run --repeat`, shards of `merge`): histograms
 * added exactly (HDR buckets add), counters summed, generator health folded.
 */
export function mergeMetrics(results: readonly Pick<RunResult, 'metrics'>[]): Record<string, MetricSummary> {
  const names = [...new Set(results.flatMap((result) => Object.keys(result.metrics)))].sort();
  const merged: Record<string, MetricSummary> = {};
  for (const name of names) {
    const encoded = results.flatMap((result) => (result.metrics[name] ? [result.metrics[name].hdr] : []));
    merged[name] = summarizeHistogram(mergeEncoded(encoded));
  }
  return merged;
}

/**
 * Sums counters. Gauge peaks (`*.peak`) are levels: trials run one after another, so theirs is the
 * highest trial's peak (`max`); shards run side by side, so theirs add up (`sum`, an upper bound
 * when the shards' peaks did not coincide).
 */
export function sumCounters(results: readonly Pick<RunResult, 'counters'>[], peaks: 'max' | 'sum'): Record<string, number> {
  const summed: Record<string, number> = {};
  for (const result of results) {
    for (const [name, value] of Object.entries(result.counters)) {
      summed[name] = peaks === 'max' && name.endsWith('.peak') ? Math.max(summed[name] ?? 0, value) : (summed[name] ?? 0) + value;
    }
  }
  return Object.fromEntries(Object.entries(summed).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Validity of several measurements together: valid only when every one is; reasons and warnings
 * carry `labels[i]: ` when there are several; health figures are the worst one's, CPU adds up, generators are kept (named by part).
 */
export function combineValidity(all: readonly Validity[], labels: readonly string[]): Validity {
  const first = all[0]!;
  const tagged = (pick: (validity: Validity) => readonly string[]): string[] =>
    all.flatMap((validity, index) => pick(validity).map((text) => (all.length > 1 ? `${labels[index]}: ${text}` : text)));
  return {
    ok: all.every((validity) => validity.ok),
    reasons: tagged((validity) => validity.reasons),
    warnings: tagged((validity) => validity.warnings),
    eventLoopDelayP99Us: Math.max(...all.map((validity) => validity.eventLoopDelayP99Us)),
    eventLoopDelayMaxUs: Math.max(...all.map((validity) => validity.eventLoopDelayMaxUs)),
    eventLoopUtilization: Math.max(...all.map((validity) => validity.eventLoopUtilization)),
    cpuUserMs: sum(all.map((validity) => validity.cpuUserMs)),
    cpuSystemMs: sum(all.map((validity) => validity.cpuSystemMs)),
    ...legacyLateSends(all),
    ...(first.askedRatePerSec !== undefined ? { askedRatePerSec: first.askedRatePerSec } : {}),
    processes: all.flatMap((validity) => validity.processes),
    ...generatorsOf(all, labels),
  };
}

/**
 * Every measurement's generating processes, each named by its measurement when there are several,
 * and the one figure of all that came nearest its bound.
 */
function generatorsOf(all: readonly Validity[], labels: readonly string[]): Pick<Validity, 'generators' | 'nearestBound'> {
  const named = (text: string, index: number): string => (all.length > 1 ? `${labels[index]}: ${text}` : text);
  if (all.every((validity) => validity.generators === undefined)) return {};
  const generators = all.flatMap((validity, index) => (validity.generators ?? []).map((generator) => ({ ...generator, role: named(generator.role, index) })));
  const nearest = all
    .flatMap((validity, index): BoundCheck[] => (validity.nearestBound ? [{ ...validity.nearestBound, process: named(validity.nearestBound.process, index) }] : []))
    .reduce<BoundCheck | undefined>((worst, check) => (!worst || check.ratio > worst.ratio ? check : worst), undefined);
  return { generators, ...(nearest ? { nearestBound: nearest } : {}) };
}

/** Late-send counts of results written before validity judged the run's own figures: kept when every part has them. */
function legacyLateSends(all: readonly Validity[]): Pick<Validity, 'lateSends' | 'lateSendFraction'> {
  if (all.some((validity) => validity.lateSends === undefined || validity.lateSendFraction === undefined)) return {};
  return { lateSends: sum(all.map((validity) => validity.lateSends!)), lateSendFraction: Math.max(...all.map((validity) => validity.lateSendFraction!)) };
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
