import type { WebSocket } from 'ws';
import { wallClockUs } from '../../metrics/clock.js';
import { recordUs } from '../../metrics/histogram.js';
import { jsonTemplateNeeds } from '../../template/json-template.js';
import { seededRandom } from '../../template/render.js';
import { renderFields, REQUEST_STREAM } from './bound-fields.js';
import { connOf, type ConnState } from './conn-state.js';
import type { ConversationSpec } from './conversation-spec.js';
import type { Conversation } from './conversation.js';
import { fieldAt } from './json-match.js';
import type { Incoming } from './protocols/protocol.js';
import { startRateTicker } from './rate-ticker.js';

/**
 * Correlated requests: sent at a per-connection rate, each kept in `pending` with its intended send
 * time until its reply (matched by ack id or a correlation field), its timeout or the end.
 */

/** What a request's template reads: values not read are not computed per request. */
export interface RequestNeeds {
  variables: Set<string>;
  random: boolean;
}

/** Ack keys of `pending`: a number per (connection, ack id), unique while ack ids stay below 2^33 per connection. */
const MAX_CONNECTION_INDEX_SPAN = 1_048_576;
const NO_RANDOM = (): number => 0;

/** Starts the correlated request load over the ready connections. */
export function startRequestTicker(conversation: Conversation, open: ReadonlySet<WebSocket>): void {
  const request = conversation.spec.request;
  if (!request) return;
  const { counters } = conversation.hooks;
  conversation.requestTicker = startRateTicker(open, request.ratePerConnection, sendRequest, (sent, _lateUs, backpressured) => {
    if (sent > 0) counters.add('ws.requests.sent', sent);
    if (sent > 0) counters.add('ws.messages.sent', sent);
    if (backpressured > 0) counters.add('ws.requests.backpressured', backpressured);
  });
}

/** Variables a request template reads; a raw request always needs its id (the correlation key). */
export function requestNeedsOf(spec: ConversationSpec): RequestNeeds {
  const request = spec.request;
  const templates = request?.emit ? request.emit.args : request?.send ? [request.send] : [];
  const needs = { variables: new Set<string>(request?.send ? ['requestId'] : []), random: false };
  for (const template of templates) {
    const own = jsonTemplateNeeds(template);
    for (const name of own.variables) needs.variables.add(name);
    needs.random ||= own.random;
  }
  // A publish's fields (topic, payload, ...) are plain templates.
  for (const field of Object.values(request?.publish ?? {})) {
    if (typeof field !== 'object') continue;
    for (const part of field.parts) {
      if (part.kind === 'var') needs.variables.add(part.name);
      else if (part.kind === 'uuid' || part.kind === 'randInt' || part.kind === 'randString') needs.random = true;
    }
  }
  return needs;
}

function sendRequest(socket: WebSocket, intendedUs: number): boolean {
  const conn = connOf(socket);
  if (!conn?.ready) return false;
  const { conversation } = conn;
  const request = conversation.spec.request!;
  const n = conversation.requestCount++;
  const { variables, random } = conversation.requestNeeds;
  // Per request only what the template reads: a seeded random source, the id text and the wall clock each cost.
  const input = {
    values: {
      conn: conn.index,
      requestId: variables.has('requestId') ? `${conn.index}-${n}` : undefined,
      sentAtUs: variables.has('sentAtUs') ? wallClockUs() : undefined,
    },
    random: random ? seededRandom(conversation.spec.seed, REQUEST_STREAM, n) : NO_RANDOM,
  };
  if (request.publish) {
    const ackId = conversation.adapter.publish!(conn, renderFields(conversation.requestPublish!, input));
    if (ackId !== undefined) conversation.pending.set(ackId * MAX_CONNECTION_INDEX_SPAN + conn.index, intendedUs);
  } else if (request.emit) {
    const ackId = conn.nextAckId++;
    conversation.pending.set(ackId * MAX_CONNECTION_INDEX_SPAN + conn.index, intendedUs);
    conn.sendText(conversation.adapter.frameEmit(conn, request.emit.event, conversation.requestEmitArgs?.(input), ackId));
  } else {
    conversation.pending.set(input.values.requestId!, intendedUs);
    conn.sendText(conversation.adapter.frameSend(conversation.requestSend!(input)));
  }
  return true;
}

export function matchReply(conn: ConnState, incoming: Incoming, receivedUs: number): void {
  const { conversation } = conn;
  const request = conversation.spec.request!;
  let key: string | number | undefined;
  if (request.emit || request.publish) key = incoming.ackId === undefined ? undefined : incoming.ackId * MAX_CONNECTION_INDEX_SPAN + conn.index;
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
    conversation.hooks.causes.note('ws.requests.refused', incoming.refused);
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
  if (expired > 0) {
    conversation.hooks.counters.add('ws.requests.timeouts', expired);
    conversation.hooks.causes.note('ws.requests.timeouts', `no reply within ${timeoutUs / 1e6}s of the intended send time`, expired);
  }
}
