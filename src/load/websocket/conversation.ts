import type { WebSocket } from 'ws';
import type { CauseBook } from '../../metrics/causes.js';
import { nowUs } from '../../metrics/clock.js';
import { createHistogram, type Histogram } from '../../metrics/histogram.js';
import { bindJsonTemplate, bindJsonValue } from '../../template/json-template.js';
import { bindTemplate, seededRandom, type RenderFn } from '../../template/render.js';
import type { Template } from '../../template/template.js';
import { matchBroadcast, type BroadcastTally } from './broadcast-match.js';
import { bindFields, CONNECT_STREAM, renderFields, type BoundFields } from './bound-fields.js';
import { closeCause } from './connect-error.js';
import { ConnState, connOf } from './conn-state.js';
import type { ConversationSpec } from './conversation-spec.js';
import type { BoundMatch } from './incoming-match.js';
import { advanceHandshake, bindArgs, bindStep, failConnection, HANDSHAKE_FAILED, TIMED_OUT, where, type BoundStep } from './on-open-steps.js';
import type { AdapterConnection, Incoming, WsProtocolAdapter } from './protocols/protocol.js';
import { protocolAdapter } from './protocols/registry.js';
import { matchPush } from './push-sequencing.js';
import type { RateTicker } from './rate-ticker.js';
import { expireRequests, matchReply, requestNeedsOf, startRequestTicker, type RequestNeeds } from './request-reply.js';

/**
 * A client shard's conversations with a real server, one per connection: the protocol handshake
 * (adapter), the `onOpen` steps (on-open-steps.ts), correlated requests (request-reply.ts), server
 * pushes (push-sequencing.ts) and triggered broadcasts (broadcast-match.ts). The swarm owns sockets
 * and the ramp; a Conversation owns what is said on them. Per connection it keeps one small
 * ConnState (on a symbol of the socket, methods on its prototype, no closures) that points back to
 * its Conversation, so two conversations can live in one process.
 */

/** What the conversation measured; merged into the shard's result. */
export interface ConversationMeasurements {
  handshake: Histogram;
  request: Histogram;
  push: Histogram;
}

export interface ConversationHooks extends BroadcastTally {
  /** Why handshakes failed and requests timed out. */
  causes: CauseBook;
  onReady(socket: WebSocket): void;
  /** The connection failed its handshake or a step; it has been terminated and counted. */
  onFailed(socket: WebSocket): void;
}

const SWEEP_INTERVAL_MS = 50;

export class Conversation {
  readonly adapter: WsProtocolAdapter;
  readonly measured: ConversationMeasurements = { handshake: createHistogram(), request: createHistogram(), push: createHistogram() };
  readonly headers: Array<[string, RenderFn]>;
  readonly query: Array<[string, RenderFn]>;
  readonly steps: BoundStep[];
  readonly requestSend: RenderFn | undefined;
  readonly requestEmitArgs: RenderFn | undefined;
  readonly requestPublish: BoundFields | undefined;
  readonly handshakeFields: BoundFields;
  /** The adapter's subprotocols, then the scenario's. */
  readonly subprotocols: string[];
  readonly pushMatch: BoundMatch | undefined;
  readonly broadcastMatch: BoundMatch | undefined;
  /** Connections between upgrade and ready. */
  readonly handshaking = new Set<ConnState>();
  /** Requests in flight: key -> intended send time (insertion order is send order). */
  readonly pending = new Map<string | number, number>();
  /** What a request's template reads: values not read are not computed per request. */
  readonly requestNeeds: RequestNeeds;
  requestCount = 0;
  requestTicker: RateTicker | undefined;
  broadcastSchedule: { firstAtUs: number; everyUs: number } | undefined;
  /** The adapter's state shared by this conversation's connections (see AdapterConnection.protocolShared). */
  protocolShared: unknown = undefined;
  /** When the binary frame being read arrived (the adapter hands its messages to deliverBinary). */
  binaryReceivedUs = 0;
  private readonly sweeper: NodeJS.Timeout;
  /** Target URL -> the adapter's decoration of it. */
  private readonly decorated = new Map<string, string>();

  constructor(
    readonly spec: ConversationSpec,
    readonly hooks: ConversationHooks,
  ) {
    const bindAll = (record: Record<string, Template>): Array<[string, RenderFn]> => Object.entries(record).map(([name, template]) => [name, bindTemplate(template)]);
    this.adapter = protocolAdapter(spec.protocol);
    this.headers = bindAll(spec.headers);
    this.query = bindAll(spec.query);
    this.steps = spec.onOpen.map(bindStep);
    this.requestSend = spec.request?.send ? bindJsonTemplate(spec.request.send) : undefined;
    this.requestEmitArgs = spec.request?.emit ? bindArgs(spec.request.emit.args) : undefined;
    this.requestPublish = spec.request?.publish ? bindFields(spec.request.publish) : undefined;
    this.handshakeFields = bindFields(spec.handshake);
    this.subprotocols = [...(this.adapter.subprotocols ?? []), ...spec.subprotocols];
    this.pushMatch = spec.push?.match ? bindJsonValue(spec.push.match) : undefined;
    this.broadcastMatch = spec.broadcast?.match ? bindJsonValue(spec.broadcast.match) : undefined;
    this.requestNeeds = requestNeedsOf(spec);
    this.sweeper = setInterval(sweep, SWEEP_INTERVAL_MS, this);
  }

