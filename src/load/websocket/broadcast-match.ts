import { recordUs, type Histogram } from '../../metrics/histogram.js';
import { connInput } from './bound-fields.js';
import type { ConnState } from './conn-state.js';
import type { DeltaCounters } from './delta-counters.js';
import { matches, pattern } from './incoming-match.js';
import { fieldAt } from './json-match.js';
import type { Incoming } from './protocols/protocol.js';

/** Where broadcast arrivals are tallied: the swarm's, shared by built-in and triggered broadcasts. */
export interface BroadcastTally {
  counters: DeltaCounters;
  broadcast: Histogram;
  /** Per broadcast sequence: the latest arrival in this shard (µs after its intended send). */
  broadcastLastUs: Map<number, number>;
}

/** One broadcast arrival: its latency, its count, and the latest arrival of its sequence. */
export function recordBroadcastArrival(tally: BroadcastTally, sequence: number, latencyUs: number): void {
  recordUs(tally.broadcast, latencyUs);
  tally.counters.add('ws.broadcast.received');
  if (latencyUs > (tally.broadcastLastUs.get(sequence) ?? -1)) tally.broadcastLastUs.set(sequence, latencyUs);
}

/** A triggered broadcast's message: broadcast k was triggered at firstAtUs + k x everyUs. */
export function matchBroadcast(conn: ConnState, incoming: Incoming, receivedUs: number): void {
  const { conversation } = conn;
  const broadcast = conversation.spec.broadcast!;
  const schedule = conversation.broadcastSchedule;
  if (!schedule || !matches(pattern(conversation.broadcastMatch, conn, connInput), broadcast.event, incoming)) return;
  const k = Number(fieldAt(incoming.json, broadcast.idPath));
  if (!Number.isInteger(k) || k < 0) return;
  recordBroadcastArrival(conversation.hooks, k, Math.max(0, receivedUs - (schedule.firstAtUs + k * schedule.everyUs)));
}
