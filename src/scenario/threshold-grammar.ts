/**
 * The threshold grammar, parsed once into data and never evaluated as code:
 *
 *   threshold  := stat op number unit?
 *   stat       := p50 | p90 | p99 | p999 | max | min | mean | count | rate
 *   op         := <  |  <=  |  >  |  >=  |  ==  |  !=
 *   unit       := us | ms | s        (required for the latency stats p50 .. mean)
 *               | %                  (required for rate)
 *                                    (none for count)
 *
 * Examples: "p99 < 50ms", "p999 <= 0.2s", "rate < 0.1%", "count == 0".
 */

export const LATENCY_STATS = ['p50', 'p90', 'p99', 'p999', 'max', 'min', 'mean'] as const;
export const THRESHOLD_STATS = [...LATENCY_STATS, 'count', 'rate'] as const;
export const THRESHOLD_OPS = ['<', '<=', '>', '>=', '==', '!='] as const;

export type LatencyStat = (typeof LATENCY_STATS)[number];
export type ThresholdStat = (typeof THRESHOLD_STATS)[number];
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

/** What the limit is measured in: microseconds, a fraction (0.001 = 0.1%), or a plain number. */
export type ThresholdUnit = 'us' | 'ratio' | 'count';

export interface Threshold {
  /** The text as written, for messages and reports. */
  text: string;
  stat: ThresholdStat;
  op: ThresholdOp;
  /** The limit in `unit`: microseconds for latency stats, a fraction for rate, a number for count. */
  limit: number;
  unit: ThresholdUnit;
}

export type ParsedThreshold = { ok: true; threshold: Threshold } | { ok: false; message: string };

const US_PER_TIME_UNIT: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000 };
const SHAPE = /^\s*([A-Za-z][A-Za-z0-9()]*)\s*([<>=!]+)\s*(\S.*?)?\s*$/;
const NUMBER_WITH_UNIT = /^(\d+(?:\.\d+)?)\s*([A-Za-z%]*)$/;
const EXAMPLE = 'like "p99 < 50ms", "rate < 0.1%" or "count == 0"';

/** Parses one threshold; a problem comes back as a one-line message naming what is wrong. */
export function parseThreshold(text: string): ParsedThreshold {
  const shape = SHAPE.exec(text);
  if (!shape) return fail(`"${text}" is not a threshold: expected <stat> <op> <number><unit>, ${EXAMPLE}`);
  const [, statText = '', opText = '', valueText] = shape;
  const stat = THRESHOLD_STATS.find((candidate) => candidate === statText);
  if (!stat) return fail(`"${text}": unknown statistic "${statText}"; use one of ${THRESHOLD_STATS.join(', ')}`);
  const op = THRESHOLD_OPS.find((candidate) => candidate === opText);
  if (!op) return fail(`"${text}": unknown operator "${opText}"; use one of ${THRESHOLD_OPS.join(' ')}`);
  if (valueText === undefined) return fail(`"${text}": missing the number after "${op}"`);
  const value = NUMBER_WITH_UNIT.exec(valueText);
  if (!value) return fail(`"${text}": "${valueText}" is not a number with an optional unit`);
  const number = Number(value[1]);
  const unitText = value[2] ?? '';
  return withUnit(text, stat, op, number, unitText);
}

function withUnit(text: string, stat: ThresholdStat, op: ThresholdOp, number: number, unitText: string): ParsedThreshold {
  if (stat === 'rate') {
    if (unitText !== '%') return fail(`"${text}": rate needs a percentage, like "rate < 0.1%"`);
    if (number > 100) return fail(`"${text}": a rate cannot exceed 100%`);
    return ok({ text, stat, op, limit: number / 100, unit: 'ratio' });
  }
  if (stat === 'count') {
    if (unitText !== '') return fail(`"${text}": count takes a plain number, without "${unitText}"`);
    return ok({ text, stat, op, limit: number, unit: 'count' });
  }
  const usPerUnit = US_PER_TIME_UNIT[unitText];
  if (usPerUnit === undefined) {
    const got = unitText === '' ? 'no unit' : `"${unitText}"`;
    return fail(`"${text}": ${stat} needs a time unit (us, ms or s), got ${got}; like "${stat} < 50ms"`);
  }
  return ok({ text, stat, op, limit: number * usPerUnit, unit: 'us' });
}

/** Applies the operator. Plain comparisons on numbers: no tolerance, no coercion. */
export function compareWith(measured: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return measured < limit;
    case '<=':
      return measured <= limit;
    case '>':
      return measured > limit;
    case '>=':
      return measured >= limit;
    case '==':
      return measured === limit;
    case '!=':
      return measured !== limit;
  }
}

/** Metric and counter names: dotted words (`webhook.latency`, `ledger.webhook.lost`). */
export const METRIC_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

export function isLatencyStat(stat: ThresholdStat): stat is LatencyStat {
  return (LATENCY_STATS as readonly string[]).includes(stat);
}

function ok(threshold: Threshold): ParsedThreshold {
  return { ok: true, threshold };
}

function fail(message: string): ParsedThreshold {
  return { ok: false, message };
}
