import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 20;

/** The generator's health since the last read, as Prometheus gauges (final names). */
export interface HealthGauges {
  pushbench_generator_event_loop_delay_p99_seconds: number;
  pushbench_generator_event_loop_delay_max_seconds: number;
  /** CPU seconds this process used per wall-clock second (1 = one core busy). */
  pushbench_generator_cpu_utilization: number;
}

/**
 * Event-loop delay and CPU of this process, reset at each read, so each write shows the interval
 * it covers. The run's own figures for result.json come from metrics/process-monitor.ts.
 */
export class GeneratorHealth {
  private readonly delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private cpu = process.cpuUsage();
  private wallMs = performance.now();

  constructor() {
    this.delay.enable();
  }

  read(): HealthGauges {
    const used = process.cpuUsage(this.cpu);
    const nowMs = performance.now();
    const wallMs = Math.max(1, nowMs - this.wallMs);
    const delayUs = (ns: number): number => (this.delay.count === 0 ? 0 : Math.max(0, ns / 1000 - RESOLUTION_MS * 1000));
    const gauges: HealthGauges = {
      pushbench_generator_event_loop_delay_p99_seconds: delayUs(this.delay.percentile(99)) / 1e6,
      pushbench_generator_event_loop_delay_max_seconds: delayUs(this.delay.max) / 1e6,
      pushbench_generator_cpu_utilization: Math.round(((used.user + used.system) / 1000 / wallMs) * 1000) / 1000,
    };
    this.delay.reset();
    this.cpu = process.cpuUsage();
    this.wallMs = nowMs;
    return gauges;
  }

  stop(): void {
    this.delay.disable();
  }
}
