import { nowUs } from '../../metrics/clock.js';
import { recordUs } from '../../metrics/histogram.js';
import { bindTemplate, seededRandom, type RenderFn } from '../../template/render.js';
import { bindFields, renderFields, STEP_STREAM, type BoundFields } from './bound-fields.js';
import type { ConnState } from './conn-state.js';
import type { ConversationSpec } from './conversation-spec.js';
import { matches } from './incoming-match.js';
import type { Incoming } from './protocols/protocol.js';

/**
 * The `onOpen` steps of a connection after its protocol handshake (send, emit, subscribe, expect),
 * and how the connection becomes ready or fails before it is held.
 */
export type BoundStep =
  | { kind: 'send'; render: RenderFn }
  | { kind: 'emit'; event: string; data: RenderFn | undefined; ack: boolean }
  | { kind: 'expect'; match: unknown; event: string | undefined; timeoutUs: number }
  | { kind: 'subscribe'; fields: BoundFields };

export function bindStep(step: ConversationSpec['onOpen'][number]): BoundStep {
  if ('send' in step) return { kind: 'send', render: bindTemplate(step.send) };
  if ('emit' in step) return { kind: 'emit', event: step.emit.event, data: step.emit.data ? bindTemplate(step.emit.data) : undefined, ack: step.emit.ack };
  if ('subscribe' in step) return { kind: 'subscribe', fields: bindFields(step.subscribe) };
  return { kind: 'expect', match: step.expect.match, event: step.expect.event, timeoutUs: step.expect.timeout };
}

export function runSteps(conn: ConnState): void {
  const { conversation } = conn;
  const { steps } = conversation;
  conn.inSteps = true;
  while (conn.step < steps.length) {
    const step = steps[conn.step]!;
    const input = { values: { conn: conn.index, seq: conn.step }, random: seededRandom(conversation.spec.seed, STEP_STREAM, conn.index * 1_000 + conn.step) };
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
      conn.sendText(conversation.adapter.frameEmit(conn, step.event, step.data?.(input), ackId));
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
  if (conversation.steps.length > 0 || conversation.spec.protocol !== 'raw') recordUs(conversation.measured.handshake, nowUs() - conn.openedAtUs);
  conversation.hooks.onReady(conn.socket);
}

export function failConnection(conn: ConnState, reason: string): void {
  const { conversation } = conn;
  if (conversation.handshaking.has(conn)) conversation.noteCause('ws.connections.failed.handshake', reason);
  if (conn.ready) {
    conn.socket.terminate(); // the server ended the session (socket.io disconnect): a drop, counted on close
    return;
  }
  if (!conversation.handshaking.delete(conn)) return;
  conversation.hooks.counters.add('ws.connections.failed.handshake');
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
    if (!matches(step.match, step.event, incoming)) return; // expect searches what arrives, not just the next message
  } else return;
  conn.step++;
  runSteps(conn);
}
