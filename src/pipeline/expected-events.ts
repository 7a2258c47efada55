import { BodySource, type EventValues } from '../load/webhook/body-source.js';
import { buildSchedule } from '../load/schedule.js';
import type { Stripe } from '../load/stripe.js';
import { fieldAt } from '../load/websocket/json-match.js';
import type { PipelineConfig } from '../scenario/pipeline-schema.js';
import type { PipelineLedger } from './ledger.js';

/**
 * A shard, before the start: registers every event of the global schedule in the ledger by the
 * correlation value its body will carry (built from the seed, as whichever shard sends it builds
 * it) and its offset from the start. Events without a correlation value are not registered, as
 * unsharded. Returns how many events the global schedule has.
 */
export function expectEveryEvent(ledger: PipelineLedger, config: PipelineConfig, seed: number, stripe: Stripe): number {
  const load = config.ingest.load;
  if (load.model !== 'open') throw new Error('a sharded pipeline needs an open-model ingest load');
  const schedule = buildSchedule(load);
  const bodies = new BodySource(config.ingest.payload, seed);
  // Time-derived values (timestamp, isoTime) are only guesses here: a correlation field holding one is caught when written.
  ledger.expectSchedule(schedule.expectedCount);
  const nowMs = Date.now();
  const values: EventValues = { id: '', seq: 0, timestamp: Math.floor(nowMs / 1000), timestampMs: nowMs, isoTime: new Date(nowMs).toISOString() };
  for (let seq = 0; seq < schedule.expectedCount; seq++) {
    const offsetUs = schedule.offsetUs(seq);
    if (offsetUs === undefined) break;
    if (!bodies.has(seq)) continue;
    values.id = bodies.events.idOf(seq);
    values.seq = seq;
    const value = correlationValueOfBody(bodies.body(values, offsetUs), config.correlate.ingest);
    if (value !== undefined) ledger.expect(seq, value, offsetUs, seq % stripe.count === stripe.index);
  }
  return schedule.expectedCount;
}

/** The correlation value in a JSON body, as text (undefined: not JSON or no such field). */
export function correlationValueOfBody(body: string, path: readonly string[]): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const value = fieldAt(json, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
