import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { Stripe } from '../load/stripe.js';
import { redactSecrets } from '../result/redact.js';
import type { ScenarioConfig } from '../scenario/schema.js';

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

/** Why a scenario cannot be split exactly, or undefined when it can. */
export function unshardableReason(config: ScenarioConfig, count: number): string | undefined {
  const load = config.webhook?.load;
  if (load?.model === 'closed' && load.connections < count) {
    return `webhook.load.connections (${load.connections}) is fewer than the ${count} shards: every closed-model shard needs at least one connection`;
  }
  if (config.websocket && config.websocket.connections < count) {
    return `websocket.connections (${config.websocket.connections}) is fewer than the ${count} shards: every shard needs at least one connection`;
  }
  if (config.sse && config.sse.connections < count) {
    return `sse.connections (${config.sse.connections}) is fewer than the ${count} shards: every shard needs at least one stream`;
  }
  if (config.websocket?.broadcast?.kind === 'triggered' && count > 1) {
    return 'a triggered broadcast cannot be split over shards yet: its latency counts from the trigger time, which only the process that calls the trigger knows';
  }
  if (config.pipeline) {
    return 'a pipeline scenario cannot be split over shards yet: its ledger needs every accepted event and every subscriber in one process';
  }
  if (config.delivery) {
    return 'a delivery scenario cannot be split over shards: its ledger follows one event stream through every transport with one set of subscribers, so it runs on one machine';
  }
  return undefined;
}
