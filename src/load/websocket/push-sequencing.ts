import { wallClockUs } from '../../metrics/clock.js';
import { recordUs } from '../../metrics/histogram.js';
import { trackSequenceAs } from '../push-sequence.js';
import { connInput } from './bound-fields.js';
import type { ConnState } from './conn-state.js';
import type { DeltaCounters } from './delta-counters.js';
import { matches, pattern } from './incoming-match.js';
import { fieldAt } from './json-match.js';
import type { Incoming } from './protocols/protocol.js';

/** Server pushes: counted, their latency from the timestamp they carry, their sequence per connection. */
export function matchPush(conn: ConnState, incoming: Incoming): void {
  const { conversation } = conn;
  const push = conversation.spec.push!;
  if (!matches(pattern(conversation.pushMatch, conn, connInput), push.event, incoming)) return;
  const counters = conversation.hooks.counters;
  counters.add('ws.push.received');
  const sentAt = Number(fieldAt(incoming.json, push.sentAtPath));
  if (Number.isFinite(sentAt)) recordUs(conversation.measured.push, Math.max(0, wallClockUs() - sentAt * (push.sentAtUnit === 'ms' ? 1_000 : 1)));
  else counters.add('ws.push.noTimestamp');
  if (push.seqPath) trackSequence(conn, Number(fieldAt(incoming.json, push.seqPath)), counters);
}

const WS_PUSH_SEQUENCE = { gaps: 'ws.push.gaps', duplicates: 'ws.push.duplicates', reordered: 'ws.push.reordered' };

/** Per-connection push sequencing (see trackSequenceAs) in the `ws.push.*` counters. */
export function trackSequence(conn: Pick<ConnState, 'pushMaxSeq' | 'pushMissing'>, seq: number, counters: Pick<DeltaCounters, 'add'>): void {
  trackSequenceAs(conn, seq, counters, WS_PUSH_SEQUENCE);
}
