import type { ProcessHealth } from '../metrics/process-monitor.js';
import type { BoundCheck, GeneratorFigures, ProcessStats, Validity } from '../result/run-result.js';
import type { GeneratorReport, PhaseOutcome } from './phase.js';

/** An open-model run must dispatch at least this share of the asked rate over its whole window. */
export const MIN_ACHIEVED_RATE_SHARE = 0.99;
/** A closed-model generator busier than this may itself be the bottleneck. */
export const MAX_GENERATOR_UTILIZATION = 0.97;
export const MAX_EVENT_LOOP_DELAY_P99_US = 100_000;
/** More echo messages than this share leaving over a tick late (ws.echo.late) means the client shards fell behind. */
export const MAX_ECHO_LATE_FRACTION = 0.05;

/**
 * The rule, per generating process, from the run's own figures (docs/metrics.md, "Validity").
 * Above `warnAbove` a run carries a warning; above `invalidAbove` it is invalid. Jitter (a send a
 * timer tick late, a GC pause) stays under the warning band: CO-safe latency already holds it.
 */
interface Bound {
  figure: string;
  unit: BoundCheck['unit'];
  /** `share-below`: a share where lower is worse (its shortfall 1 - value is what is bounded). */
  direction: 'above' | 'share-below';
  warn: number;
  invalid: number;
  value(figures: GeneratorFigures, model: Model): number | undefined;
  /**
   * Invalid only for a process that paced a schedule (its delay becomes send lag, inside the
   * latency); for any other process crossing `invalid` is a warning.
   */
  invalidForPacersOnly?: boolean;
  /**
   * A timing figure a paused machine moves as much as a slow process: past `invalid` it is only a
   * warning while the host stole at least HOST_STEAL_EXCUSE_SHARE of the CPUs' time and the process
   * itself was not starved (its run-queue wait share within its warning).
   */
  hostStealExplains?: boolean;
  /** Invalid only when this also holds (a cause that voids only once its effect shows). */
  invalidOnlyWhen?: { holds(figures: GeneratorFigures): boolean; text: string };
  /**
   * Judged at all (warning or invalid) only when this holds: a figure that means nothing without
   * its effect. Otherwise result.json keeps it and it is no candidate for the nearest bound.
   */
  judgedOnlyWhen?(figures: GeneratorFigures): boolean;
  /** Why crossing the bound means the generator, not the target, set the numbers. */
  meaning: string;
}

/**
 * Above this share of all CPUs' time stolen by the hypervisor over a window, the machine itself
 * paused: on this 2-core VM a quiet window steals 0.0-0.1%, and runs voided by one 20-100 ms stall
 * came with 10-17% (vmstat `st`). 1% of a 10 s window is 200 ms of CPU time taken from the VM.
 */
export const HOST_STEAL_EXCUSE_SHARE = 0.01;

const SEND_LAG_P99_WARN_US = 5_000;
/** Fewest sends whose p99 sendLag can void a run: at 1% that is five sends late, not one stall. */
export const MIN_SENDS_FOR_SEND_LAG_P99 = 500;
const sentEnoughForP99 = (figures: GeneratorFigures): boolean => (figures.dispatched ?? 0) >= MIN_SENDS_FOR_SEND_LAG_P99;
const RUN_QUEUE_WAIT_SHARE_WARN = 0.3;

type Model = 'open' | 'closed';