  /** URL, subprotocols and headers of connection `index` (templates rendered with {{conn}}). */
  connectArgs(target: string, index: number): { url: string; protocols: string[]; headers: Record<string, string> } {
    const base = this.decoratedTarget(target);
    const input = { values: { conn: index }, random: seededRandom(this.spec.seed, CONNECT_STREAM, index) };
    let url = base;
    if (this.query.length > 0) {
      const withQuery = new URL(base);
      for (const [name, render] of this.query) withQuery.searchParams.set(name, render(input));
      url = withQuery.href;
    }
    const headers: Record<string, string> = {};
    for (const [name, render] of this.headers) headers[name] = render(input);
    return { url, protocols: this.subprotocols, headers };
  }

  /** A target as the adapter decorates it, once per target (not once per connection). */
  private decoratedTarget(target: string): string {
    let decorated = this.decorated.get(target);
    if (decorated === undefined) {
      const url = new URL(target);
      this.adapter.decorateUrl(url);
      decorated = url.href;
      this.decorated.set(target, decorated);
    }
    return decorated;
  }

  /** The upgrade of `socket` (connection `index`) completed: the protocol handshake starts. */
  opened(socket: WebSocket, index: number, openedAtUs: number): void {
    const conn = new ConnState(this, socket, index, this.spec.namespace);
    conn.openedAtUs = openedAtUs;
    conn.deadlineUs = openedAtUs + this.spec.handshakeTimeoutUs;
    this.handshaking.add(conn);
    const handshake = this.handshakeFields.length === 0 ? {} : renderFields(this.handshakeFields, { values: { conn: index }, random: seededRandom(this.spec.seed, CONNECT_STREAM, index) });
    this.adapter.opened(conn, handshake);
  }

  /** A socket closed: true when it was still in its handshake (counted as a failed handshake here). */
  closed(socket: WebSocket, code: number, reason: Buffer): boolean {
    const conn = connOf(socket);
    if (!conn || conn.ready || !this.handshaking.delete(conn)) return false;
    this.hooks.counters.add(HANDSHAKE_FAILED);
    this.hooks.causes.note(HANDSHAKE_FAILED, `${where(conn)}: the server closed the connection: ${closeCause(code, reason)}`);
    return true;
  }

  /** Why the protocol ended a held connection, when it did (the close that follows is ours, not the server's). */
  dropCause(socket: WebSocket): string | undefined {
    return connOf(socket)?.dropCause;
  }

  /** One text frame from the server. */
  received(socket: WebSocket, text: string, receivedUs: number): void {
    const conn = connOf(socket);
    if (!conn) return;
    if (!conn.ready) conn.lastText = text;
    const incoming = this.adapter.receive(conn, text);
    if (incoming) handleIncoming(conn, incoming, receivedUs);
  }

  /** One binary frame: true when the protocol is binary and took it (built-in frames are not). */
  receivedBinary(socket: WebSocket, data: Buffer, receivedUs: number): boolean {
    const conn = connOf(socket);
    if (!conn || !this.adapter.receiveBinary) return false;
    this.binaryReceivedUs = receivedUs;
    this.adapter.receiveBinary(conn, data, deliverBinary);
    return true;
  }

  /** Starts the correlated request load over the ready connections. */
  startRequests(open: ReadonlySet<WebSocket>): void {
    startRequestTicker(this, open);
  }

  /** Broadcast k is triggered at firstAtUs + k x everyUs (monotonic µs, shared by the host's processes). */
  setBroadcastSchedule(firstAtUs: number, everyUs: number): void {
    this.broadcastSchedule = { firstAtUs, everyUs };
  }

  /** Stops sending requests (replies to those in flight are still matched). */
  stopRequestTicker(): void {
    this.requestTicker?.stop();
  }

  /** Ends the conversation: counts requests still unanswered (not yet timed out) at the end. */
  stop(): { requestsSent: number } {
    this.requestTicker?.stop();
    clearInterval(this.sweeper);
    if (this.pending.size > 0) this.hooks.counters.add('ws.requests.unanswered', this.pending.size);
    this.pending.clear();
    return { requestsSent: this.requestTicker?.sent() ?? 0 };
  }

  /** Requests sent and not yet answered or expired (for draining before the result). */
  requestsInFlight(): number {
    return this.pending.size;
  }
}

/** Expires handshakes, expect steps and requests that ran out of time. */
function sweep(conversation: Conversation): void {
  const now = nowUs();
  for (const conn of conversation.handshaking) if (now > conn.deadlineUs) failConnection(conn, TIMED_OUT);
  expireRequests(conversation, now);
}

function handleIncoming(conn: ConnState, incoming: Incoming, receivedUs: number): void {
  if (!conn.ready) {
    advanceHandshake(conn, incoming);
    return;
  }
  const { conversation } = conn;
  if (conversation.spec.request) matchReply(conn, incoming, receivedUs);
  if (conversation.spec.push) matchPush(conn, incoming);
  if (conversation.spec.broadcast) matchBroadcast(conn, incoming, receivedUs);
}

function deliverBinary(connection: AdapterConnection, incoming: Incoming): void {
  const conn = connection as ConnState;
  handleIncoming(conn, incoming, conn.conversation.binaryReceivedUs);
}
