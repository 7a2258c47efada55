import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { nowUs } from './clock.js';
import { hostCpuTicks, hostStealShare } from './host-steal.js';

/** One process's own health over a run: is it, rather than the target, the bottleneck? */
export interface ProcessHealth {
  /** Event-loop delay past the monitor's 20 ms timer: p50/p90 show a sustained stall, p99/max a burst. */
  eventLoopDelayP50Us: number;
  eventLoopDelayP90Us: number;
  eventLoopDelayP99Us: number;
  eventLoopDelayMaxUs: number;
  eventLoopUtilization: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** CPU time (user + system) over wall time of the monitored span: 1 = one core all the time. */
  cpuShare: number;
  /**
   * Linux: of the time the event-loop thread was runnable, the share it spent waiting on a run
   * queue rather than running (/proc/thread-self/schedstat: wait / (wait + run)). Absent where
   * the kernel does not say.
   */
  runQueueWaitShare?: number;
  /**
   * Linux: the mean run-queue wait per time the thread got a CPU (schedstat: wait / timeslices):
   * how long, on average, each wake-up waited for a CPU. Tens of µs on an idle core; a core
   * shared with busy processes makes every wake-up wait for their slices (milliseconds).
   */
  runQueueWaitMeanUs?: number;
  /**
   * Linux: of all CPU time of the machine over the window, the share the hypervisor stole (ran
   * other guests while this VM's vCPUs wanted to run). A machine figure, not the process's own.
   */
  hostStealShare?: number;
  /** Wall time the figures cover (µs). */
  wallUs: number;
  maxRssBytes: number;
}

/**
 * The delay monitor's timer period. Each process wakes up this often to sample its own loop: at
 * 500k connections 76 processes share 2 cores, and a 10 ms period cost them ~7,600 wake-ups a second.
 */
const RESOLUTION_MS = 20;
/** The histogram holds whole timer intervals (resolution + delay); the delay is what is past the resolution. */
const toDelayUs = (intervalNs: number): number => Math.max(0, Math.round(intervalNs / 1000) - RESOLUTION_MS * 1000);
const SCHEDSTAT = '/proc/thread-self/schedstat';

/**
 * Nanoseconds the calling thread has run on a CPU and waited on a run queue (runnable, not
 * running) since it started: the first two fields of schedstat. Undefined when the file is
 * missing or unreadable (not Linux, or a kernel without schedstats).
 */
export function schedTimesNs(): SchedTimes | undefined {
  try {
    const [run, wait, slices] = readFileSync(SCHEDSTAT, 'utf8').trim().split(/\s+/).map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) && Number.isFinite(slices) ? { runNs: run!, waitNs: wait!, slices: slices! } : undefined;
  } catch {
    return undefined;
  }
}

/** One reading of schedstat: ns on a CPU, ns waiting on a run queue, timeslices run. */
export interface SchedTimes {
  runNs: number;
  waitNs: number;
  slices: number;
}

/**
 * Between two schedstat readings: wait / (wait + run), and the mean wait per timeslice (µs).
 * Empty without both readings; each figure absent without runnable time or timeslices.
 */
export function runQueueWait(from: SchedTimes | undefined, to: SchedTimes | undefined): Pick<ProcessHealth, 'runQueueWaitShare' | 'runQueueWaitMeanUs'> {
  if (!from || !to) return {};
  const waitNs = Math.max(0, to.waitNs - from.waitNs);
  const runnableNs = waitNs + Math.max(0, to.runNs - from.runNs);
  const slices = Math.max(0, to.slices - from.slices);
  return {
    ...(runnableNs > 0 ? { runQueueWaitShare: round4(waitNs / runnableNs) } : {}),
    ...(slices > 0 ? { runQueueWaitMeanUs: Math.round(waitNs / 1000 / slices) } : {}),
  };
}

/**
 * Starts measuring this process; `stop()` returns what happened since the start or the last
 * `restart()` (which begins the measured window anew, e.g. when the measured load starts).
 */
export function startProcessMonitor(): { stop(): ProcessHealth; restart(): void } {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let startUs = nowUs();
  let schedStart = schedTimesNs();
  let hostStart = hostCpuTicks();
  return {
    restart() {
      delay.reset();
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
      startUs = nowUs();
      schedStart = schedTimesNs();
      hostStart = hostCpuTicks();
    },
    stop() {
      delay.disable();
      const wallUs = Math.max(1, nowUs() - startUs);
      const used = process.cpuUsage(cpu);
      const wait = runQueueWait(schedStart, schedTimesNs());
      const utilization = performance.eventLoopUtilization(elu).utilization;
      const hasSamples = delay.count > 0;
      const steal = hostStealShare(hostStart, hostCpuTicks());
      return {
        eventLoopDelayP50Us: hasSamples ? toDelayUs(delay.percentile(50)) : 0,
        eventLoopDelayP90Us: hasSamples ? toDelayUs(delay.percentile(90)) : 0,
        eventLoopDelayP99Us: hasSamples ? toDelayUs(delay.percentile(99)) : 0,
        eventLoopDelayMaxUs: hasSamples ? toDelayUs(delay.max) : 0,
        eventLoopUtilization: Number.isFinite(utilization) ? Math.min(1, Math.max(0, utilization)) : 0,
        cpuUserMs: Math.round(used.user / 1000),
        cpuSystemMs: Math.round(used.system / 1000),
        cpuShare: round4((used.user + used.system) / wallUs),
        ...wait,
        ...(steal !== undefined ? { hostStealShare: steal } : {}),
        wallUs,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      };
    },
  };
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