export const BOUNDS: readonly Bound[] = [
  {
    figure: 'sendLag p99',
    unit: 'us',
    direction: 'above',
    warn: SEND_LAG_P99_WARN_US,
    invalid: 10_000,
    value: (figures) => figures.sendLagP99Us,
    hostStealExplains: true,
    // Under 500 sends p99 is the worst four or fewer: one stall of the machine (at 75/s, one send).
    invalidOnlyWhen: {
      holds: sentEnoughForP99,
      text: `once it sent ${MIN_SENDS_FOR_SEND_LAG_P99} or more (it sent fewer: its p99 is one stall)`,
    },
    meaning: 'its sends started late, and that delay is in the latency',
  },
  {
    figure: 'achieved share of the schedule in its worst second',
    unit: 'share',
    direction: 'share-below',
    warn: 0.97,
    invalid: 0.9,
    value: (figures) => figures.worstWindowRateShare,
    hostStealExplains: true,
    meaning: 'it fell behind its schedule',
  },
  {
    figure: 'event-loop delay p90',
    unit: 'us',
    direction: 'above',
    warn: 5_000,
    invalid: 20_000,
    value: (figures) => figures.eventLoopDelayP90Us,
    invalidForPacersOnly: true,
    hostStealExplains: true,
    meaning: 'its event loop was late for a sustained part of the run',
  },
  {
    figure: 'event-loop delay p99',
    unit: 'us',
    direction: 'above',
    warn: 50_000,
    invalid: MAX_EVENT_LOOP_DELAY_P99_US,
    value: (figures) => figures.eventLoopDelayP99Us,
    hostStealExplains: true,
    meaning: 'its event loop stalled',
  },
  {
    figure: 'mean run-queue wait per wake-up',
    unit: 'us',
    direction: 'above',
    warn: 250,
    invalid: 1_000,
    value: (figures) => figures.runQueueWaitMeanUs,
    invalidForPacersOnly: true,
    meaning: 'each time it woke up it waited for a CPU another process held: it was starved',
  },
  {
    figure: 'run-queue wait share',
    unit: 'share',
    direction: 'above',
    warn: RUN_QUEUE_WAIT_SHARE_WARN,
    invalid: 0.6,
    value: (figures) => figures.runQueueWaitShare,
    invalidForPacersOnly: true,
    // The share is scale-free: three 100/s shards beside their receivers on 2 cores wait 37-63% of
    // their brief runnable time and still send on time (sendLag p99 1.4-3.2 ms), and so does the
    // default bench's long-polling publisher (28-32%, ~60 us per wake-up, sendLag p99 1.7-2.5 ms).
    // For a pacer it says "starved" only once the starvation shows in its sends, in a p99 of 500
    // sends or more (a Job shard's 100 sends at 9.1 ms p99 was one stall, at a 61.5% share).
    judgedOnlyWhen: (figures) =>
      figures.sendLagP99Us === undefined || (figures.sendLagP99Us > SEND_LAG_P99_WARN_US && sentEnoughForP99(figures)),
    meaning: 'of the time it was ready to run, it spent that share waiting for a CPU another process held: it was starved',
  },
  {
    figure: 'event-loop utilisation',
    unit: 'share',
    direction: 'above',
    warn: 0.9,
    invalid: MAX_GENERATOR_UTILIZATION,
    value: (figures, model) => (model === 'closed' ? figures.eventLoopUtilization : undefined),
    meaning: 'it, not the target, may have set the pace of the closed model',
  },
];

/** Above this CPU share a generating process is warned about (Artillery's high-CPU warning); its effect is judged by the bounds above. */
export const CPU_SHARE_WARNING = 0.9;

/**
 * Judges whether the numbers describe the target rather than the generator. Every generating
 * process (the run's own, client shards, publishers) is held to the same BOUNDS; each reason names
 * the process, the figure and the bound it broke.
 */
