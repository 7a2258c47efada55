import type { ProcessHealth } from '../metrics/process-monitor.js';
import type { WebhookLoadOutcome } from '../load/webhook/webhook-load.js';
import type { Validity } from '../result/run-result.js';
import type { ProcessStats } from '../targets/receiver-handle.js';

/** More late sends than this fraction means the generator could not keep its schedule. */
export const MAX_LATE_SEND_FRACTION = 0.05;
/** An open-model run must dispatch at least this share of the asked rate. */
export const MIN_ACHIEVED_RATE_SHARE = 0.99;
/** A closed-model generator busier than this may itself be the bottleneck. */
export const MAX_GENERATOR_UTILIZATION = 0.97;
export const MAX_EVENT_LOOP_DELAY_P99_US = 100_000;

/**
 * Judges whether the numbers describe the target rather than the generator. Every reason names
 * the measured value and the limit it broke.
 */
export function judgeValidity(
  load: WebhookLoadOutcome,
  health: ProcessHealth,
  model: 'open' | 'closed',
  interrupted: boolean,
  processes: ProcessStats[],
): Validity {
  const reasons: string[] = [];
  const lateSendFraction = load.dispatched === 0 ? 0 : load.lateSends / load.dispatched;
  if (interrupted) reasons.push('the run was interrupted before its end: the numbers cover only part of it');
  if (lateSendFraction > MAX_LATE_SEND_FRACTION) {
    reasons.push(
      `${pct(lateSendFraction)} of sends started more than 1 ms after their intended time (limit ${pct(MAX_LATE_SEND_FRACTION)}): the generator could not keep its schedule`,
    );
  }
  if (model === 'open' && load.askedRatePerSec && load.achievedRatePerSec !== undefined && !interrupted) {
    const share = load.achievedRatePerSec / load.askedRatePerSec;
    if (share < MIN_ACHIEVED_RATE_SHARE) {
      reasons.push(`achieved ${load.achievedRatePerSec.toFixed(0)} req/s of the asked ${load.askedRatePerSec.toFixed(0)} (${pct(share)}, limit ${pct(MIN_ACHIEVED_RATE_SHARE)})`);
    }
  }
  if (model === 'closed' && health.eventLoopUtilization > MAX_GENERATOR_UTILIZATION) {
    reasons.push(
      `the generator's event loop was busy ${pct(health.eventLoopUtilization)} of the run (limit ${pct(MAX_GENERATOR_UTILIZATION)}): it, not the target, may have set the pace`,
    );
  }
  if (health.eventLoopDelayP99Us > MAX_EVENT_LOOP_DELAY_P99_US) {
    reasons.push(`the generator's event loop stalled: delay p99 ${(health.eventLoopDelayP99Us / 1000).toFixed(1)} ms (limit ${MAX_EVENT_LOOP_DELAY_P99_US / 1000} ms)`);
  }
  return {
    ok: reasons.length === 0,
    reasons,
    eventLoopDelayP99Us: health.eventLoopDelayP99Us,
    eventLoopDelayMaxUs: health.eventLoopDelayMaxUs,
    eventLoopUtilization: round(health.eventLoopUtilization, 4),
    cpuUserMs: health.cpuUserMs,
    cpuSystemMs: health.cpuSystemMs,
    lateSends: load.lateSends,
    lateSendFraction: round(lateSendFraction, 6),
    ...(load.askedRatePerSec !== undefined ? { askedRatePerSec: round(load.askedRatePerSec, 2) } : {}),
    ...(load.achievedRatePerSec !== undefined ? { achievedRatePerSec: round(load.achievedRatePerSec, 2) } : {}),
    processes,
  };
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 2 : 1)}%`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
