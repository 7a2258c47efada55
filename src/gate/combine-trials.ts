import { combineValidity, mergeMetrics, round, sum, sumCounters } from '../result/merge-parts.js';
import { causesOf } from '../result/merge-results.js';
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
    counters: sumCounters(results, 'max'),
    timeline: concatTimelines(results),
    ...causesOf(results),
    validity: trialValidity(results.map((result) => result.validity)),
    trials: results.map(toTrial),
  };
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

/** Valid only when every trial is; the achieved rate is the slowest trial's. */
function trialValidity(all: readonly Validity[]): Validity {
  const achieved = all.flatMap((validity) => (validity.achievedRatePerSec === undefined ? [] : [validity.achievedRatePerSec]));
  return {
    ...combineValidity(all, all.map((_validity, index) => `trial ${index + 1}`)),
    ...(achieved.length > 0 ? { achievedRatePerSec: round(Math.min(...achieved), 2) } : {}),
  };
}