export function judgeValidity(phases: readonly PhaseOutcome[], health: ProcessHealth, interrupted: boolean): Validity {
  const reasons: string[] = phases.flatMap((phase) => phase.reasons ?? []);
  const warnings = phases.flatMap((phase) => phase.warnings);
  if (interrupted) reasons.push('the run was interrupted before its end: the numbers cover only part of it');
  const open = phases.find((phase) => phase.model === 'open' && phase.askedRatePerSec);
  if (open?.askedRatePerSec && open.achievedRatePerSec !== undefined && !interrupted) {
    const share = open.achievedRatePerSec / open.askedRatePerSec;
    if (share < MIN_ACHIEVED_RATE_SHARE) {
      reasons.push(`generator (pid ${process.pid}): achieved ${open.achievedRatePerSec.toFixed(0)} req/s of the asked ${open.askedRatePerSec.toFixed(0)} (${pct(share)}, bound ${pct(MIN_ACHIEVED_RATE_SHARE)})`);
    }
  }
  const generators = phases.flatMap((phase) => phase.generators.map((report) => ({ model: phase.model, figures: generatorFigures(report, health) })));
  const checks = generators.flatMap(({ model, figures }) => checkGenerator(figures, model, interrupted));
  for (const check of checks) {
    const list = check.level === 'invalid' ? reasons : check.level === 'warning' ? warnings : undefined;
    if (list && !list.includes(check.text)) list.push(check.text);
  }
  for (const { figures } of generators) {
    const steal = figures.hostStealShare ?? 0;
    // Named where it may explain a figure: a timing bound of this process past its warning line (the share itself is in result.json).
    const explains = checks.some((check) => check.stealMoves && check.level !== 'ok' && check.bound.process === label(figures));
    const stolen = `${label(figures)}: the host stole ${pct(steal)} of the CPUs' time in its window (warning above ${pct(HOST_STEAL_EXCUSE_SHARE)}): the hypervisor ran other guests on this machine's CPUs, and its pauses are in every timing figure here`;
    if (steal >= HOST_STEAL_EXCUSE_SHARE && explains && !warnings.includes(stolen)) warnings.push(stolen);
  }
  for (const { figures } of generators) {
    const text = `${label(figures)}: CPU share ${pct(figures.cpuShare)} of a core (warning above ${pct(CPU_SHARE_WARNING)}): it may be near its limit`;
    if (figures.cpuShare > CPU_SHARE_WARNING && !warnings.includes(text)) warnings.push(text);
  }
  const nearest = checks.reduce<BoundCheck | undefined>((worst, check) => (check.decisive && (!worst || check.bound.ratio > worst.ratio) ? check.bound : worst), undefined);
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
    ...(open?.askedRatePerSec !== undefined ? { askedRatePerSec: round(open.askedRatePerSec, 2) } : {}),
    ...(open?.achievedRatePerSec !== undefined ? { achievedRatePerSec: round(open.achievedRatePerSec, 2) } : {}),
    processes,
    ...wsValidity(phases),
    generators: generators.map(({ figures }) => figures),
    ...(nearest ? { nearestBound: nearest } : {}),
  };
}

interface Check {
  level: 'ok' | 'warning' | 'invalid';
  text: string;
  bound: BoundCheck;
  /** False when this bound can only warn about this process, or was spared past its invalid line: it is then no candidate for nearestBound. */
  decisive: boolean;
  /** A timing figure a paused machine moves (the bound's `hostStealExplains`). */
  stealMoves: boolean;
}

