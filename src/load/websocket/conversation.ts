import type { WebSocket } from 'ws';
import type { CauseBook } from '../../metrics/causes.js';
import { nowUs, wallClockUs } from '../../metrics/clock.js';
import { createHistogram, recordUs, type Histogram } from '../../metrics/histogram.js';
import { bindJsonTemplate, bindJsonValue, jsonTemplateNeeds, joinJsonTemplates, type BoundJsonValue, type JsonTemplate } from '../../template/json-template.js';
import { bindTemplate, seededRandom, type RenderFn, type RenderInput } from '../../template/render.js';
import type { Template } from '../../template/template.js';
import { closeCause } from './connect-error.js';
import type { ConversationSpec } from './conversation-spec.js';
import type { DeltaCounters } from './delta-counters.js';
import { fieldAt, matchesSubset } from './json-match.js';
import type { AdapterConnection, Incoming, ProtocolFields, WsProtocolAdapter } from './protocols/protocol.js';
import { protocolAdapter } from './protocols/registry.js';
import { startRateTicker, type RateTicker } from './rate-ticker.js';
import { trackSequenceAs } from '../push-sequence.js';

/**
 * A client shard's conversations with a real server, one per connection: the protocol handshake
 * (adapter), the `onOpen` steps, correlated requests, server pushes and triggered broadcasts. The
 * swarm owns sockets and the ramp; this module owns what is said on them. Per connection it keeps
 * one small ConnState (methods on its prototype, no closures); shared state is module-level.
 */

/** What the conversation measured; merged into the shard's result. */
export interface ConversationMeasurements {
  handshake: Histogram;
  request: Histogram;
  push: Histogram;
}

export interface ConversationHooks {
  counters: DeltaCounters;
  /** Why handshakes failed and requests timed out. */
  causes: CauseBook;
  /** The broadcast histograms of the swarm (shared with the built-in broadcast). */
  broadcast: Histogram;
  broadcastLastUs: Map<number, number>;
  onReady(socket: WebSocket): void;
  /** The connection failed its handshake or a step; it has been terminated and counted. */
  onFailed(socket: WebSocket): void;
}

type BoundStep =
  | { kind: 'send'; render: RenderFn }
  | { kind: 'emit'; event: string; args: RenderFn | undefined; ack: boolean }
  | { kind: 'expect'; match: BoundMatch | undefined; event: string | undefined; timeoutUs: number }
  | { kind: 'subscribe'; fields: BoundFields };

/** Templated fields (rendered per use) beside plain numbers: a subscribe step, a publish, the handshake. */
type BoundFields = Array<[string, RenderFn | number]>;

/** A `match` pattern, rendered for one connection (constant patterns are parsed once). */
type BoundMatch = BoundJsonValue;

function pattern(match: BoundMatch | undefined, conn: ConnState, input: (conn: ConnState) => RenderInput): unknown {
  if (match === undefined) return undefined;
  return 'constant' in match ? match.constant : match.render(input(conn));
}

interface State {
  spec: ConversationSpec;
  adapter: WsProtocolAdapter;
  hooks: ConversationHooks;
  measured: ConversationMeasurements;
  headers: Array<[string, RenderFn]>;
  query: Array<[string, RenderFn]>;
  steps: BoundStep[];
  requestSend: RenderFn | undefined;
  requestEmitArgs: RenderFn | undefined;
  requestPublish: BoundFields | undefined;
  handshakeFields: BoundFields;
  /** The adapter's subprotocols, then the scenario's. */
  subprotocols: string[];
  pushMatch: BoundMatch | undefined;
  broadcastMatch: BoundMatch | undefined;
  /** Connections between upgrade and ready. */
  handshaking: Set<ConnState>;
  /** Requests in flight: key -> intended send time (insertion order is send order). */
  pending: Map<string | number, number>;
  /** What a request's template reads: values not read are not computed per request. */
  requestNeeds: { variables: Set<string>; random: boolean };
  requestCount: number;
  requestTicker: RateTicker | undefined;
  sweeper: NodeJS.Timeout;
  broadcastSchedule: { firstAtUs: number; everyUs: number } | undefined;
  /** Target URL -> the adapter's decoration of it. */
  decorated: Map<string, string>;
}

const SWEEP_INTERVAL_MS = 50;
/** Render streams: each draws its own seeded numbers, so adding one use never changes another's. */
const CONNECT_STREAM = 1;
const STEP_STREAM = 2;
const REQUEST_STREAM = 3;

