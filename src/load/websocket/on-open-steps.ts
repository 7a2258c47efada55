import { nowUs } from '../../metrics/clock.js';
import { recordUs } from '../../metrics/histogram.js';
import { bindJsonTemplate, bindJsonValue, joinJsonTemplates, type JsonTemplate } from '../../template/json-template.js';
import type { RenderFn } from '../../template/render.js';
import { bindFields, renderFields, stepInput, type BoundFields } from './bound-fields.js';
import type { ConnState } from './conn-state.js';
import type { ConversationSpec } from './conversation-spec.js';
import { matches, pattern, type BoundMatch } from './incoming-match.js';
import type { Incoming } from './protocols/protocol.js';

/**
 * The `onOpen` steps of a connection after its protocol handshake (send, emit, subscribe, expect),
 * and how the connection becomes ready or fails before it is held.
 */
export type BoundStep =
  | { kind: 'send'; render: RenderFn }
  | { kind: 'emit'; event: string; args: RenderFn | undefined; ack: boolean }
  | { kind: 'expect'; match: BoundMatch | undefined; event: string | undefined; timeoutUs: number }
  | { kind: 'subscribe'; fields: BoundFields };

export const HANDSHAKE_FAILED = 'ws.connections.failed.handshake';
/** The reason of a handshake or step that ran out of time (its cause names where and what arrived). */
export const TIMED_OUT = 'timed out';
/** Shown of a message that arrived instead of the one a step waited for. */
const ARRIVED_CHARS = 200;

export function bindStep(step: ConversationSpec['onOpen'][number]): BoundStep {
  if ('send' in step) return { kind: 'send', render: bindJsonTemplate(step.send) };
  if ('emit' in step) return { kind: 'emit', event: step.emit.event, args: bindArgs(step.emit.args), ack: step.emit.ack };
  if ('subscribe' in step) return { kind: 'subscribe', fields: bindFields(step.subscribe) };
  return { kind: 'expect', match: step.expect.match ? bindJsonValue(step.expect.match) : undefined, event: step.expect.event, timeoutUs: step.expect.timeout };
}

/** The JSON text of an emit's arguments, comma-separated (undefined when it has none). */
export function bindArgs(args: readonly JsonTemplate[]): RenderFn | undefined {
  return args.length === 0 ? undefined : bindJsonTemplate(joinJsonTemplates(args));
}

/** Which part of the handshake a connection is in, as a cause names it. */
export function where(conn: ConnState): string {
  const { conversation } = conn;
  if (!conn.inSteps) return `${conversation.spec.protocol} handshake`;
  const step = conversation.steps[conn.step];
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

export function runSteps(conn: ConnState): void {
  const { conversation } = conn;
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
  const { conversation } = conn;
  conversation.handshaking.delete(conn);
  conn.ready = true;
  conn.lastText = undefined;
  if (conversation.steps.length > 0 || conversation.spec.protocol !== 'raw') recordUs(conversation.measured.handshake, nowUs() - conn.openedAtUs);
  conversation.hooks.onReady(conn.socket);
}

export function failConnection(conn: ConnState, reason: string): void {
  const { conversation } = conn;
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

/** A message before the connection is ready: it may answer the ack or the expect step it waits for. */
export function advanceHandshake(conn: ConnState, incoming: Incoming): void {
  const step = conn.conversation.steps[conn.step];
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