/** Every bound that applies to one process, with its level; an interrupted run's windows are not judged (it is invalid anyway). */
export function checkGenerator(figures: GeneratorFigures, model: Model, interrupted = false): Check[] {
  const checks: Check[] = [];
  for (const bound of BOUNDS) {
    const value = bound.value(figures, model);
    if (value === undefined) continue;
    if (interrupted && bound.direction === 'share-below') continue;
    const worse = (limit: number): boolean => (bound.direction === 'above' ? value > limit : value < limit);
    const paced = figures.sendLagP99Us !== undefined;
    const forThisProcess = paced || !bound.invalidForPacersOnly;
    const effectShows = !bound.invalidOnlyWhen || bound.invalidOnlyWhen.holds(figures);
    const machinePaused = bound.hostStealExplains === true && hostPaused(figures);
    const canVoid = forThisProcess && effectShows && !machinePaused;
    const judged = bound.judgedOnlyWhen?.(figures) ?? true;
    const level = !judged ? 'ok' : worse(bound.invalid) && canVoid ? 'invalid' : worse(bound.warn) ? 'warning' : 'ok';
    const ratio = bound.direction === 'above' ? value / bound.invalid : (1 - value) / (1 - bound.invalid);
    const side = bound.direction === 'above' ? 'above' : 'below';
    const spared = !forThisProcess
      ? 'invalid for a process that paces a schedule'
      : !effectShows
        ? `invalid ${side} ${show(bound.invalid, bound.unit)} ${bound.invalidOnlyWhen!.text}`
        : `invalid ${side} ${show(bound.invalid, bound.unit)} unless the host stole over ${pct(HOST_STEAL_EXCUSE_SHARE)} of the CPUs' time; it stole ${pct(figures.hostStealShare ?? 0)}`;
    const limit = level === 'warning' && worse(bound.invalid) ? `warning ${side} ${show(bound.warn, bound.unit)}; ${spared}` : level === 'warning' ? `warning ${side} ${show(bound.warn, bound.unit)}, invalid ${side} ${show(bound.invalid, bound.unit)}` : `bound ${show(bound.invalid, bound.unit)}`;
    const meaning = level === 'warning' && worse(bound.invalid) && forThisProcess && effectShows && machinePaused ? `${bound.meaning}, while the hypervisor paused this machine: the host's delay, not this process's` : bound.meaning;
    checks.push({
      level,
      text: `${label(figures)}: ${bound.figure} ${show(value, bound.unit)} (${limit})${level === 'ok' ? '' : `: ${meaning}`}`,
      bound: { process: label(figures), figure: bound.figure, value, bound: bound.invalid, unit: bound.unit, ratio: round(Math.max(0, ratio), 4) },
      // A bound past its invalid line but spared (by steal, or an effect that does not show) would read as over 100% in a valid run.
      decisive: judged && forThisProcess && (!worse(bound.invalid) || canVoid),
      stealMoves: bound.hostStealExplains === true,
    });
  }
  return checks;
}

/** The machine, not the process, paused: the host stole CPU time and the process did not wait on its own run queue. */
function hostPaused(figures: GeneratorFigures): boolean {
  return (figures.hostStealShare ?? 0) >= HOST_STEAL_EXCUSE_SHARE && (figures.runQueueWaitShare ?? 0) <= RUN_QUEUE_WAIT_SHARE_WARN;
}

/** A phase's report of one process as result.json keeps it; the run's own process gets the run's health. */
function generatorFigures(report: GeneratorReport, runHealth: ProcessHealth): GeneratorFigures {
  const health = report.health ?? runHealth;
  // A pacer cut off before its first send has no lag to judge.
  const pace = report.pace && report.pace.dispatched > 0 ? report.pace : undefined;
  return {
    role: report.role,
    pid: report.pid,
    cpuShare: health.cpuShare,
    ...(health.runQueueWaitShare !== undefined ? { runQueueWaitShare: health.runQueueWaitShare } : {}),
    ...(health.runQueueWaitMeanUs !== undefined ? { runQueueWaitMeanUs: health.runQueueWaitMeanUs } : {}),
    ...(health.hostStealShare !== undefined ? { hostStealShare: health.hostStealShare } : {}),
    eventLoopUtilization: round(health.eventLoopUtilization, 4),
    eventLoopDelayP50Us: health.eventLoopDelayP50Us,
    eventLoopDelayP90Us: health.eventLoopDelayP90Us,
    eventLoopDelayP99Us: health.eventLoopDelayP99Us,
    eventLoopDelayMaxUs: health.eventLoopDelayMaxUs,
    ...(pace
      ? {
          dispatched: pace.dispatched,
          sendLagP50Us: pace.sendLagP50Us,
          sendLagP90Us: pace.sendLagP90Us,
          sendLagP99Us: pace.sendLagP99Us,
          sendLagMaxUs: pace.sendLagMaxUs,
          worstWindowRateShare: pace.worstWindowRateShare,
          ...(pace.worstWindowSecond !== undefined ? { worstWindowSecond: pace.worstWindowSecond } : {}),
        }
      : {}),
  };
}

function label(figures: Pick<GeneratorFigures, 'role' | 'pid'>): string {
  return `${figures.role} (pid ${figures.pid})`;
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

/** A figure in its unit, for reasons and the summary line. */
export function show(value: number, unit: BoundCheck['unit']): string {
  return unit === 'us' ? `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} ms` : pct(value);
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 2 : 1)}%`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