let state: State | undefined;

/** One connection's conversation state. */
export class ConnState implements AdapterConnection {
  protocolPhase = 0;
  nextAckId = 0;
  step = 0;
  /** Handshake or the current expect step must finish by then (monotonic µs). */
  deadlineUs = 0;
  /** Ack id an `emit ... ack: true` step waits for, or -1. */
  awaitingAckId = -1;
  openedAtUs = 0;
  ready = false;
  /** The protocol handshake is done and the onOpen steps run. */
  inSteps = false;
  /** Why the protocol ended a held connection (socket.io disconnect), for its drop's cause. */
  dropCause: string | undefined = undefined;
  /** While handshaking: the last text frame that arrived (what came instead, when a step times out). */
  lastText: string | undefined = undefined;
  pushMaxSeq = Number.NaN;
  pushMissing: Set<number> | undefined;
  protocolState: unknown = undefined;

  constructor(
    readonly socket: WebSocket,
    readonly index: number,
    readonly namespace: string,
  ) {}

  sendText(text: string): void {
    this.socket.send(text);
  }

  protocolReady(): void {
    runSteps(this);
  }

  sendBinary(data: Uint8Array): void {
    this.socket.send(data);
  }

  fail(reason: string): void {
    failConnection(this, reason);
  }

  protocolError(counter: string, cause: string): void {
    state!.hooks.counters.add(counter);
    state!.hooks.causes.note(counter, cause);
    if (!this.ready) failConnection(this, cause);
  }

  isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }
}

export function startConversation(spec: ConversationSpec, hooks: ConversationHooks): void {
  if (state) throw new Error('one conversation module per process');
  const bindAll = (record: Record<string, Template>): Array<[string, RenderFn]> => Object.entries(record).map(([name, template]) => [name, bindTemplate(template)]);
  state = {
    spec,
    adapter: protocolAdapter(spec.protocol),
    hooks,
    measured: { handshake: createHistogram(), request: createHistogram(), push: createHistogram() },
    headers: bindAll(spec.headers),
    query: bindAll(spec.query),
    steps: spec.onOpen.map(bindStep),
    requestSend: spec.request?.send ? bindJsonTemplate(spec.request.send) : undefined,
    requestEmitArgs: spec.request?.emit ? bindArgs(spec.request.emit.args) : undefined,
    requestPublish: spec.request?.publish ? bindFields(spec.request.publish) : undefined,
    handshakeFields: bindFields(spec.handshake),
    subprotocols: [...(protocolAdapter(spec.protocol).subprotocols ?? []), ...spec.subprotocols],
    pushMatch: spec.push?.match ? bindJsonValue(spec.push.match) : undefined,
    broadcastMatch: spec.broadcast?.match ? bindJsonValue(spec.broadcast.match) : undefined,
    handshaking: new Set(),
    pending: new Map(),
    requestNeeds: requestNeedsOf(spec),
    requestCount: 0,
    requestTicker: undefined,
    sweeper: setInterval(sweep, SWEEP_INTERVAL_MS),
    broadcastSchedule: undefined,
    decorated: new Map(),
  };
}

function bindStep(step: ConversationSpec['onOpen'][number]): BoundStep {
  if ('send' in step) return { kind: 'send', render: bindJsonTemplate(step.send) };
  if ('emit' in step) return { kind: 'emit', event: step.emit.event, args: bindArgs(step.emit.args), ack: step.emit.ack };
  if ('subscribe' in step) return { kind: 'subscribe', fields: bindFields(step.subscribe) };
  return { kind: 'expect', match: step.expect.match ? bindJsonValue(step.expect.match) : undefined, event: step.expect.event, timeoutUs: step.expect.timeout };
}

/** The JSON text of an emit's arguments, comma-separated (undefined when it has none). */
function bindArgs(args: readonly JsonTemplate[]): RenderFn | undefined {
  return args.length === 0 ? undefined : bindJsonTemplate(joinJsonTemplates(args));
}

function stepInput(conn: ConnState): RenderInput {
  return { values: { conn: conn.index, seq: conn.step }, random: seededRandom(state!.spec.seed, STEP_STREAM, conn.index * 1_000 + conn.step) };
}

function connInput(conn: ConnState): RenderInput {
  return { values: { conn: conn.index }, random: seededRandom(state!.spec.seed, CONNECT_STREAM, conn.index) };
}

