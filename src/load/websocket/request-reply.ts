import type { WebSocket } from 'ws';
import { wallClockUs } from '../../metrics/clock.js';
import { recordUs } from '../../metrics/histogram.js';
import { seededRandom } from '../../template/render.js';
import { renderFields, REQUEST_STREAM } from './bound-fields.js';
import { connOf, type ConnState } from './conn-state.js';
import type { Conversation } from './conversation.js';
import { fieldAt } from './json-match.js';
import type { Incoming } from './protocols/protocol.js';
import { startRateTicker } from './rate-ticker.js';

/**
 * Correlated requests: sent at a per-connection rate, each kept in `pending` with its intended send
 * time until its reply (matched by ack id or a correlation field), its timeout or the end.
 */

/** Starts the correlated request load over the ready connections. */
export function startRequestTicker(conversation: Conversation, open: ReadonlySet<WebSocket>): void {
  const request = conversation.spec.request;
  if (!request) return;
  const { counters } = conversation.hooks;
  conversation.requestTicker = startRateTicker(open, request.ratePerConnection, sendRequest, (sent) => {
    if (sent > 0) counters.add('ws.requests.sent', sent);
    if (sent > 0) counters.add('ws.messages.sent', sent);
  });
}

function sendRequest(socket: WebSocket, intendedUs: number): boolean {
  const conn = connOf(socket);
  if (!conn?.ready) return false;
  const { conversation } = conn;
  const request = conversation.spec.request!;
  const n = conversation.requestCount++;
  const input = {
    values: { conn: conn.index, requestId: `${conn.index}-${n}`, sentAtUs: wallClockUs() },
    random: seededRandom(conversation.spec.seed, REQUEST_STREAM, n),
  };
  if (request.publish) {
    const ackId = conversation.adapter.publish!(conn, renderFields(conversation.requestPublish!, input));
    if (ackId !== undefined) conversation.pending.set(`${conn.index}:${ackId}`, intendedUs);
  } else if (request.emit) {
    const ackId = conn.nextAckId++;
    conversation.pending.set(`${conn.index}:${ackId}`, intendedUs);
    conn.sendText(conversation.adapter.frameEmit(conn, request.emit.event, conversation.requestEmitData?.(input), ackId));
  } else {
    conversation.pending.set(String(input.values.requestId), intendedUs);
    conn.sendText(conversation.adapter.frameSend(conversation.requestSend!(input)));
  }
  return true;
}

export function matchReply(conn: ConnState, incoming: Incoming, receivedUs: number): void {
  const { conversation } = conn;
  const request = conversation.spec.request!;
  let key: string | undefined;
  if (request.emit || request.publish) key = incoming.ackId === undefined ? undefined : `${conn.index}:${incoming.ackId}`;
  else {
    const value = fieldAt(incoming.json, request.correlate!);
    key = value === undefined ? undefined : String(value);
  }
  if (key === undefined) return;
  const intendedUs = conversation.pending.get(key);
  if (intendedUs === undefined) return;
  conversation.pending.delete(key);
  if (incoming.refused !== undefined) {
    conversation.hooks.counters.add('ws.requests.refused');
    conversation.noteCause('ws.requests.refused', incoming.refused);
    return;
  }
  recordUs(conversation.measured.request, receivedUs - intendedUs);
  conversation.hooks.counters.add('ws.requests.answered');
}

/** Drops the requests older than the request timeout (`pending` is in send order), counted as timeouts. */
export function expireRequests(conversation: Conversation, now: number): void {
  const timeoutUs = conversation.spec.request?.timeoutUs;
  if (timeoutUs === undefined) return;
  let expired = 0;
  for (const [key, intendedUs] of conversation.pending) {
    if (now - intendedUs <= timeoutUs) break;
    conversation.pending.delete(key);
    expired++;
  }
  if (expired > 0) conversation.hooks.counters.add('ws.requests.timeouts', expired);
}
