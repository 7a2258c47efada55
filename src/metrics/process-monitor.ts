import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

/** The generator process's own health over a run: is it, rather than the target, the bottleneck? */
export interface ProcessHealth {
  eventLoopDelayP99Us: number;
  eventLoopDelayMaxUs: number;
  eventLoopUtilization: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  maxRssBytes: number;
}

/**
 * The delay monitor's timer period. Each process wakes up this often to sample its own loop: at
 * 500k connections 76 processes share 2 cores, and a 10 ms period cost them ~7,600 wake-ups a second.
 */
const RESOLUTION_MS = 20;
/** The histogram holds whole timer intervals (resolution + delay); the delay is what is past the resolution. */
const toDelayUs = (intervalNs: number): number => Math.max(0, Math.round(intervalNs / 1000) - RESOLUTION_MS * 1000);

/** Starts measuring this process; `stop()` returns what happened since. */
export function startProcessMonitor(): { stop(): ProcessHealth } {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const elu: EventLoopUtilization = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  return {
    stop() {
      delay.disable();
      const used = process.cpuUsage(cpu);
      const utilization = performance.eventLoopUtilization(elu).utilization;
      return {
        eventLoopDelayP99Us: toDelayUs(delay.percentile(99)),
        eventLoopDelayMaxUs: toDelayUs(delay.max),
        eventLoopUtilization: Number.isFinite(utilization) ? Math.min(1, Math.max(0, utilization)) : 0,
        cpuUserMs: Math.round(used.user / 1000),
        cpuSystemMs: Math.round(used.system / 1000),
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      };
    },
  };
}