function bindFields(fields: Readonly<Record<string, Template | number | undefined>>): BoundFields {
  const bound: BoundFields = [];
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) bound.push([name, typeof value === 'number' ? value : bindTemplate(value)]);
  return bound;
}

function renderFields(fields: BoundFields, input: RenderInput): ProtocolFields {
  const rendered: Record<string, string | number> = {};
  for (const [name, value] of fields) rendered[name] = typeof value === 'number' ? value : value(input);
  return rendered;
}

export function conversationMeasurements(): ConversationMeasurements | undefined {
  return state?.measured;
}

/** URL, subprotocols and headers of connection `index` (templates rendered with {{conn}}). */
export function connectArgs(target: string, index: number): { url: string; protocols: string[]; headers: Record<string, string> } {
  const conversation = state!;
  const base = decoratedTarget(conversation, target);
  const input = { values: { conn: index }, random: seededRandom(conversation.spec.seed, CONNECT_STREAM, index) };
  let url = base;
  if (conversation.query.length > 0) {
    const withQuery = new URL(base);
    for (const [name, render] of conversation.query) withQuery.searchParams.set(name, render(input));
    url = withQuery.href;
  }
  const headers: Record<string, string> = {};
  for (const [name, render] of conversation.headers) headers[name] = render(input);
  return { url, protocols: conversation.subprotocols, headers };
}

/** A target as the adapter decorates it, once per target (not once per connection). */
function decoratedTarget(conversation: State, target: string): string {
  let decorated = conversation.decorated.get(target);
  if (decorated === undefined) {
    const url = new URL(target);
    conversation.adapter.decorateUrl(url);
    decorated = url.href;
    conversation.decorated.set(target, decorated);
  }
  return decorated;
}

/** The upgrade of `socket` (connection `index`) completed: the protocol handshake starts. */
export function conversationOpened(socket: WebSocket, index: number, openedAtUs: number): void {
  const conversation = state!;
  const conn = new ConnState(socket, index, conversation.spec.namespace);
  conn.openedAtUs = openedAtUs;
  conn.deadlineUs = openedAtUs + conversation.spec.handshakeTimeoutUs;
  (socket as SocketWithConn).conn = conn;
  conversation.handshaking.add(conn);
  const handshake = conversation.handshakeFields.length === 0 ? {} : renderFields(conversation.handshakeFields, { values: { conn: index }, random: seededRandom(conversation.spec.seed, CONNECT_STREAM, index) });
  conversation.adapter.opened(conn, handshake);
}

interface SocketWithConn extends WebSocket {
  conn?: ConnState;
}

/** A socket closed: true when it was still in its handshake (counted as a failed handshake here). */
export function conversationClosed(socket: WebSocket, code: number, reason: Buffer): boolean {
  const conn = (socket as SocketWithConn).conn;
  if (!conn || conn.ready || !state!.handshaking.delete(conn)) return false;
  state!.hooks.counters.add(HANDSHAKE_FAILED);
  state!.hooks.causes.note(HANDSHAKE_FAILED, `${where(conn)}: the server closed the connection: ${closeCause(code, reason)}`);
  return true;
}

const HANDSHAKE_FAILED = 'ws.connections.failed.handshake';

/** Why the protocol ended a held connection, when it did (the close that follows is ours, not the server's). */
export function conversationDropCause(socket: WebSocket): string | undefined {
  return (socket as SocketWithConn).conn?.dropCause;
}
/** Shown of a message that arrived instead of the one a step waited for. */
const ARRIVED_CHARS = 200;

/** Which part of the handshake a connection is in, as a cause names it. */
function where(conn: ConnState): string {
  if (!conn.inSteps) return `${state!.spec.protocol} handshake`;
  const step = state!.steps[conn.step];
  if (!step) return 'onOpen';
  const what = step.kind === 'expect' ? `expect ${step.event ?? describeMatch(step.match, conn)}` : step.kind === 'emit' ? `emit ${step.event}${conn.awaitingAckId >= 0 ? ' (waiting for its ack)' : ''}` : 'send';
  return `onOpen step ${conn.step} (${what})`;
}

function describeMatch(match: BoundMatch | undefined, conn: ConnState): string {
  return JSON.stringify(pattern(match, conn, stepInput)) ?? '?';
}

function timeoutCause(conn: ConnState): string {
  const arrived = conn.lastText === undefined ? 'nothing arrived' : `last arrived: ${conn.lastText.slice(0, ARRIVED_CHARS)}`;
  return `${where(conn)} timed out; ${arrived}`;
}

