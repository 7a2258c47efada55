import type { GeneratorHealth } from '../generator-health.js';
import type { LiveSource } from '../live-output.js';
import { readSlots } from './buckets.js';
import { gaugeName, type SeriesSnapshot } from './series.js';

/** The counter in result.json that counts writes given up (after retries). */
export const FAILURES_COUNTER = 'output.prometheus.failures';

/** Gauges every write carries besides the recorder's own (`pushbench_<gauge>`). */
export const LIVE_GAUGES = [
  'pushbench_open_connections',
  'pushbench_in_flight_requests',
  'pushbench_generator_event_loop_delay_p99_seconds',
  'pushbench_generator_event_loop_delay_max_seconds',
  'pushbench_generator_cpu_utilization',
] as const;

/**
 * All a write takes from the generator's thread: counters, gauges, and each histogram's HDR slot
 * counts copied into a typed array whose buffer is transferred to the worker (no clone). Building
 * the series, encoding and sending are the worker's.
 */
export function takeSnapshot(source: LiveSource, health: GeneratorHealth | undefined, failures: number): { snapshot: SeriesSnapshot; transfer: ArrayBuffer[] } {
  const { recorder } = source;
  const levels = source.levels();
  const gauges: Array<[string, number]> = recorder.gaugeEntries().map(([name, value]) => [gaugeName(name), value]);
  gauges.push([LIVE_GAUGES[0], levels?.openConnections ?? 0], [LIVE_GAUGES[1], levels?.inFlight ?? 0]);
  if (health) gauges.push(...Object.entries(health.read()));
  const histograms = recorder.histogramEntries().map(([name, histogram]) => [name, readSlots(histogram)] as const);
  return {
    snapshot: { histograms, counters: [...recorder.counterEntries(), [FAILURES_COUNTER, failures]], gauges },
    transfer: histograms.map(([, slots]) => slots.slots.buffer as ArrayBuffer),
  };
}
