import { InputError } from '../errors.js';
import { parseDurationUs } from '../scenario/duration.js';
import { LATENCY_STATS, METRIC_NAME_PATTERN, type LatencyStat } from '../scenario/threshold-grammar.js';

/**
 * How much worse the current result may be than the baseline before compare calls it a regression.
 * Latency stats and throughput are relative to the baseline (0.10 = 10% slower / 10% fewer per
 * second); `errors` and `loss` are absolute rate increases in percentage points (0.001 = +0.1 pp),
 * because a baseline of 0 errors has no relative change. `null` = reported, never a regression.
 */
export type GateKey = LatencyStat | 'throughput' | 'errors' | 'loss';
export const GATE_KEYS: readonly GateKey[] = [...LATENCY_STATS, 'throughput', 'errors', 'loss'];

export interface Tolerances {
  /** Tolerance per key, for every metric. */
  byKey: Record<GateKey, number | null>;
  /** Overrides for one metric's stat, keyed `<metric>.<stat>` (e.g. `webhook.latency.p999`). */
  byMetricStat: Record<string, number | null>;
  /** A latency change smaller than this (µs) is never a regression, whatever its percentage. */
  minChangeUs: number;
}

/** The documented defaults (docs/readme-gate.md explains the choice). */
export const DEFAULT_TOLERANCES: Readonly<Record<GateKey, number | null>> = {
  p50: 0.1,
  p90: 0.15,
  p99: 0.25,
  p999: 0.5,
  mean: 0.1,
  max: null,
  min: null,
  throughput: 0.1,
  errors: 0.001,
  loss: 0,
};

/** Sub-millisecond changes are scheduler jitter on a shared CI runner, not a regression. */
export const DEFAULT_MIN_CHANGE_US = 500;

export function defaultTolerances(): Tolerances {
  return { byKey: { ...DEFAULT_TOLERANCES }, byMetricStat: {}, minChangeUs: DEFAULT_MIN_CHANGE_US };
}

const FLAG = '--max-regression';

/**
 * Parses `p99=10%,throughput=5%,p999=off,webhook.latency.p50=20%,minChange=1ms` over the defaults.
 * Each value is a percentage (`10%`) or `off`; `minChange` takes a duration. A bad entry is an
 * InputError naming the flag and the entry.
 */
export function parseMaxRegression(text: string | undefined, base: Tolerances = defaultTolerances()): Tolerances {
  const tolerances: Tolerances = { byKey: { ...base.byKey }, byMetricStat: { ...base.byMetricStat }, minChangeUs: base.minChangeUs };
  if (text === undefined || text.trim() === '') return tolerances;
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [key = '', value, ...rest] = entry.split('=').map((part) => part.trim());
    if (value === undefined || rest.length > 0) throw new InputError(`${FLAG}: "${entry}" is not key=value, like p99=10% or p999=off`);
    if (key === 'minChange') {
      const us = parseDurationUs(value);
      if (us === undefined) throw new InputError(`${FLAG}: "${entry}": expected a duration like 0.5ms or 2ms`);
      tolerances.minChangeUs = us;
      continue;
    }
    const target = toleranceTarget(key);
    const tolerance = parseTolerance(entry, value);
    if (target === 'key') tolerances.byKey[key as GateKey] = tolerance;
    else tolerances.byMetricStat[key] = tolerance;
  }
  return tolerances;
}

/** `key` for p99, throughput, ...; `metricStat` for webhook.latency.p99. */
function toleranceTarget(key: string): 'key' | 'metricStat' {
  if ((GATE_KEYS as readonly string[]).includes(key)) return 'key';
  const dot = key.lastIndexOf('.');
  const metric = key.slice(0, dot);
  const stat = key.slice(dot + 1);
  if (dot > 0 && METRIC_NAME_PATTERN.test(metric) && (LATENCY_STATS as readonly string[]).includes(stat)) return 'metricStat';
  throw new InputError(`${FLAG}: "${key}" is not a known key; use ${GATE_KEYS.join(', ')}, minChange or <metric>.<stat> like webhook.latency.p99`);
}

function parseTolerance(entry: string, value: string): number | null {
  if (value === 'off') return null;
  const match = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (!match) throw new InputError(`${FLAG}: "${entry}": expected a percentage like 10% or "off", got "${value}"`);
  return Number(match[1]) / 100;
}

export function latencyTolerance(tolerances: Tolerances, metric: string, stat: LatencyStat): number | null {
  const specific = tolerances.byMetricStat[`${metric}.${stat}`];
  return specific !== undefined ? specific : tolerances.byKey[stat];
}
