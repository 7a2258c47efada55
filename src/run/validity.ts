import type { ProcessHealth } from '../metrics/process-monitor.js';
import type { ProcessStats, Validity } from '../result/run-result.js';
import type { PhaseOutcome } from './phase.js';

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
export function judgeValidity(phases: readonly PhaseOutcome[], health: ProcessHealth, interrupted: boolean, lateThresholdUs: number): Validity {
  const reasons: string[] = phases.flatMap((phase) => phase.reasons ?? []);
  const warnings = phases.flatMap((phase) => phase.warnings);
  const dispatched = phases.reduce((sum, phase) => sum + phase.dispatched, 0);
  const lateSends = phases.reduce((sum, phase) => sum + phase.lateSends, 0);
  const lateSendFraction = dispatched === 0 ? 0 : lateSends / dispatched;
  if (interrupted) reasons.push('the run was interrupted before its end: the numbers cover only part of it');
  if (lateSendFraction > MAX_LATE_SEND_FRACTION) {
    reasons.push(
      `${pct(lateSendFraction)} of sends started more than ${(lateThresholdUs / 1000).toFixed(2)} ms (this machine's timer resolution) after their intended time (limit ${pct(MAX_LATE_SEND_FRACTION)}): the generator could not keep its schedule`,
    );
  }
  const open = phases.find((phase) => phase.model === 'open' && phase.askedRatePerSec);
  if (open?.askedRatePerSec && open.achievedRatePerSec !== undefined && !interrupted) {
    const share = open.achievedRatePerSec / open.askedRatePerSec;
    if (share < MIN_ACHIEVED_RATE_SHARE) {
      reasons.push(`achieved ${open.achievedRatePerSec.toFixed(0)} req/s of the asked ${open.askedRatePerSec.toFixed(0)} (${pct(share)}, limit ${pct(MIN_ACHIEVED_RATE_SHARE)})`);
    }
  }
  if (phases.some((phase) => phase.model === 'closed') && health.eventLoopUtilization > MAX_GENERATOR_UTILIZATION) {
    reasons.push(
      `the generator's event loop was busy ${pct(health.eventLoopUtilization)} of the run (limit ${pct(MAX_GENERATOR_UTILIZATION)}): it, not the target, may have set the pace`,
    );
  }
  if (health.eventLoopDelayP99Us > MAX_EVENT_LOOP_DELAY_P99_US) {
    reasons.push(`the generator's event loop stalled: delay p99 ${(health.eventLoopDelayP99Us / 1000).toFixed(1)} ms (limit ${MAX_EVENT_LOOP_DELAY_P99_US / 1000} ms)`);
  }
  const processes: ProcessStats[] = [
    { role: 'generator', pid: process.pid, cpuMs: health.cpuUserMs + health.cpuSystemMs, maxRssBytes: health.maxRssBytes },
    ...phases.flatMap((phase) => phase.processes),
  ];
  return {
    ok: reasons.length === 0,
    reasons,
    warnings,
    eventLoopDelayP99Us: health.eventLoopDelayP99Us,
    eventLoopDelayMaxUs: health.eventLoopDelayMaxUs,
    eventLoopUtilization: round(health.eventLoopUtilization, 4),
    cpuUserMs: health.cpuUserMs,
    cpuSystemMs: health.cpuSystemMs,
    lateSends,
    lateSendThresholdUs: lateThresholdUs,
    lateSendFraction: round(lateSendFraction, 6),
    ...(open?.askedRatePerSec !== undefined ? { askedRatePerSec: round(open.askedRatePerSec, 2) } : {}),
    ...(open?.achievedRatePerSec !== undefined ? { achievedRatePerSec: round(open.achievedRatePerSec, 2) } : {}),
    processes,
    ...wsValidity(phases),
  };
}

/** The WebSocket phase's own figures, present only when it ran. */
function wsValidity(phases: readonly PhaseOutcome[]): Pick<Validity, 'shards' | 'clientBytesPerConnection' | 'connectRatePerSec'> {
  const ws = phases.find((phase) => phase.shards);
  if (!ws) return {};
  return {
    shards: ws.shards,
    ...(ws.clientBytesPerConnection !== undefined ? { clientBytesPerConnection: Math.round(ws.clientBytesPerConnection) } : {}),
    ...(ws.connectRatePerSec !== undefined ? { connectRatePerSec: round(ws.connectRatePerSec, 1) } : {}),
  };
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 2 : 1)}%`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