function runSteps(conn: ConnState): void {
  const conversation = state!;
  const { steps } = conversation;
  conn.inSteps = true;
  while (conn.step < steps.length) {
    const step = steps[conn.step]!;
    const input = stepInput(conn);
    if (step.kind === 'expect') {
      conn.deadlineUs = nowUs() + step.timeoutUs;
      return;
    }
    if (step.kind === 'send') conn.sendText(conversation.adapter.frameSend(step.render(input)));
    else if (step.kind === 'subscribe') {
      const ackId = conversation.adapter.subscribe!(conn, renderFields(step.fields, input));
      if (ackId !== undefined) {
        conn.awaitingAckId = ackId;
        conn.deadlineUs = nowUs() + conversation.spec.handshakeTimeoutUs;
        return;
      }
    } else {
      const ackId = step.ack ? conn.nextAckId++ : undefined;
      conn.sendText(conversation.adapter.frameEmit(conn, step.event, step.args?.(input), ackId));
      if (ackId !== undefined) {
        conn.awaitingAckId = ackId;
        conn.deadlineUs = nowUs() + conversation.spec.handshakeTimeoutUs;
        return;
      }
    }
    conn.step++;
  }
  becomeReady(conn);
}

function becomeReady(conn: ConnState): void {
  const conversation = state!;
  conversation.handshaking.delete(conn);
  conn.ready = true;
  conn.lastText = undefined;
  if (conversation.steps.length > 0 || conversation.spec.protocol !== 'raw') recordUs(conversation.measured.handshake, nowUs() - conn.openedAtUs);
  conversation.hooks.onReady(conn.socket);
}

function failConnection(conn: ConnState, reason: string): void {
  const conversation = state!;
  if (conn.ready) {
    conn.dropCause = reason;
    conn.socket.terminate(); // the server ended the session (socket.io disconnect): a drop, counted on close
    return;
  }
  if (!conversation.handshaking.delete(conn)) return;
  conversation.hooks.counters.add(HANDSHAKE_FAILED);
  conversation.hooks.causes.note(HANDSHAKE_FAILED, reason === TIMED_OUT ? timeoutCause(conn) : `${where(conn)}: ${reason}`);
  conn.socket.terminate();
  conversation.hooks.onFailed(conn.socket);
}

