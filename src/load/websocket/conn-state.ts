import type { WebSocket } from 'ws';
import type { Conversation } from './conversation.js';
import { failConnection, runSteps } from './on-open-steps.js';
import type { AdapterConnection } from './protocols/protocol.js';

/** Where a socket keeps its conversation state (as ws keeps its own on a symbol). */
const CONN = Symbol('pushbench.wsConversation');

type SocketWithConn = WebSocket & { [CONN]?: ConnState };

/** The conversation state of `socket`, if it holds a conversation. */
export function connOf(socket: WebSocket): ConnState | undefined {
  return (socket as SocketWithConn)[CONN];
}

/**
 * One connection's conversation state: a few fields, methods on the prototype (no closure per
 * connection), and the conversation it belongs to.
 */
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
    readonly conversation: Conversation,
    readonly socket: WebSocket,
    readonly index: number,
    readonly namespace: string,
  ) {
    (socket as SocketWithConn)[CONN] = this;
  }

  /** Kept by the conversation, so every connection of it sees the same (an accessor: no field per connection). */
  get protocolShared(): unknown {
    return this.conversation.protocolShared;
  }

  set protocolShared(value: unknown) {
    this.conversation.protocolShared = value;
  }

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
    this.conversation.hooks.counters.add(counter);
    this.conversation.hooks.causes.note(counter, cause);
    if (!this.ready) failConnection(this, cause);
  }

  isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }
}
