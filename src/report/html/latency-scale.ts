/** An axis unit for latencies: values are divided by `divisor` to be shown in `unit`. */
export interface LatencyScale {
  unit: 'µs' | 'ms' | 's';
  divisor: number;
}

/** The unit that keeps the largest value of a chart readable: µs below 1 ms, ms below 10 s, else s. */
export function latencyScale(maxUs: number): LatencyScale {
  if (maxUs < 1_000) return { unit: 'µs', divisor: 1 };
  if (maxUs < 10_000_000) return { unit: 'ms', divisor: 1_000 };
  return { unit: 's', divisor: 1_000_000 };
}

/** Rounds a scaled value to 4 significant digits: enough for a chart, and keeps the embedded JSON small. */
export function roundForChart(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(4));
}