/** Expires handshakes, expect steps and requests that ran out of time. */
function sweep(): void {
  const conversation = state!;
  const now = nowUs();
  for (const conn of conversation.handshaking) if (now > conn.deadlineUs) failConnection(conn, TIMED_OUT);
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

const TIMED_OUT = 'timed out';

/** One text frame from the server. */
export function conversationReceived(socket: WebSocket, text: string, receivedUs: number): void {
  const conn = (socket as SocketWithConn).conn;
  if (!conn) return;
  const conversation = state!;
  if (!conn.ready) conn.lastText = text;
  const incoming = conversation.adapter.receive(conn, text);
  if (incoming) handleIncoming(conn, incoming, receivedUs);
}

function handleIncoming(conn: ConnState, incoming: Incoming, receivedUs: number): void {
  const conversation = state!;
  if (!conn.ready) {
    advanceHandshake(conn, incoming);
    return;
  }
  if (conversation.spec.request) matchReply(conn, incoming, receivedUs);
  if (conversation.spec.push) matchPush(conn, incoming);
  if (conversation.spec.broadcast) matchBroadcast(conn, incoming, receivedUs);
}

/** When the binary frame being read arrived (the adapter hands its messages to deliverBinary). */
let binaryReceivedUs = 0;

/** One binary frame: true when the protocol is binary and took it (built-in frames are not). */
export function conversationReceivedBinary(socket: WebSocket, data: Buffer, receivedUs: number): boolean {
  const conn = (socket as SocketWithConn).conn;
  const adapter = state?.adapter;
  if (!conn || !adapter?.receiveBinary) return false;
  binaryReceivedUs = receivedUs;
  adapter.receiveBinary(conn, data, deliverBinary);
  return true;
}

function deliverBinary(connection: AdapterConnection, incoming: Incoming): void {
  handleIncoming(connection as ConnState, incoming, binaryReceivedUs);
}

function advanceHandshake(conn: ConnState, incoming: Incoming): void {
  const step = state!.steps[conn.step];
  if (!step || !conn.inSteps) return; // the protocol handshake is still running
  if (conn.awaitingAckId >= 0) {
    if (incoming.ackId !== conn.awaitingAckId) return;
    conn.awaitingAckId = -1;
  } else if (step.kind === 'expect') {
    if (!matches(pattern(step.match, conn, stepInput), step.event, incoming)) return; // expect searches what arrives, not just the next message
  } else return;
  conn.step++;
  runSteps(conn);
}

function matches(match: unknown, event: string | undefined, incoming: Incoming): boolean {
  if (event !== undefined) return incoming.event === event;
  return match !== undefined && matchesSubset(match, incoming.json);
}

/** Starts the correlated request load over the ready connections. */
export function startRequests(open: ReadonlySet<WebSocket>): void {
  const conversation = state!;
  const request = conversation.spec.request;
  if (!request) return;
  conversation.requestTicker = startRateTicker(open, request.ratePerConnection, sendRequest, (sent, _lateUs, backpressured) => {
    if (sent > 0) conversation.hooks.counters.add('ws.requests.sent', sent);
    if (sent > 0) conversation.hooks.counters.add('ws.messages.sent', sent);
    if (backpressured > 0) conversation.hooks.counters.add('ws.requests.backpressured', backpressured);
  });
}

/** Variables a request template reads; a raw request always needs its id (the correlation key). */
function requestNeedsOf(spec: ConversationSpec): { variables: Set<string>; random: boolean } {
  const request = spec.request;
  const templates = request?.emit ? request.emit.args : request?.send ? [request.send] : [];
  const needs = { variables: new Set<string>(request?.send ? ['requestId'] : []), random: false };
  for (const template of templates) {
    const own = jsonTemplateNeeds(template);
    for (const name of own.variables) needs.variables.add(name);
    needs.random ||= own.random;
  }
  return needs;
}

/** Ack keys of `pending`: a number per (connection, ack id), unique while ack ids stay below 2^33 per connection. */
const MAX_CONNECTION_INDEX_SPAN = 1_048_576;
const NO_RANDOM = (): number => 0;

function sendRequest(socket: WebSocket, intendedUs: number): boolean {
  const conversation = state!;
  const conn = (socket as SocketWithConn).conn;
  if (!conn?.ready) return false;
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

function matchReply(conn: ConnState, incoming: Incoming, receivedUs: number): void {
  const conversation = state!;
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

function matchPush(conn: ConnState, incoming: Incoming): void {
  const conversation = state!;
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

/** Broadcast k is triggered at firstAtUs + k x everyUs (monotonic µs, shared by the host's processes). */
export function setBroadcastSchedule(firstAtUs: number, everyUs: number): void {
  state!.broadcastSchedule = { firstAtUs, everyUs };
}

function matchBroadcast(conn: ConnState, incoming: Incoming, receivedUs: number): void {
  const conversation = state!;
  const broadcast = conversation.spec.broadcast!;
  const schedule = conversation.broadcastSchedule;
  if (!schedule || !matches(pattern(conversation.broadcastMatch, conn, connInput), broadcast.event, incoming)) return;
  const k = Number(fieldAt(incoming.json, broadcast.idPath));
  if (!Number.isInteger(k) || k < 0) return;
  const latencyUs = Math.max(0, receivedUs - (schedule.firstAtUs + k * schedule.everyUs));
  recordUs(conversation.hooks.broadcast, latencyUs);
  conversation.hooks.counters.add('ws.broadcast.received');
  if (latencyUs > (conversation.hooks.broadcastLastUs.get(k) ?? -1)) conversation.hooks.broadcastLastUs.set(k, latencyUs);
}

/** Stops sending requests (replies to those in flight are still matched). */
export function stopRequestTicker(): void {
  state?.requestTicker?.stop();
}

/** Ends the conversation: counts requests still unanswered (not yet timed out) at the end. */
export function stopConversation(): { requestsSent: number } {
  const conversation = state;
  if (!conversation) return { requestsSent: 0 };
  conversation.requestTicker?.stop();
  clearInterval(conversation.sweeper);
  if (conversation.pending.size > 0) conversation.hooks.counters.add('ws.requests.unanswered', conversation.pending.size);
  conversation.pending.clear();
  return { requestsSent: conversation.requestTicker?.sent() ?? 0 };
}

/** Requests sent and not yet answered or expired (for draining before the result). */
export function requestsInFlight(): number {
  return state?.pending.size ?? 0;
}
