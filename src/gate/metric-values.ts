import { parseDurationUs } from '../scenario/duration.js';
import type { RunResult } from '../result/run-result.js';

/**
 * How gate names resolve against a result's counters. One place, so thresholds, compare and the
 * README say the same thing.
 *
 * - A counter value: the counter `name` itself when it exists, otherwise the sum of every counter
 *   named `name.*` (a group: `webhook.errors` = `webhook.errors.timeout` + `webhook.errors.5xx` + ...).
 *   A name with no counter at all counts 0 (pushbench only writes a counter once it happens).
 * - A rate: that value divided by the group's denominator counter (RATE_DENOMINATORS).
 */

export type Counters = Readonly<Record<string, number>>;

export interface CounterValue {
  value: number;
  /** False when neither `name` nor any `name.*` counter exists in the result. */
  recorded: boolean;
}

export function counterValue(counters: Counters, name: string): CounterValue {
  const exact = counters[name];
  if (exact !== undefined) return { value: exact, recorded: true };
  const prefix = `${name}.`;
  let sum = 0;
  let recorded = false;
  for (const [counter, value] of Object.entries(counters)) {
    if (counter.startsWith(prefix)) {
      sum += value;
      recorded = true;
    }
  }
  return { value: sum, recorded };
}

/**
 * The counter a rate divides by, chosen by the name's prefix (first match wins):
 * `ledger.<transport>.*` -> `ledger.<transport>.published`, `ws.connections.*` -> `ws.connections.opened`,
 * `ws.*` -> `ws.messages.sent`, `receiver.*` -> `receiver.received`, anything else `<area>.*` -> `<area>.sent`
 * (so `webhook.errors` -> `webhook.sent`).
 */
export function rateDenominator(name: string): string {
  const ledger = /^ledger\.([^.]+)\./.exec(name);
  if (ledger) return `ledger.${ledger[1]}.published`;
  if (name.startsWith('ws.connections.')) return 'ws.connections.opened';
  if (name.startsWith('ws.')) return 'ws.messages.sent';
  if (name.startsWith('receiver.')) return 'receiver.received';
  const area = name.split('.')[0] ?? name;
  return `${area}.sent`;
}

export interface RateValue {
  /** The fraction (0.001 = 0.1%), or undefined when the denominator is 0 while the numerator is not. */
  ratio: number | undefined;
  numerator: number;
  denominator: number;
  denominatorName: string;
  recorded: boolean;
}

export function rateValue(counters: Counters, name: string): RateValue {
  const numerator = counterValue(counters, name);
  const denominatorName = rateDenominator(name);
  const denominator = counters[denominatorName] ?? 0;
  const ratio = denominator > 0 ? numerator.value / denominator : numerator.value === 0 ? 0 : undefined;
  return { ratio, numerator: numerator.value, denominator, denominatorName, recorded: numerator.recorded };
}

/** Counters whose sum is "errors" for compare: every `<area>.errors.*` counter, over `<area>.sent`. */
export function errorRate(counters: Counters): number {
  let errors = 0;
  let sent = 0;
  for (const [name, value] of Object.entries(counters)) {
    if (/^[^.]+\.errors\./.test(name)) errors += value;
    if (/^[^.]+\.sent$/.test(name)) sent += value;
  }
  return sent > 0 ? errors / sent : 0;
}

/** Loss for compare: every `ledger.<transport>.lost` over every `ledger.<transport>.published`; 0 without a ledger. */
export function lossRate(counters: Counters): number {
  let lost = 0;
  let published = 0;
  for (const [name, value] of Object.entries(counters)) {
    if (/^ledger\.[^.]+\.lost$/.test(name)) lost += value;
    if (/^ledger\.[^.]+\.published$/.test(name)) published += value;
  }
  return published > 0 ? lost / published : 0;
}

/** True when the result has a delivery ledger (so loss means something). */
export function hasLedger(counters: Counters): boolean {
  return Object.keys(counters).some((name) => /^ledger\.[^.]+\.published$/.test(name));
}

/**
 * Throughput: successful requests (`webhook.ok`) per second of the planned load window
 * (`plannedWindowUs`); without one, per second of the whole run (`durationMs`).
 */
export function throughputPerSec(result: Pick<RunResult, 'counters' | 'plannedWindowUs' | 'durationMs' | 'scenario'>): number {
  const ok = result.counters['webhook.ok'] ?? 0;
  const seconds = (result.plannedWindowUs ?? legacyWindowUs(result.scenario.config) ?? result.durationMs * 1000) / 1e6;
  return seconds > 0 ? ok / seconds : 0;
}

/** Results written before `plannedWindowUs` existed: the webhook load duration as written in the scenario. */
function legacyWindowUs(config: Readonly<Record<string, unknown>>): number | undefined {
  const duration = (config.webhook as { load?: { duration?: unknown } } | undefined)?.load?.duration;
  return typeof duration === 'string' ? parseDurationUs(duration) : undefined;
}
