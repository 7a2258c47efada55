import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { Stripe } from '../load/stripe.js';
import { redactSecrets } from '../result/redact.js';
import type { ScenarioConfig } from '../scenario/schema.js';
import { phasesOf } from './phases.js';

/**
 * `--shard I/N` (or PUSHBENCH_SHARD=I/N): this process runs part I of N, I 0-based so that
 * Kubernetes' JOB_COMPLETION_INDEX fits as is.
 */
export function parseShard(text: string, source = '--shard'): Stripe {
  const match = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new InputError(`${source}: expected I/N with N >= 1 and 0 <= I < N (I is 0-based, like JOB_COMPLETION_INDEX), got "${text}"`);
  }
  return { index, count };
}

/**
 * sha256 over the resolved scenario (secrets excluded) and the shard count: shards of one plan
 * share it, so merge can refuse results of another scenario, other flags, seed or N.
 */
export function planHash(config: ScenarioConfig, count: number): string {
  return createHash('sha256').update(canonicalJson({ scenario: redactSecrets(config), shards: count })).digest('hex');
}

/** JSON with object keys sorted at every level (URLs and other objects with toJSON as their JSON). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/** Why a scenario cannot be split exactly, or undefined when it can: the first reason of one of its phases. */
export function unshardableReason(config: ScenarioConfig, count: number): string | undefined {
  for (const phase of phasesOf(config)) {
    const reason = phase.unshardableReason(config, count);
    if (reason) return reason;
  }
  return undefined;
}
